// Kafka side of the Kafka benchmark: sizing the topic for librdkafka's mock (which silently drops
// a partition's oldest data beyond ~5 MiB), checking nothing was dropped, and the bare kafkajs
// consume rate the pipeline is compared with.
import { randomBytes } from 'node:crypto';
import { Kafka, Partitioners, logLevel, type PartitionMetadata } from 'kafkajs';
import { onCleanup } from './cleanup.js';
import { log } from './log.js';
import { BenchFailure } from './output.js';

/** The mock auto-creates topics with this many partitions (TOOL-FACTS.md). */
export const MOCK_PARTITIONS = 4;
/** About what the mock keeps per partition before it drops the oldest data. */
export const MOCK_PARTITION_BYTES = 5 * 2 ** 20;
// Per-record framing in a v2 record batch (length, attributes, deltas, key/value lengths,
// headers), rounded up so the estimate errs on the full side.
const RECORD_OVERHEAD = 24;

export const SESSION_TIMEOUT_MS = 6_000;

/** Bytes each partition will hold, using the producer's own partitioner on every key. */
export function bytesPerPartition(messages: readonly { key: string; value: string }[]): number[] {
  const partitionMetadata: PartitionMetadata[] = Array.from(
    { length: MOCK_PARTITIONS },
    (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
    }),
  );
  const partition = Partitioners.DefaultPartitioner();
  const byKey = new Map<string, number>();
  const bytes = new Array<number>(MOCK_PARTITIONS).fill(0);
  for (const m of messages) {
    let p = byKey.get(m.key);
    if (p === undefined) {
      p = partition({ topic: 'sizing', partitionMetadata, message: m });
      byKey.set(m.key, p);
    }
    bytes[p] =
      (bytes[p] ?? 0) + Buffer.byteLength(m.key) + Buffer.byteLength(m.value) + RECORD_OVERHEAD;
  }
  return bytes;
}

/** Fails unless every partition still starts at offset 0 and the topic holds `expected` messages. */
export async function verifyTopicComplete(
  brokers: string,
  topic: string,
  expected: number,
): Promise<void> {
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const total = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    const dropped = offsets.filter((o) => o.low !== '0');
    if (dropped.length || total !== expected)
      throw new BenchFailure(
        `the mock dropped data (${total} of ${expected} messages kept; offsets ${JSON.stringify(offsets)}): use fewer --messages`,
      );
  } finally {
    await admin.disconnect();
  }
}

/** A consumer group that only counts: rate = messages ÷ (last message time − first message time). */
export async function bareConsumeRate(
  brokers: string,
  topic: string,
  expected: number,
): Promise<{ msgPerSec: number; seconds: number }> {
  const kafka = new Kafka({ clientId: 'bench-bare', brokers: [brokers], logLevel: logLevel.ERROR });
  // The same fetch settings as the product's consumer (kafka-source.ts), so only our work differs.
  const consumer = kafka.consumer({
    groupId: `bench-bare-${randomBytes(4).toString('hex')}`,
    sessionTimeout: SESSION_TIMEOUT_MS,
    heartbeatInterval: SESSION_TIMEOUT_MS / 3,
    maxWaitTimeInMs: 1000,
  });
  onCleanup('disconnect bare consumer', () => consumer.disconnect());
  let count = 0;
  let firstAt = 0;
  let lastAt = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: ({ batch }) => {
      const now = performance.now();
      if (count === 0) firstAt = now;
      count += batch.messages.length;
      lastAt = now;
      if (count >= expected) done();
      return Promise.resolve();
    },
  });
  const timeout = setTimeout(done, 120_000);
  await all;
  clearTimeout(timeout);
  await consumer.disconnect();
  if (count !== expected) throw new BenchFailure(`bare consumer saw ${count} of ${expected}`);
  const seconds = (lastAt - firstAt) / 1000;
  log(`bare kafkajs: ${count} messages in ${seconds.toFixed(2)} s`);
  return { msgPerSec: count / seconds, seconds };
}
