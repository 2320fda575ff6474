// Ceiling for reading Kafka: a bare kafkajs consumer group that only counts, reading a topic of N
// simulated messages from the kcat mock (the same settings as the product's consumer). The
// median of --rounds passes, as in bench/ingest-kafka.ts, since one pass takes under a second.
// Usage: npx tsx bench/ceiling-kafka.ts [--messages N] [--rounds R]   (80,000 / 3)
import { randomBytes } from 'node:crypto';
import { produce, startKafkaMock } from '../test/support/kafka-mock.js';
import { numberArg } from './support/args.js';
import { onCleanup } from './support/cleanup.js';
import { countedFleet, emptyCounts, fleetFor } from './support/feed.js';
import {
  MOCK_PARTITION_BYTES,
  bareConsumeRate,
  bytesPerPartition,
  verifyTopicComplete,
} from './support/kafka.js';
import { BenchFailure, round, runBench } from './support/output.js';
import { percentile } from './support/stats.js';

const MESSAGES = numberArg('messages', 80_000);
const ROUNDS = numberArg('rounds', 3);

await runBench('ceiling-kafka', async () => {
  const messages = [...countedFleet(fleetFor(MESSAGES, 1), emptyCounts())].map(
    ({ key, value }) => ({ key, value }),
  );
  if (Math.max(...bytesPerPartition(messages)) > MOCK_PARTITION_BYTES * 0.75)
    throw new BenchFailure(
      'a partition would come too close to the mock’s ~5 MiB: fewer --messages',
    );
  const mock = await startKafkaMock();
  onCleanup('stop kafka mock', () => mock.stop());
  const topic = `ceiling-${randomBytes(4).toString('hex')}`;
  await produce(mock.brokers, topic, messages);
  await verifyTopicComplete(mock.brokers, topic, messages.length);
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++)
    rates.push((await bareConsumeRate(mock.brokers, topic, messages.length)).msgPerSec);
  rates.sort((a, b) => a - b);
  return {
    messages: messages.length,
    rounds: ROUNDS,
    msgPerSec: round(percentile(rates, 50)),
    perRound: rates.map(round),
  };
});
