// Kafka → PostgreSQL throughput of the real pipeline against what bare kafkajs can consume from the
// same topic on the same mock broker: how much of the consumer's rate our work leaves.
// The mock caps the topic at ~160k messages, so one run lasts well under a second and is noisy:
// each round measures both again on the same topic, and the medians are reported.
// Usage: npx tsx bench/ingest-kafka.ts [--messages N] [--rounds R]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { produce, startKafkaMock } from '../test/support/kafka-mock.js';
import { cleanupMark, cleanupTo, onCleanup } from './support/cleanup.js';
import { countedFleet, emptyCounts, fleetFor } from './support/feed.js';
import {
  MOCK_PARTITION_BYTES,
  bareConsumeRate,
  bytesPerPartition,
  verifyTopicComplete,
} from './support/kafka.js';
import { runKafkaPipeline } from './support/kafka-pipeline.js';
import { log } from './support/log.js';
import { BenchFailure, round, runBench } from './support/output.js';
import { createBenchDatabase } from './support/pg.js';
import { assertCounts } from './support/verify.js';
import { TARGETS } from './support/targets.js';

const T = TARGETS.ingestKafka;
// "Well inside" the mock's per-partition limit, so retention can never eat the start of the topic.
const MAX_PARTITION_SHARE = 0.75;

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '80000' },
    rounds: { type: 'string', default: '3' },
  },
});
const minMessages = Number(values.messages);
const rounds = Number(values.rounds);
if (![minMessages, rounds].every((n) => Number.isInteger(n) && n >= 1)) {
  process.stderr.write('--messages and --rounds must be whole numbers ≥ 1\n');
  process.exit(2);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

await runBench('ingest-kafka', async () => {
  // One ride per bike spreads the messages over as many keys (and so partitions) as possible.
  const feed = emptyCounts();
  const messages = [...countedFleet(fleetFor(minMessages, 1), feed)].map(({ key, value }) => ({
    key,
    value,
  }));
  const partitionBytes = bytesPerPartition(messages);
  const maxPartitionMb = Math.max(...partitionBytes) / 2 ** 20;
  log(
    `${messages.length} messages (${feed.telemetry} telemetry, ${feed.rides} rides); ` +
      `partitions ≈ ${partitionBytes.map((b) => (b / 2 ** 20).toFixed(2)).join(' / ')} MiB`,
  );
  if (maxPartitionMb * 2 ** 20 > MOCK_PARTITION_BYTES * MAX_PARTITION_SHARE)
    throw new BenchFailure(
      `a partition would hold ${maxPartitionMb.toFixed(2)} MiB, too close to the mock's ~5 MiB: use fewer --messages`,
    );

  const mock = await startKafkaMock();
  onCleanup('stop kafka mock', () => mock.stop());
  const topic = `bench-${randomBytes(4).toString('hex')}`;
  const produceStarted = performance.now();
  await produce(mock.brokers, topic, messages);
  const produceSeconds = (performance.now() - produceStarted) / 1000;
  await verifyTopicComplete(mock.brokers, topic, messages.length);
  log(`produced to ${topic} in ${produceSeconds.toFixed(1)} s`);

  const bareRates: number[] = [];
  const ourRates: number[] = [];
  const readingRates: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    log(`round ${r} of ${rounds}`);
    const mark = cleanupMark();
    bareRates.push((await bareConsumeRate(mock.brokers, topic, messages.length)).msgPerSec);
    const url = await createBenchDatabase('kafka');
    const ours = await runKafkaPipeline(mock.brokers, topic, url);
    const [stored] = await ours.db.query<{ readings: number; rides: number; rejects: number }>(
      `SELECT (SELECT count(*) FROM readings) AS readings, (SELECT count(*) FROM rides) AS rides,
              (SELECT count(*) FROM rejected_messages) AS rejects`,
    );
    assertCounts(
      `kafka → postgres, round ${r}`,
      { messages: ours.stats.messages, ...stored },
      {
        messages: messages.length,
        readings: feed.telemetry,
        rides: feed.rides,
        rejects: 0,
      },
    );
    ourRates.push(ours.msgPerSec);
    readingRates.push(ours.stats.readings / ours.seconds);
    // Each round's database, pool and consumer go now, not at the end of the whole run.
    await cleanupTo(mark);
  }
  // The topic must still be whole after the runs, or the counts above compared a truncated topic.
  await verifyTopicComplete(mock.brokers, topic, messages.length);

  const bare = median(bareRates);
  const ours = median(ourRates);
  const share = ours / bare;
  return {
    messages: messages.length,
    readings: feed.telemetry,
    maxPartitionMb: round(maxPartitionMb),
    produceMsgPerSec: round(messages.length / produceSeconds),
    rounds,
    bareMsgPerSec: round(bare),
    ours: { msgPerSec: round(ours), readingsPerSec: round(median(readingRates)) },
    perRound: { bare: bareRates.map(round), ours: ourRates.map(round) },
    shareOfBare: round(share),
    targets: T,
    pass: { dataIntact: true, shareOfBare: share >= T.shareOfBare },
  };
});
