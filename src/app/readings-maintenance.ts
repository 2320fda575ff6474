import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import {
  dropOldReadingsPartitions,
  ensureReadingsPartition,
  monthOf,
  nextMonth,
  type ReadingsPartition,
} from '../store/readings-partitions.repository.js';

/** What one maintenance round did to the readings partitions. */
export interface MaintenanceResult {
  /** Partitions created now (this month's and next month's, when missing). */
  readonly created: readonly string[];
  /** Partitions dropped by the retention, with the bytes they held. */
  readonly dropped: readonly ReadingsPartition[];
}

/**
 * Creates this month's and next month's readings partitions, so that no batch waits on one at
 * a month's start, and drops the months older than `retentionMs` (null: none).
 */
export async function maintainReadings(
  db: Db,
  retentionMs: number | null,
  nowMs = Date.now(),
): Promise<MaintenanceResult> {
  const created: string[] = [];
  const month = monthOf(nowMs);
  for (const m of [month, nextMonth(month)]) {
    const name = await ensureReadingsPartition(db, m);
    if (name !== null) created.push(name);
  }
  const dropped =
    retentionMs === null ? [] : await dropOldReadingsPartitions(db, retentionMs, nowMs);
  return { created, dropped };
}

/** Logs a round's result when it changed anything. */
export function logMaintenance(log: Logger, r: MaintenanceResult): void {
  if (r.created.length > 0) log.info({ partitions: r.created }, 'readings partitions created');
  if (r.dropped.length > 0)
    log.info(
      {
        partitions: r.dropped.map((p) => p.name),
        freedMb: Math.round(r.dropped.reduce((n, p) => n + p.bytes, 0) / 2 ** 20),
      },
      'old readings partitions dropped (READINGS_RETENTION)',
    );
}
