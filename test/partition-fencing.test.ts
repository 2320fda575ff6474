// Fencing tokens at the store and in the pipeline: a batch of a partition claimed by another
// process since it was read writes nothing, and the pipeline leaves that partition to its owner.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_SETTINGS } from '../src/domain/heart-rate.js';
import { RideAlertDetector } from '../src/domain/ride-alerts.js';
import { RideTracker } from '../src/domain/ride-tracker.js';
import { BatchBuilder } from '../src/ingest/batch-builder.js';
import { intake } from '../src/ingest/intake.js';
import { runPipeline } from '../src/ingest/pipeline.js';
import type { Source, SourceMessage } from '../src/ingest/source.js';
import type { Db } from '../src/store/db.js';
import type { IngestBatch } from '../src/store/ingest-batch.js';
import { writeBatch } from '../src/store/ingest-writer.js';
import { migrate } from '../src/store/migrate.js';
import { claimPartitions, PartitionFencedError } from '../src/store/partition-owners.repository.js';
import { openPgDb } from '../src/store/pg-db.js';
import { ReadingsPartitions } from '../src/store/readings-partitions.repository.js';
import { RideIds } from '../src/store/ride-ids.js';
import { createPgDatabase, describeEachDb } from './support/databases.js';
import { ingestFile, tempFile } from './support/ingest.js';
import { fileLine, simMessages } from './support/sim-feed.js';
import { snapshot } from './support/snapshot.js';
import { waitUntil } from './support/wait.js';

const SOURCE = 'fence-test';
// Two bikes, one per partition, with heart-rate alerts in them.
const feed = simMessages({ bikes: 2, ridesPerBike: 1, seed: 8, abnormalShare: 1 });
const keys = [...new Set(feed.map((m) => m.key))];

/** The first `n` messages of the feed as one batch over partitions 0 and 1 (one per bike). */
function batchOf(n: number, epochs: ReadonlyMap<number, number>): IngestBatch {
  const tracker = new RideTracker({ formula: DEFAULT_ALERT_SETTINGS.formula });
  const builder = new BatchBuilder(SOURCE, new RideAlertDetector(DEFAULT_ALERT_SETTINGS));
  const offsets = [0, 0];
  for (const m of feed.slice(0, n)) {
    const partition = keys.indexOf(m.key);
    const offset = offsets[partition]!++;
    intake(
      { partition, offset, next: offset + 1, key: m.key, value: m.value },
      tracker,
      builder,
      'UTC',
    );
  }
  return builder.seal(tracker.checkpoint(), epochs);
}

// The committer creates a month's readings partition before its batch; these tests write alone.
const write = async (db: Db, batch: IngestBatch) => {
  await new ReadingsPartitions().ensureFor(db, batch.readings);
  return db.transaction((tx) => writeBatch(tx, batch, new RideIds()));
};

describeEachDb('a batch under a fencing token', (get) => {
  it('writes nothing when another claim has taken one of its partitions, and all under the current ones', async () => {
    const { db } = get();
    const first = await claimPartitions(db, SOURCE, [0, 1]);
    expect([...first]).toEqual([
      [0, 1],
      [1, 1],
    ]);
    const stale = batchOf(4_000, first);
    // Enough of everything that a partial write would show.
    expect(stale.started).toHaveLength(2);
    expect(stale.readings.length).toBeGreaterThan(1_000);
    expect(stale.alerts.length).toBeGreaterThan(0);
    const taken = await claimPartitions(db, SOURCE, [1]);
    expect(taken.get(1)).toBe(2);

    const refused = await write(db, stale).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PartitionFencedError);
    expect((refused as PartitionFencedError).code).toBe('partition_fenced');
    expect((refused as PartitionFencedError).partitions).toEqual([1]);
    const after = await snapshot(db);
    expect(after).toMatchObject({ riders: [], rides: [], readings: [], alerts: [], offsets: [] });

    const current = batchOf(
      4_000,
      new Map([
        [0, 1],
        [1, 2],
      ]),
    );
    const res = await write(db, current);
    expect(res.readings).toBe(current.readings.length);
    const stored = await snapshot(db);
    expect(stored.rides).toHaveLength(2);
    expect(stored.alerts).toHaveLength(current.alerts.length);
    expect(stored.offsets).toHaveLength(2);
  });
});

describe('the fence and a claim on PostgreSQL, at the same moment', () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const created = await createPgDatabase();
    drop = created.drop;
    db = openPgDb(created.url);
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  /** Whether a statement is waiting for a lock on partition_owners. */
  const claimWaits = async (): Promise<boolean> => {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
       WHERE NOT l.granted AND a.datname = current_database()`,
    );
    return row!.n > 0;
  };

  it('makes a claim wait for a batch that holds the fence: the batch is stored, then the claim', async () => {
    await db.exec(
      'TRUNCATE partition_owners, source_offsets, rides, riders, readings, alerts CASCADE',
    );
    const epochs = await claimPartitions(db, SOURCE, [0, 1]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let wrote!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    const order: string[] = [];
    const fenced = batchOf(2_000, epochs);
    await new ReadingsPartitions().ensureFor(db, fenced.readings);
    // The batch's final statement has run (fence held); its commit waits for `release`.
    const batch = db.transaction(async (tx) => {
      await writeBatch(tx, fenced, new RideIds());
      wrote();
      await held;
      order.push('batch');
    });
    await written;
    const claim = claimPartitions(db, SOURCE, [1]).then((m) => {
      order.push('claim');
      return m;
    });
    await waitUntil(claimWaits, 'a statement waiting for a lock');
    release();
    await batch;
    expect((await claim).get(1)).toBe(2);
    expect(order).toEqual(['batch', 'claim']);
    expect(await db.query('SELECT partition FROM source_offsets ORDER BY 1')).toEqual([
      { partition: 0 },
      { partition: 1 },
    ]);
  });

  it('refuses a batch whose fence met a claim not yet committed, once that claim commits', async () => {
    await db.exec(
      'TRUNCATE partition_owners, source_offsets, rides, riders, readings, alerts CASCADE',
    );
    const epochs = await claimPartitions(db, SOURCE, [0, 1]);
    let commitClaim!: () => void;
    const gate = new Promise<void>((r) => (commitClaim = r));
    let claimed!: () => void;
    const updated = new Promise<void>((r) => (claimed = r));
    const claim = db.transaction(async (tx) => {
      await claimPartitions(tx, SOURCE, [0]);
      claimed();
      await gate;
    });
    await updated;
    const batch = write(db, batchOf(2_000, epochs)).then(
      () => null,
      (e: unknown) => e,
    );
    await waitUntil(claimWaits, 'a statement waiting for a lock');
    commitClaim();
    await claim;
    const refused = await batch;
    expect(refused).toBeInstanceOf(PartitionFencedError);
    expect((refused as PartitionFencedError).partitions).toEqual([0]);
    expect(await db.query('SELECT count(*)::int AS n FROM readings')).toEqual([{ n: 0 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM source_offsets')).toEqual([{ n: 0 }]);
  });
});

/** Messages of one partition, as a source yields them. */
const asMessages = (from: number, to: number): SourceMessage[] =>
  feed.slice(from, to).map((m, i) => ({
    partition: 0,
    offset: from + i,
    next: from + i + 1,
    key: m.key,
    value: m.value,
  }));

/**
 * A source whose partition is claimed by another process after its first third was stored; a
 * group member is then given the partition again (a new position load) and reads on from there.
 */
function takenOverSource(
  db: Db,
  group: boolean,
  seen: { fenced: () => boolean; resumedAt: number | null },
): Source {
  const third = Math.floor(feed.length / 3);
  const stored = async (): Promise<number> => {
    const [row] = await db.query<{ position: number }>(
      'SELECT position FROM source_offsets WHERE source = $1',
      [SOURCE],
    );
    return row?.position ?? 0;
  };
  return {
    name: SOURCE,
    group,
    async *read(load) {
      await load([0]);
      yield asMessages(0, third);
      await waitUntil(async () => (await stored()) === third, 'the first third stored');
      // Another process is given the partition.
      await claimPartitions(db, SOURCE, [0]);
      yield asMessages(third, third + 500);
      await waitUntil(seen.fenced, 'the fence');
      // Read on while fenced: dropped, not stored.
      yield asMessages(third + 500, 2 * third);
      if (!group) return;
      const resumedAt = (await load([0])).get(0)?.position ?? 0;
      seen.resumedAt = resumedAt;
      yield asMessages(resumedAt, feed.length);
    },
    close: () => Promise.resolve(),
  };
}

describeEachDb('a pipeline fenced off its partition', (get) => {
  const run = (db: Db, source: Source, warnings: string[]) =>
    runPipeline({
      db,
      source,
      feedTimeZone: 'UTC',
      maxBatchMessages: 200,
      maxBatchWaitMs: 20,
      alerts: DEFAULT_ALERT_SETTINGS,
      logger: pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) }),
      signal: new AbortController().signal,
    });
  const fencedIn = (warnings: string[]) => () =>
    warnings.some((w) => w.includes('"code":"partition_fenced"'));

  it('as a group member: drops what it reads until it is given the partition again, then ends as one clean run', async () => {
    const { db } = get();
    const warnings: string[] = [];
    const seen = { fenced: fencedIn(warnings), resumedAt: null as number | null };
    await run(db, takenOverSource(db, true, seen), warnings);
    // Resumed where the stored position was when the fence struck: nothing of the fenced batch
    // or of what was read after it had been stored.
    expect(seen.resumedAt).toBe(Math.floor(feed.length / 3));
    const [owner] = await db.query<{ epoch: number }>('SELECT epoch FROM partition_owners');
    expect(owner!.epoch).toBe(3);
    const got = await snapshot(db);

    await get().reset();
    await ingestFile(db, tempFile(feed.map(fileLine)));
    const want = await snapshot(db);
    expect(got.rides).toHaveLength(2);
    expect(got.alerts.length).toBeGreaterThan(0);
    expect(got.rides).toEqual(want.rides);
    expect(got.readings).toEqual(want.readings);
    expect(got.alerts).toEqual(want.alerts);
    expect(got.rejected).toEqual([]);
  });

  it('as the one reader of a file or the simulator: the run ends with partition_fenced', async () => {
    const { db } = get();
    const warnings: string[] = [];
    const seen = { fenced: fencedIn(warnings), resumedAt: null };
    const failed = await run(db, takenOverSource(db, false, seen), warnings).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(PartitionFencedError);
    const [pos] = await db.query<{ position: number }>('SELECT position FROM source_offsets');
    expect(pos!.position).toBe(Math.floor(feed.length / 3));
  });
});
