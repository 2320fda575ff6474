import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { listReadingsPartitions } from '../store/readings-partitions.repository.js';
import { maintainReadings } from './readings-maintenance.js';
import { openDatabase } from './open-db.js';

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** `deloton db maintain`: one maintenance round, printed line by line on stdout. */
export async function runMaintain(
  config: Config,
  logger: Logger,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<void> {
  const db = await openDatabase(config, logger);
  try {
    const retentionMs = config.ingest.readingsRetentionMs;
    const r = await maintainReadings(db, retentionMs);
    for (const name of r.created) out(`created ${name}`);
    if (retentionMs === null) out('retention: READINGS_RETENTION is unset, no readings dropped');
    else {
      const days = Math.round((retentionMs / 86_400_000) * 100) / 100;
      for (const p of r.dropped)
        out(`dropped ${p.name} (rides started ${p.from} to ${p.to}, ${mb(p.bytes)})`);
      if (r.dropped.length === 0) out(`retention (${days} days): no month to drop`);
    }
    const kept = await listReadingsPartitions(db);
    out(
      `readings partitions: ${kept.length}` +
        (kept.length > 0 ? `, ${kept[0]!.name} to ${kept.at(-1)!.name}` : '') +
        `, ${mb(kept.reduce((n, p) => n + p.bytes, 0))}`,
    );
  } finally {
    await db.close();
  }
}
