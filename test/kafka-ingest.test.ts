// Simulated fleet → Kafka (librdkafka's mock cluster) → pipeline → database, compared with the
// same feed ingested from a file.
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaSource } from '../src/ingest/kafka-source.js';
import { runPipeline } from '../src/ingest/pipeline.js';
import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { runCli } from './support/cli.js';
import { createPgDatabase, describeEachDb } from './support/databases.js';
import { ingestFile, tempFile } from './support/ingest.js';
import { produce, startKafkaMock, type KafkaMock } from './support/kafka-mock.js';
import { fileLine, simMessages } from './support/sim-feed.js';
import { snapshot } from './support/snapshot.js';

// 12 bikes, 2 rides each: ~25k messages, ~3 MB, well inside the mock's 5 MiB per partition.
const messages = simMessages({ bikes: 12, ridesPerBike: 2, seed: 5, abnormalShare: 0.25 });
let mock: KafkaMock;

beforeAll(async () => {
  mock = await startKafkaMock();
});
afterAll(async () => {
  await mock?.stop();
});

describeEachDb('kafka ingest', (get) => {
  it('stores a fleet read from Kafka exactly as the same feed read from a file', async () => {
    const { db, kind } = get();
    const topic = `fleet-${kind}-${process.pid}`;
    await produce(mock.brokers, topic, messages);
    const source = createKafkaSource({
      brokers: [mock.brokers],
      topic,
      groupId: `ingest-${kind}`,
      ssl: false,
      untilIdle: { idleMs: 2_000 },
      sessionTimeoutMs: 6_000,
      logger: pino({ level: 'silent' }),
    });
    const stats = await runPipeline({
      db,
      source,
      feedTimeZone: 'UTC',
      maxBatchMessages: 2_000,
      maxBatchWaitMs: 100,
      logger: pino({ level: 'silent' }),
      signal: new AbortController().signal,
    });
    await source.close();
    expect(stats.messages).toBe(messages.length);
    expect(stats.rejects).toBe(0);
    const fromKafka = await snapshot(db);
    // One stored position per partition the topic has, each at its end.
    expect(fromKafka.offsets).toHaveLength(4);

    await get().reset();
    await ingestFile(db, tempFile(messages.map(fileLine)));
    const fromFile = await snapshot(db);
    expect(fromKafka.rides.length).toBe(24);
    expect(fromKafka.riders).toEqual(fromFile.riders);
    expect(fromKafka.rides).toEqual(fromFile.rides);
    expect(fromKafka.readings).toEqual(fromFile.readings);
  });
});

describe('deloton simulate --to kafka, then deloton ingest --source kafka', () => {
  it('moves a simulated fleet through the mock cluster into PostgreSQL with the real CLI', async () => {
    const target = await createPgDatabase();
    try {
      const env = {
        KAFKA_BROKERS: mock.brokers,
        KAFKA_TOPIC: `cli-${process.pid}`,
        KAFKA_GROUP_ID: 'cli-ingest',
        DATABASE_URL: target.url,
      };
      const sim = await runCli(
        [
          'simulate',
          '--bikes',
          '6',
          '--rides-per-bike',
          '1',
          '--seed',
          '9',
          '--fast',
          '--to',
          'kafka',
        ],
        env,
      );
      expect(sim.code, sim.stderr).toBe(0);
      const ingest = await runCli(['ingest', '--source', 'kafka', '--until-idle'], {
        ...env,
        LOG_LEVEL: 'info',
      });
      expect(ingest.code, ingest.stderr).toBe(0);
      const finished = ingest.stderr
        .split('\n')
        .filter((l) => l.includes('"ingest finished"'))
        .map((l) => JSON.parse(l) as { messages: number; rejects: number; readings: number })[0];
      expect(finished?.rejects).toBe(0);
      expect(finished?.messages).toBeGreaterThan(5_000);
      const db = openPgDb(target.url);
      try {
        const [row] = await db.query<{ rides: number; readings: number }>(
          `SELECT (SELECT count(*)::int FROM rides) AS rides, (SELECT count(*)::int FROM readings) AS readings`,
        );
        expect(row).toEqual({ rides: 6, readings: finished!.readings });
      } finally {
        await db.close();
      }
    } finally {
      await target.drop();
    }
  });
});

describe('two ingest processes in one consumer group', () => {
  it('hand rides over at rebalances both ways and end with the rows of one clean run', async () => {
    // Rides span three thirds: partitions move to B after the first, back to A after the second.
    const feed = simMessages({ bikes: 16, ridesPerBike: 1, seed: 21, abnormalShare: 0 });
    const cut = [0, Math.floor(feed.length / 3), Math.floor((2 * feed.length) / 3), feed.length];
    const topic = `rebalance-${process.pid}`;
    const target = await createPgDatabase();
    const reference = await createPgDatabase();
    const db = openPgDb(target.url);
    const refDb = openPgDb(reference.url);
    const joins: { member: string; generation: number }[] = [];
    const joined = (name: string, generation: number): boolean =>
      joins.some((j) => j.member === name && j.generation >= generation);
    const stored = async (): Promise<number> => {
      const [row] = await db.query<{ n: number }>(
        'SELECT coalesce(sum(position), 0)::int AS n FROM source_offsets',
      );
      return row!.n;
    };
    const member = (name: string, signal: AbortSignal) => {
      const logger = pino(
        { level: 'info' },
        {
          write: (line: string) => {
            const l = JSON.parse(line) as { msg?: string; generation?: number };
            if (l.msg === 'joined consumer group')
              joins.push({ member: name, generation: l.generation ?? 0 });
          },
        },
      );
      const source = createKafkaSource({
        brokers: [mock.brokers],
        topic,
        groupId: 'rebalance',
        ssl: false,
        untilIdle: { idleMs: 10_000 },
        sessionTimeoutMs: 6_000,
        logger,
      });
      return runPipeline({
        db,
        source,
        feedTimeZone: 'UTC',
        maxBatchMessages: 1_000,
        maxBatchWaitMs: 50,
        logger: pino({ level: 'silent' }),
        signal,
      }).finally(() => source.close());
    };
    const phase = async (i: number): Promise<void> => {
      await produce(mock.brokers, topic, feed.slice(cut[i], cut[i + 1]));
      while ((await stored()) < cut[i + 1]!) await sleep(50);
    };
    try {
      await migrate(db);
      await migrate(refDb);
      const a = member('a', new AbortController().signal);
      while (!joined('a', 1)) await sleep(50);
      await phase(0);
      const stopB = new AbortController();
      const b = member('b', stopB.signal);
      while (!joined('b', 1) || !joined('a', 2)) await sleep(50);
      await phase(1);
      // B leaves: its bikes, with the readings B stored, come back to A.
      stopB.abort();
      const sb = await b;
      while (!joined('a', 3)) await sleep(50);
      await phase(2);
      const sa = await a;
      expect(sb.messages).toBeGreaterThan(0);
      expect(sa.messages + sb.messages).toBeGreaterThanOrEqual(feed.length);

      await ingestFile(refDb, tempFile(feed.map(fileLine)));
      const want = await snapshot(refDb);
      const got = await snapshot(db);
      expect(got.rides).toHaveLength(16);
      expect(got.rides).toEqual(want.rides);
      expect(got.readings).toEqual(want.readings);
      expect(got.rejected).toEqual([]);
    } finally {
      await db.close();
      await refDb.close();
      await target.drop();
      await reference.drop();
    }
  }, 120_000); // group joins and rejoins on the mock take seconds each
});
