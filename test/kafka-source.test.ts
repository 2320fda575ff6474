import { setTimeout } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaSource } from '../src/ingest/kafka-source.js';
import type { PositionLoader, Positions, Source, SourceMessage } from '../src/ingest/source.js';
import { produce, startKafkaMock, type KafkaMock } from './support/kafka-mock.js';
import { asStored } from './support/positions.js';

const COUNT = 20_000;
const KEYS = 20;
const topic = `bikes-${process.pid}-${Date.now()}`;
const logLines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });

let mock: KafkaMock;
/** High watermark (= message count, the topic is fresh) per partition. */
let highWatermarks: Map<number, number>;

beforeAll(async () => {
  mock = await startKafkaMock();
  const messages = Array.from({ length: COUNT }, (_, i) => ({
    key: `SN${String(i % KEYS).padStart(4, '0')}`,
    value: JSON.stringify({ log: `line ${i}\n` }),
  }));
  await produce(mock.brokers, topic, messages);
  const admin = new Kafka({ brokers: [mock.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  highWatermarks = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
});

afterAll(async () => {
  await mock?.stop();
});

function kafkaSource(groupId: string, onFetch?: () => void): Source {
  return createKafkaSource({
    brokers: [mock.brokers],
    topic,
    groupId,
    ssl: false,
    untilIdle: { idleMs: 2000 },
    sessionTimeoutMs: 6000,
    logger,
    ...(onFetch ? { onFetch } : {}),
  });
}

/** Fetches the consumer makes, and a way to wait for the next. */
function fetches(): { onFetch: () => void; next: () => Promise<void> } {
  let waiting: (() => void)[] = [];
  return {
    onFetch: () => {
      for (const w of waiting) w();
      waiting = [];
    },
    next: () => new Promise((r) => waiting.push(r)),
  };
}

/** Reads until idle, mirroring positions to the group after each chunk as the pipeline does. */
async function readAll(source: Source, loadPositions: PositionLoader): Promise<SourceMessage[]> {
  const seen: SourceMessage[] = [];
  const positions = new Map<number, number>();
  try {
    for await (const chunk of source.read(loadPositions, new AbortController().signal)) {
      for (const m of chunk) {
        seen.push(m);
        positions.set(m.partition, m.next);
      }
      await source.committed?.(positions);
    }
  } finally {
    await source.close();
  }
  return seen;
}

function byPartition(messages: readonly SourceMessage[]): Map<number, SourceMessage[]> {
  const out = new Map<number, SourceMessage[]>();
  for (const m of messages) out.set(m.partition, [...(out.get(m.partition) ?? []), m]);
  return out;
}

function lineIndex(m: SourceMessage): number {
  const { log } = JSON.parse(m.value) as { log: string };
  return Number(/^line (\d+)\n$/.exec(log)?.[1]);
}

/** Each partition holds exactly offsets [from, highWatermark), in order. */
function expectContiguous(messages: readonly SourceMessage[], from: (partition: number) => number) {
  const parts = byPartition(messages);
  for (const [partition, high] of highWatermarks) {
    const start = from(partition);
    const offsets = (parts.get(partition) ?? []).map((m) => m.offset);
    expect(offsets, `partition ${partition}`).toEqual(
      Array.from({ length: high - start }, (_, i) => start + i),
    );
  }
}

function positionsAt(fraction: number, partitions: readonly number[]): Positions {
  return new Map(
    partitions.map((p) => [p, Math.floor((highWatermarks.get(p) ?? 0) * fraction)] as const),
  );
}

describe('kafka source', () => {
  it('reads every message exactly once, in key order, from the beginning', async () => {
    expect([...highWatermarks.values()].reduce((a, b) => a + b, 0)).toBe(COUNT);
    const asked: number[][] = [];
    const seen = await readAll(kafkaSource('g-all'), (partitions) => {
      asked.push([...partitions]);
      return Promise.resolve(new Map());
    });

    expect(asked).toEqual([[...highWatermarks.keys()].sort((a, b) => a - b)]);
    expect(seen).toHaveLength(COUNT);
    expect(new Set(seen.map(lineIndex)).size).toBe(COUNT);
    const lastByKey = new Map<string | null, number>();
    for (const m of seen) {
      expect(m.next).toBe(m.offset + 1);
      const i = lineIndex(m);
      expect(m.key).toBe(`SN${String(i % KEYS).padStart(4, '0')}`);
      expect(i).toBeGreaterThan(lastByKey.get(m.key) ?? -1);
      lastByKey.set(m.key, i);
    }
    expectContiguous(seen, () => 0);
    expect(logLines.some((l) => l.includes('joined consumer group'))).toBe(true);
  });

  it('resumes each partition from the stored position', async () => {
    // Positions come only once kafkajs's first fetch (from the log start) has landed: that batch
    // is stale and must not be yielded.
    const f = fetches();
    const seen = await readAll(kafkaSource('g-resume', f.onFetch), async (partitions) => {
      await f.next();
      return asStored(positionsAt(0.5, partitions));
    });
    const half = positionsAt(0.5, [...highWatermarks.keys()]);
    expect(seen).toHaveLength(COUNT - [...half.values()].reduce((a, b) => a + b, 0));
    expectContiguous(seen, (p) => half.get(p) ?? 0);
  });

  it('trusts stored positions over the offsets the group committed', async () => {
    const groupId = 'g-committed';
    await readAll(kafkaSource(groupId), () => Promise.resolve(new Map()));
    const admin = new Kafka({ brokers: [mock.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    // committed() mirrored the positions, so lag tooling sees the group at the end of the topic.
    expect(
      new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)] as const)),
    ).toEqual(highWatermarks);

    // Stored positions for half the partitions; the others have none and start over.
    const [p0, p1] = [...highWatermarks.keys()].sort((a, b) => a - b);
    const stored = positionsAt(0.25, [p0 ?? 0, p1 ?? 1]);
    const seen = await readAll(kafkaSource(groupId), () => Promise.resolve(asStored(stored)));
    expectContiguous(seen, (p) => stored.get(p) ?? 0);
  });

  it('ends the iterable promptly when the signal aborts, even with a batch parked', async () => {
    const source = createKafkaSource({
      brokers: [mock.brokers],
      topic,
      groupId: 'g-abort',
      ssl: false,
      sessionTimeoutMs: 6000,
      logger,
    });
    const abort = new AbortController();
    let chunks = 0;
    for await (const chunk of source.read(() => Promise.resolve(new Map()), abort.signal)) {
      expect(chunk.length).toBeGreaterThan(0);
      chunks += 1;
      // The next partition's batch, fetched with this one, is handed over as soon as this one is
      // taken, and parked: there is no event for that from outside, so it is given a moment.
      await setTimeout(200);
      abort.abort();
    }
    const started = Date.now();
    await source.close();
    expect(chunks).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
