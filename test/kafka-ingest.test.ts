// Simulated fleet → Kafka (librdkafka's mock cluster) → pipeline → database, compared with the
// same feed ingested from a file.
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafkaSource } from '../src/ingest/kafka-source.js';
import { runPipeline } from '../src/ingest/pipeline.js';
import { describeEachDb } from './support/databases.js';
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
