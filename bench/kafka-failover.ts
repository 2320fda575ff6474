// How soon a dead ingest member's bikes are served again: three `deloton ingest` processes in one
// consumer group on a 3-broker mock, a steady stream, one member killed with SIGKILL. For each of
// its partitions, the time from the kill to the first position stored by a survivor.
// Usage: npx tsx bench/kafka-failover.ts [--rate 400] [--session-timeout KAFKA_SESSION_TIMEOUT] [--rounds 3]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { produce, startKafkaMock } from '../test/support/kafka-mock.js';
import { cleanupMark, cleanupTo, onCleanup } from './support/cleanup.js';
import { buildDist, ROOT, type LogLine } from './support/cli-run.js';
import { countedFleet, emptyCounts, fleetFor } from './support/feed.js';
import { log } from './support/log.js';
import { TARGETS as ALL_TARGETS } from './support/targets.js';
import { BenchFailure, round, runBench } from './support/output.js';
import { createBenchDatabase } from './support/pg.js';
import { assertCounts } from './support/verify.js';

const TARGETS = ALL_TARGETS.kafkaFailover;
const PARTITIONS = 4; // the mock's for an auto-created topic

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '400' },
    'session-timeout': { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});
const rate = Number(values.rate);
const rounds = Number(values.rounds);
if (![rate, rounds].every((n) => Number.isInteger(n) && n >= 1)) {
  process.stderr.write('--rate and --rounds must be whole numbers ≥ 1\n');
  process.exit(2);
}

interface Member {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
}

function startMember(env: Record<string, string>): Member {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'cli.js'), 'ingest', '--source', 'kafka'],
    {
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  onCleanup(`kill member ${child.pid}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return Promise.resolve();
  });
  const logs: LogLine[] = [];
  let partial = '';
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('{')) logs.push(JSON.parse(l) as LogLine);
  });
  return { child, logs };
}

/** The partitions a member holds now: those of its newest join. */
const held = (m: Member): number[] =>
  (m.logs.filter((l) => l.msg === 'joined consumer group').at(-1)?.partitions as number[]) ?? [];

async function until(check: () => boolean | Promise<boolean>, what: string, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new BenchFailure(`gave up after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

const phases: { rejoinSeconds: number; joinedSeconds: number }[] = [];

/** One round: returns the seconds each of the victim's partitions waited. */
async function failoverRound(r: number, brokers: string): Promise<number[]> {
  const counts = emptyCounts();
  // Enough for the whole round at the given rate, spread over many bikes (keys).
  const messages = [...countedFleet({ ...fleetFor(rate * 60, 1), seed: r }, counts)].map(
    ({ key, value }) => ({ key, value }),
  );
  const topic = `failover-${randomBytes(4).toString('hex')}`;
  const url = await createBenchDatabase('failover');
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  onCleanup('close failover client', () => db.end());
  const positions = async (): Promise<Map<number, number>> => {
    const rows = await db.query<{ partition: number; position: string }>(
      'SELECT partition, position FROM source_offsets',
    );
    return new Map(rows.rows.map((x) => [x.partition, Number(x.position)]));
  };
  const env = {
    DATABASE_URL: url,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: `failover-${r}`,
    // Without the flag, the product's default is what is measured.
    ...(values['session-timeout'] ? { KAFKA_SESSION_TIMEOUT: values['session-timeout'] } : {}),
  };
  // The first member creates the schema; the others would race it to migrate.
  const members = [startMember(env)];
  await until(() => members[0]!.logs.some((l) => l.msg === 'ingest starting'), 'migration', 60_000);
  members.push(startMember(env), startMember(env));
  await until(
    () =>
      members.every((m) => held(m).length > 0) &&
      members.flatMap(held).sort().join() === [...Array(PARTITIONS).keys()].join(),
    'three members sharing the partitions',
    120_000,
  );
  // A steady stream, sent in tenths of a second.
  let sent = 0;
  let producing = true;
  const producer = (async () => {
    const step = Math.max(1, Math.round(rate / 10));
    while (producing && sent < messages.length) {
      await produce(brokers, topic, messages.slice(sent, sent + step));
      sent = Math.min(messages.length, sent + step);
      await sleep(100);
    }
  })();
  await sleep(8_000);
  const victim = members.find((m) => held(m).length > 0)!;
  const lost = held(victim);
  const atKill = await positions();
  const killedAt = performance.now();
  victim.child.kill('SIGKILL');
  log(`round ${r}: killed member ${victim.child.pid} holding partitions ${lost.join(', ')}`);
  const waited = new Map<number, number>();
  await until(
    async () => {
      const now = await positions();
      for (const p of lost)
        if (!waited.has(p) && (now.get(p) ?? 0) > (atKill.get(p) ?? 0))
          waited.set(p, (performance.now() - killedAt) / 1000);
      return waited.size === lost.length;
    },
    "the dead member's partitions to move on",
    120_000,
  );
  producing = false;
  await producer;
  // Nothing lost or doubled: every message sent is stored once, positions included.
  await until(
    async () => [...(await positions()).values()].reduce((a, b) => a + b, 0) >= sent,
    'the survivors to catch up',
    120_000,
  );
  const survivors = members.filter((m) => m !== victim);
  for (const m of survivors) m.child.kill('SIGTERM');
  await Promise.all(survivors.map((m) => new Promise((resolve) => m.child.once('exit', resolve))));
  const stored = await positions();
  assertCounts(
    'positions',
    { messages: [...stored.values()].reduce((a, b) => a + b, 0) },
    { messages: sent },
  );
  // Where the wait went, from the survivors' logs: the session expiring (the coordinator tells
  // them to rejoin), then the join itself.
  const killedAtMs = Date.now() - (performance.now() - killedAt);
  const firstAfter = (msg: string): number =>
    Math.min(
      ...survivors.flatMap((m) =>
        m.logs
          .filter((l) => (l.time ?? 0) > killedAtMs && String(l.msg).startsWith(msg))
          .map((l) => ((l.time ?? 0) - killedAtMs) / 1000),
      ),
    );
  phases.push({
    rejoinSeconds: firstAfter('The group is rebalancing'),
    joinedSeconds: firstAfter('joined consumer group'),
  });
  const seconds = [...waited.values()];
  log(`round ${r}: served again after ${seconds.map((s) => s.toFixed(1)).join(', ')} s`);
  return seconds;
}

await runBench('kafka-failover', async () => {
  buildDist();
  const mock = await startKafkaMock({ brokers: 3 });
  onCleanup('stop kafka mock', () => mock.stop());
  const perRound: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    const mark = cleanupMark();
    perRound.push(Math.max(...(await failoverRound(r, mock.brokers))));
    await cleanupTo(mark);
  }
  const worst = Math.max(...perRound);
  return {
    members: 3,
    brokers: 3,
    sessionTimeout: values['session-timeout'] ?? 'default',
    ratePerSecond: rate,
    rounds,
    recoverySeconds: perRound.map(round),
    // Seconds after the kill: survivors told to rejoin (the session timeout), and rejoined.
    rejoinSeconds: phases.map((p) => round(p.rejoinSeconds)),
    joinedSeconds: phases.map((p) => round(p.joinedSeconds)),
    worstRecoverySeconds: round(worst),
    targets: TARGETS,
    pass: { recovery: worst <= TARGETS.recoverySeconds },
  };
});
