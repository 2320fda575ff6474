import type { RideReading } from '../domain/ride.js';
import type { Db, Queryable } from './db.js';
import { utcDayOf } from './utc-day.js';

/** One monthly partition of `readings` as `db maintain` reports it. */
export interface ReadingsPartition {
  readonly name: string;
  /** First day of the month it holds (rides that started then, UTC), YYYY-MM-DD. */
  readonly from: string;
  /** First day of the next month, YYYY-MM-DD. */
  readonly to: string;
  readonly bytes: number;
}

/** The first day (UTC) of the month holding epoch ms `ms`, as YYYY-MM-DD. */
export function monthOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** The first day of the month after `month` (YYYY-MM-DD), as YYYY-MM-DD. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthOf(Date.UTC(y, m, 1));
}

/**
 * Creates the partition of the month holding `day` unless it exists; returns its name when it
 * was created now. Another process creating it at the same moment is not an error.
 */
export async function ensureReadingsPartition(q: Queryable, day: string): Promise<string | null> {
  try {
    const [row] = await q.query<{ created: string | null }>(
      'SELECT readings_partition_ensure($1::date) AS created',
      [day],
    );
    return row?.created ?? null;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === '42P07' || code === '23505') return null;
    throw e;
  }
}

/** The monthly partitions of `readings`, oldest first, with their size on disk. */
export async function listReadingsPartitions(q: Queryable): Promise<ReadingsPartition[]> {
  const rows = await q.query<{ name: string; bytes: number }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::float8 AS bytes
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'readings'::regclass AND c.relname ~ '^readings_[0-9]{4}_[0-9]{2}$'
     ORDER BY c.relname`,
  );
  return rows.map((r) => {
    const from = `${r.name.slice(9, 13)}-${r.name.slice(14, 16)}-01`;
    return { name: r.name, from, to: nextMonth(from), bytes: r.bytes };
  });
}

/**
 * Drops, each whole in its own transaction, the partitions whose month ended at least
 * `retentionMs` before `nowMs`: their readings go, rides and their summaries stay.
 */
export async function dropOldReadingsPartitions(
  db: Db,
  retentionMs: number,
  nowMs = Date.now(),
): Promise<ReadingsPartition[]> {
  const cutoff = nowMs - retentionMs;
  const old = (await listReadingsPartitions(db)).filter((p) => Date.parse(p.to) <= cutoff);
  for (const p of old)
    await db.transaction(async (tx) => {
      // Named by listReadingsPartitions' pattern: letters, digits and _ only.
      await tx.query(`DROP TABLE IF EXISTS ${p.name}`);
    });
  return old;
}

/**
 * The months this process knows to have a partition, so that a batch costs one Set lookup per
 * ride run; a month not seen yet is created before the batch writes (the simulator and replays
 * write old months too).
 */
export class ReadingsPartitions {
  private readonly known = new Set<string>();

  /** Makes sure every month the batch's readings go to has its partition. */
  async ensureFor(db: Db, readings: readonly RideReading[]): Promise<void> {
    let last = '';
    let missing: Set<string> | null = null;
    for (const { ride } of readings) {
      // One string per day (utcDayOf): a batch's rides started on a few days, checked once each.
      const day = utcDayOf(ride.startedAtMs);
      if (day === last) continue;
      last = day;
      const month = `${day.slice(0, 7)}-01`;
      if (!this.known.has(month)) (missing ??= new Set()).add(month);
    }
    if (missing === null) return;
    for (const month of missing) {
      await ensureReadingsPartition(db, month);
      this.known.add(month);
    }
  }

  /** Forgets what it knew: a partition was dropped (retention) since. */
  forget(): void {
    this.known.clear();
  }
}

/** Whether `err` is a write into a month that has no partition (dropped since it was known). */
export function isMissingPartition(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.message !== 'string') return false;
  // Routed through `readings`, or copied straight into the month's table (readings-copy.ts).
  return (
    (e.code === '23514' && /no partition of relation/.test(e.message)) ||
    (e.code === '42P01' && /"readings_\d{4}_\d{2}"/.test(e.message))
  );
}
