// The Source port's contract, run against every adapter: file, simulator and Kafka (mock cluster).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileSource } from '../src/ingest/file-source.js';
import { createKafkaSource } from '../src/ingest/kafka-source.js';
import { createSimulatorSource } from '../src/ingest/simulator-source.js';
import type { Positions, Source, SourceMessage } from '../src/ingest/source.js';
import { tempFile } from './support/ingest.js';
import { produce, startKafkaMock, type KafkaMock } from './support/kafka-mock.js';
import { asStored } from './support/positions.js';
import { fileLine, simMessages } from './support/sim-feed.js';

const FLEET = {
  bikes: 5,
  ridesPerBike: 1,
  seed: 42,
  startMs: Date.UTC(2022, 6, 6, 8),
  abnormalShare: 0.2,
};
const messages = simMessages(FLEET);
const logger = pino({ level: 'silent' });

interface Adapter {
  readonly name: string;
  /** A new source over the same stored feed. */
  make(): Source;
  /** The values the source must deliver, in any interleaving across partitions. */
  readonly expected: readonly string[];
}

let mock: KafkaMock;
const topic = `contract-${process.pid}`;
let group = 0;
const feedPath = tempFile(messages.map(fileLine));

const adapters: Adapter[] = [
  {
    name: 'file',
    make: () => createFileSource({ path: feedPath, untilIdle: true }),
    expected: messages.map(fileLine),
  },
  {
    name: 'simulator',
    make: () => createSimulatorSource({ ...FLEET, realtime: false }),
    expected: messages.map((m) => m.value),
  },
  {
    name: 'kafka',
    make: () =>
      createKafkaSource({
        brokers: [mock.brokers],
        topic,
        groupId: `contract-${++group}`,
        ssl: false,
        untilIdle: { idleMs: 2_000 },
        sessionTimeoutMs: 6_000,
        logger,
      }),
    expected: messages.map((m) => m.value),
  },
];

beforeAll(async () => {
  mock = await startKafkaMock();
  await produce(mock.brokers, topic, messages);
});
afterAll(async () => {
  await mock?.stop();
});

async function readAll(source: Source, positions: Positions = new Map()): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  try {
    for await (const chunk of source.read(
      () => Promise.resolve(asStored(positions)),
      new AbortController().signal,
    ))
      out.push(...chunk);
  } finally {
    await source.close();
  }
  return out;
}

function byPartition(ms: readonly SourceMessage[]): Map<number, SourceMessage[]> {
  const m = new Map<number, SourceMessage[]>();
  for (const x of ms) m.set(x.partition, [...(m.get(x.partition) ?? []), x]);
  return m;
}

describe.each(adapters)('Source contract [$name]', (a) => {
  it('delivers every message once, in order within its partition, with increasing positions', async () => {
    const got = await readAll(a.make());
    expect(got.map((m) => m.value).sort()).toEqual([...a.expected].sort());
    for (const part of byPartition(got).values()) {
      for (let i = 0; i < part.length; i++) {
        expect(part[i]!.next).toBeGreaterThan(part[i]!.offset);
        if (i > 0) expect(part[i]!.offset).toBeGreaterThanOrEqual(part[i - 1]!.next);
      }
    }
    // Keyed sources keep one bike's messages in one partition, in feed order.
    const perKey = new Map<string, string[]>();
    for (const m of got) if (m.key) perKey.set(m.key, [...(perKey.get(m.key) ?? []), m.value]);
    for (const [key, values] of perKey)
      expect(values).toEqual(messages.filter((m) => m.key === key).map((m) => m.value));
  });

  it('resumes after stored positions and delivers exactly the rest', async () => {
    const all = await readAll(a.make());
    const positions = new Map<number, number>();
    const rest: string[] = [];
    for (const [partition, part] of byPartition(all)) {
      const half = Math.floor(part.length / 2);
      positions.set(partition, part[half - 1]!.next);
      rest.push(...part.slice(half).map((m) => m.value));
    }
    const got = await readAll(a.make(), positions);
    expect(got.map((m) => m.value).sort()).toEqual(rest.sort());
  });

  it('ends promptly when its signal aborts', async () => {
    const source = a.make();
    const ac = new AbortController();
    let chunks = 0;
    const started = Date.now();
    for await (const _chunk of source.read(() => Promise.resolve(new Map()), ac.signal)) {
      chunks++;
      ac.abort();
    }
    await source.close();
    expect(chunks).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
