// Drill: the Kafka broker connection dropped mid-stream, eight times, under a running ingest on
// the kcat mock cluster. Each drop resets every TCP connection between the ingest process and
// the broker (`ss -K`, as a broker restart or a network blip would); the consumer reconnects,
// the lag comes back under 1 s, and the end state equals one clean run of the topic.
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from '../bench/support/cleanup.js';
import { numberArg } from '../bench/support/args.js';
import { startKafkaMock } from '../test/support/kafka-mock.js';
import { resetConnections } from '../test/support/tcp-reset.js';
import { build, Checks, log, runDrill } from './support/drill.js';
import { startFeeder } from './support/feeder.js';
import { deloton } from './support/procs.js';
import { freshDb, referenceRun } from './support/reference.js';
import {
  compareWithReference,
  feedLagS,
  lagRecovery,
  checkLagBack,
  checkSameAsReference,
} from './support/verify.js';

const DROPS = numberArg('drops', 8);
const EVERY_S = numberArg('every', 6);
const TOPIC = 'drill';

await runDrill('kafka-drop', async () => {
  build();
  const checks = new Checks();
  const kafka = await startKafkaMock();
  onCleanup('stop the Kafka mock', () => kafka.stop());
  const brokerPort = Number(kafka.brokers.split(':')[1]);
  const { url, db } = await freshDb('drill_kafka');
  const env = {
    DATABASE_URL: url,
    KAFKA_BROKERS: kafka.brokers,
    KAFKA_TOPIC: TOPIC,
    KAFKA_GROUP_ID: 'drill',
  };
  const feeder = startFeeder({
    target: { kind: 'kafka', brokers: kafka.brokers, topic: TOPIC },
    bikes: 40,
    seed: 44,
    abnormalShare: 0.3,
    backlogS: 30,
  });
  // The topic exists once the feeder's backlog is out.
  while (feeder.written() === 0) await sleep(100);
  const ingest = deloton(['ingest', '--source', 'kafka'], env);
  const pid = ingest.child.pid ?? 0;
  const first = await lagRecovery(db, Date.now(), 60_000);
  checks.check(first.recoveryS !== null, 'the pipeline never caught up before the drops');

  /** The largest lag seen over the next EVERY_S seconds, sampled every 100 ms. */
  const worstLag = async (): Promise<number> => {
    const at = Date.now();
    let max = 0;
    while (Date.now() - at < EVERY_S * 1000) {
      await sleep(100);
      max = Math.max(max, (await feedLagS(db)) ?? Infinity);
    }
    return Math.round(max * 100) / 100;
  };
  // Readings are a second apart, so the lag swings by a second with no fault at all: this is
  // the figure a drop's worst lag compares with.
  const baselineLagMaxS = await worstLag();
  log(`no drop: lag at most ${baselineLagMaxS} s over ${EVERY_S} s`);
  let cut = 0;
  const worst: number[] = [];
  for (let i = 0; i < DROPS; i++) {
    const n = resetConnections(pid, brokerPort);
    cut += n;
    worst.push(await worstLag());
    log(
      `drop ${i + 1}/${DROPS}: ${n} connections reset; lag at most ${worst.at(-1)} s over ${EVERY_S} s`,
    );
  }
  const lag = await lagRecovery(db, Date.now(), 30_000);
  const messages = await feeder.stop();
  log(`feeder stopped after ${messages} messages`);
  const want = await referenceRun('kafka', { ...env, KAFKA_GROUP_ID: 'drill-reference' });
  const cmp = await compareWithReference(db, want);
  checks.check(cut >= DROPS, `only ${cut} connections were reset in ${DROPS} drops`);
  checks.check(ingest.running(), `deloton ingest exited: ${ingest.output().slice(-800)}`);
  checkLagBack(checks, lag.lagAfterS, 'lag after');
  checkSameAsReference(checks, cmp);
  return {
    failures: checks.failures,
    figures: {
      drops: DROPS,
      connectionsReset: cut,
      baselineLagMaxS,
      lagMaxAfterDropS: worst,
      lagAfterS: lag.lagAfterS,
      messages,
      rowsCompared: cmp.rowsCompared,
      ...cmp.counts,
    },
  };
});
