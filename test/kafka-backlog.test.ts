// Per-partition backlog of a Kafka reader: what `deloton_feed_lag_seconds` cannot see (one member
// far behind hides behind the others), told by the source and served on METRICS_PORT.
import type { ChildProcess } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaSource } from '../src/ingest/kafka-source.js';
import type { PartitionBacklog, Source, SourceMessage } from '../src/ingest/source.js';
import { openPgDb } from '../src/store/pg-db.js';
import { createPgDatabase } from './support/databases.js';
import { produce, startKafkaMock, type KafkaMock } from './support/kafka-mock.js';
import { role } from './support/ops-role.js';
import { asStored } from './support/positions.js';
import { simMessages } from './support/sim-feed.js';
import { waitUntil } from './support/wait.js';

let mock: KafkaMock;

beforeAll(async () => {
  mock = await startKafkaMock();
});
afterAll(async () => {
  await mock?.stop();
});

async function highWatermarks(topic: string): Promise<Map<number, number>> {
  const admin = new Kafka({ brokers: [mock.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

const lines = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    key: `SN${String((from + i) % 20).padStart(4, '0')}`,
    value: JSON.stringify({ log: `line ${from + i}\n` }),
  }));

const byPartition = (b: readonly PartitionBacklog[]) =>
  new Map(b.map((x) => [x.partition, x] as const));

describe('kafka source backlog', () => {
  it('counts what is past the stored position per partition, and how old the stored end is', async () => {
    const topic = `backlog-${process.pid}-${Date.now()}`;
    const producedFrom = Date.now();
    await produce(mock.brokers, topic, lines(4_000));
    const producedTo = Date.now();
    const high = await highWatermarks(topic);
    expect(high.size).toBe(4);
    const half = new Map([...high].map(([p, h]) => [p, Math.floor(h / 2)] as const));
    const source: Source = createKafkaSource({
      brokers: [mock.brokers],
      topic,
      groupId: 'g-backlog',
      ssl: false,
      sessionTimeoutMs: 6000,
      logger: pino({ level: 'silent' }),
    });
    const abort = new AbortController();
    const read = source.read(() => Promise.resolve(asStored(half)), abort.signal);
    const chunks = read[Symbol.asyncIterator]();
    try {
      const chunk = (await chunks.next()).value as readonly SourceMessage[];
      // Joined at the stored positions: half of every partition waits. The oldest waiting
      // message of the chunk's partition was fetched: its age is exact.
      const joined = byPartition(await source.backlog!());
      expect([...joined.keys()].sort()).toEqual([...high.keys()].sort());
      for (const [p, h] of high) expect(joined.get(p)?.messages).toBe(h - half.get(p)!);
      const now = Date.now();
      const first = joined.get(chunk[0]!.partition)!.seconds!;
      expect(first).toBeGreaterThanOrEqual((now - producedTo) / 1000 - 0.01);
      expect(first).toBeLessThanOrEqual((now - producedFrom) / 1000 + 0.01);

      const last = chunk.at(-1)!;
      await source.committed!(new Map([[last.partition, last.next]]));
      expect(byPartition(await source.backlog!()).get(last.partition)?.messages).toBe(
        high.get(last.partition)! - last.next,
      );

      // Everything stored: no backlog, no lag.
      await source.committed!(high);
      await waitUntil(
        async () => (await source.backlog!()).every((b) => b.messages === 0 && b.seconds === 0),
        'an empty backlog',
      );
      // New messages count at once, whether or not this reader has fetched them: the ends come
      // from the brokers. Until fetched, their age is bounded by the reader's last fetch.
      const sentAt = Date.now();
      await produce(mock.brokers, topic, lines(7, 4_000));
      await waitUntil(
        async () => (await source.backlog!()).reduce((n, b) => n + b.messages, 0) === 7,
        'the 7 new messages in the backlog',
      );
      // Once fetched, their age is their own.
      for (let seen = 0; seen < 7;) {
        const next = await chunks.next();
        if (next.done) throw new Error('the read ended before the new messages came');
        seen += next.value.filter((m) => m.offset >= high.get(m.partition)!).length;
      }
      const waiting = (await source.backlog!()).filter((b) => b.messages > 0);
      expect(waiting.length).toBeGreaterThan(0);
      for (const b of waiting) {
        expect(b.seconds).toBeGreaterThan(0);
        expect(b.seconds).toBeLessThanOrEqual((Date.now() - sentAt) / 1000 + 0.01);
      }
      abort.abort();
      await chunks.return?.(undefined);
    } finally {
      await source.close();
    }
    expect(await source.backlog!()).toEqual([]);
  });
});

describe('deloton ingest --source kafka on METRICS_PORT', () => {
  let db: { url: string; drop: () => Promise<void> };
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    db = await createPgDatabase();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await db?.drop();
  });

  /** Per partition, a metric's samples from Prometheus text. */
  const perPartition = (text: string, name: string): Map<number, number> =>
    new Map(
      [...text.matchAll(new RegExp(`^${name}\\{partition="(\\d+)"\\} (\\S+)$`, 'gm'))].map(
        (m) => [Number(m[1]), Number(m[2])] as const,
      ),
    );
  const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

  it('serves each partition backlog and lag, which rise while the database holds ingest back', async () => {
    const topic = `backlog-cli-${process.pid}`;
    const fleet = simMessages({ bikes: 8, ridesPerBike: 1, seed: 3 });
    const head = fleet.slice(0, 2_000);
    const tail = fleet.slice(2_000, 3_000);
    await produce(mock.brokers, topic, head);
    const r = await role(['ingest', '--source', 'kafka'], {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: mock.brokers,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: 'backlog-cli',
    });
    children.push(r.child);
    const backlog = async () => perPartition(await r.metrics(), 'deloton_ingest_backlog_messages');
    const lag = async () => perPartition(await r.metrics(), 'deloton_ingest_lag_seconds');
    await waitUntil(
      async () => {
        const b = await backlog();
        return b.size === 4 && sum(b) === 0;
      },
      'all four partitions stored',
      { timeoutMs: 30_000, everyMs: 200 },
    );
    expect([...(await lag()).values()]).toEqual([0, 0, 0, 0]);

    // A lock on the positions table holds every batch's transaction back.
    const blocker = openPgDb(db.url, { max: 1 });
    const held = blocker.transaction(async (tx) => {
      await tx.query('LOCK TABLE source_offsets IN ACCESS EXCLUSIVE MODE');
      await produce(mock.brokers, topic, tail);
      await waitUntil(async () => sum(await backlog()) === tail.length, 'the tail in the backlog', {
        timeoutMs: 30_000,
        everyMs: 200,
      });
      const before = await lag();
      await waitUntil(
        async () => {
          const now = await lag();
          return [...now].some(([p, s]) => s > (before.get(p) ?? 0) + 1);
        },
        'the lag to grow while nothing is stored',
        { timeoutMs: 10_000, everyMs: 200 },
      );
    });
    await held;
    await blocker.close();
    await waitUntil(
      async () => sum(await backlog()) === 0 && [...(await lag()).values()].every((s) => s === 0),
      'the backlog drained once the lock was gone',
      { timeoutMs: 30_000, everyMs: 200 },
    );
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  });
});
