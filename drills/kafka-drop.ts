// Drill: the Kafka broker connection dropped mid-stream, five times, under a running ingest on
// the kcat mock cluster. Each drop resets every TCP connection between the ingest process and
// the broker (`ss -K`, as a broker restart or a network blip would); the consumer reconnects,
// the lag comes back under 1 s, and the end state equals one clean run of the topic.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from '../bench/support/cleanup.js';
import { numberArg } from '../bench/support/args.js';
import { startKafkaMock } from '../test/support/kafka-mock.js';
import { build, Checks, log, runDrill, seconds } from './support/drill.js';
import { startFeeder } from './support/feeder.js';
import { deloton } from './support/procs.js';
import { freshDb, referenceRun } from './support/reference.js';
import { compareWithReference, feedLagS, lagRecovery, LAG_TARGET_S } from './support/verify.js';

const DROPS = numberArg('drops', 5);
const EVERY_S = numberArg('every', 8);
const TOPIC = 'drill';

/**
 * Resets every established TCP connection of process `pid` to `port` on loopback; returns how
 * many. `ss -K` needs root (CAP_NET_ADMIN) and a kernel with SOCK_DESTROY.
 */
function dropConnections(pid: number, port: number): number {
  const lines = execFileSync('ss', ['-tnpH', 'state', 'established', `( dport = :${port} )`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`));
  for (const line of lines) {
    const local = line.trim().split(/\s+/)[2] ?? '';
    const sport = local.slice(local.lastIndexOf(':') + 1);
    execFileSync('ss', ['-K', 'dst', '127.0.0.1', `( dport = :${port} and sport = :${sport} )`], {
      stdio: 'ignore',
    });
  }
  return lines.length;
}

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

  let cut = 0;
  const worst: number[] = [];
  for (let i = 0; i < DROPS; i++) {
    const n = dropConnections(pid, brokerPort);
    cut += n;
    const at = Date.now();
    let max = 0;
    let lastOver = at;
    while (Date.now() - at < EVERY_S * 1000) {
      await sleep(100);
      const lag = (await feedLagS(db)) ?? Infinity;
      max = Math.max(max, lag);
      if (lag >= LAG_TARGET_S) lastOver = Date.now();
    }
    worst.push(Math.round(max * 100) / 100);
    log(
      `drop ${i + 1}/${DROPS}: ${n} connections reset; lag at most ${max.toFixed(2)} s, under 1 s again after ${seconds(lastOver - at)} s`,
    );
  }
  const lag = await lagRecovery(db, Date.now(), 30_000);
  const messages = await feeder.stop();
  log(`feeder stopped after ${messages} messages`);
  const want = await referenceRun('kafka', { ...env, KAFKA_GROUP_ID: 'drill-reference' });
  const cmp = await compareWithReference(db, want);
  checks.check(cut >= DROPS, `only ${cut} connections were reset in ${DROPS} drops`);
  checks.check(ingest.running(), `deloton ingest exited: ${ingest.output().slice(-800)}`);
  checks.check(
    lag.lagAfterS !== null && lag.lagAfterS < LAG_TARGET_S,
    `lag after ${lag.lagAfterS} s`,
  );
  checks.check(cmp.equal, `database differs from one clean run: ${cmp.diff.join('; ')}`);
  return {
    failures: checks.failures,
    figures: {
      drops: DROPS,
      connectionsReset: cut,
      lagMaxAfterDropS: worst,
      lagAfterS: lag.lagAfterS,
      messages,
      rowsCompared: cmp.rowsCompared,
      ...cmp.counts,
    },
  };
});
