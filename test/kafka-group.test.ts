// Three `deloton ingest` processes in one consumer group over a 3-broker cluster: the bikes spread
// across them, one is killed (SIGKILL) mid-stream, the others take its partitions and continue its
// open rides, and the database ends equal to one clean run, row for row.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { spawnCli } from './support/cli.js';
import { createPgDatabase } from './support/databases.js';
import { ingestFile, tempFile } from './support/ingest.js';
import { produce, startKafkaMock, type KafkaMock } from './support/kafka-mock.js';
import { fileLine, simMessages } from './support/sim-feed.js';
import { snapshot } from './support/snapshot.js';
import { waitUntil } from './support/wait.js';

// The mock creates topics on first use with 4 partitions (it refuses CreateTopics).
const PARTITIONS = 4;

interface LogLine {
  msg?: string;
  generation?: number;
  partitions?: number[];
  metrics?: string;
}

/** One ingest process: its log lines so far and its exit. */
interface Member {
  readonly child: ChildProcess;
  readonly log: LogLine[];
  readonly exited: Promise<number | null>;
}

let mock: KafkaMock;
beforeAll(async () => {
  mock = await startKafkaMock({ brokers: 3 });
});
afterAll(async () => {
  await mock?.stop();
});

function startMember(env: Record<string, string>): Member {
  const child = spawnCli(['ingest', '--source', 'kafka'], {
    ...env,
    LOG_LEVEL: 'info',
    METRICS_PORT: '0',
    INGEST_BATCH_MESSAGES: '500',
    INGEST_BATCH_WAIT_MS: '50',
  });
  const log: LogLine[] = [];
  let partial = '';
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('{')) log.push(JSON.parse(l) as LogLine);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { child, log, exited };
}

/**
 * The partitions each member holds now: those of its newest join (the log's generation is the
 * member's own count, not the group's). Null until every member has joined.
 */
function assignments(members: readonly Member[]): number[][] | null {
  const held = members.map(
    (m) => m.log.filter((l) => l.msg === 'joined consumer group').at(-1)?.partitions ?? null,
  );
  return held.every((p) => p !== null) ? held : null;
}

/** Every partition held by exactly one of the members, and each member holding some. */
const shared = (held: number[][] | null): boolean =>
  held !== null &&
  held.every((p) => p.length > 0) &&
  [...held.flat()].sort().join() === [...Array(PARTITIONS).keys()].join();

/** Messages this member's pipeline has stored, from its /metrics. */
async function storedBy(m: Member): Promise<number> {
  const url = m.log.find((l) => l.msg === 'ops server listening')?.metrics;
  if (!url) return 0;
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith('deloton_ingest_messages_total '));
  return line ? Number(line.split(' ')[1]) : 0;
}

it('spreads bikes over three members, survives one killed, and ends as one clean run', async () => {
  const feed = simMessages({ bikes: 30, ridesPerBike: 2, seed: 57, abnormalShare: 0.25 });
  const cut = Math.floor(feed.length * 0.4);
  const topic = `group-${process.pid}`;
  const target = await createPgDatabase();
  const reference = await createPgDatabase();
  const db = openPgDb(target.url);
  const refDb = openPgDb(reference.url);
  const members: Member[] = [];
  const stored = async (): Promise<number> => {
    const [row] = await db.query<{ n: number }>(
      'SELECT coalesce(sum(position), 0)::int AS n FROM source_offsets',
    );
    return row!.n;
  };
  try {
    await migrate(db);
    await migrate(refDb);
    const env = {
      DATABASE_URL: target.url,
      KAFKA_BROKERS: mock.brokers,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: 'group',
      KAFKA_SESSION_TIMEOUT: '6s',
    };
    for (let i = 0; i < 3; i++) members.push(startMember(env));
    await waitUntil(
      () => shared(assignments(members)),
      'the three members to share the partitions',
      {
        timeoutMs: 60_000,
      },
    );

    await produce(mock.brokers, topic, feed.slice(0, cut));
    await waitUntil(async () => (await stored()) === cut, 'the first part stored', {
      timeoutMs: 60_000,
    });
    // Every member stored its share of the bikes.
    for (const m of members) expect(await storedBy(m)).toBeGreaterThan(0);

    const [a, b, c] = members as [Member, Member, Member];
    c.child.kill('SIGKILL');
    await produce(mock.brokers, topic, feed.slice(cut));
    await waitUntil(async () => (await stored()) === feed.length, 'the rest stored', {
      timeoutMs: 90_000,
    });
    // The survivors hold every partition, the dead member's included.
    expect(shared(assignments([a, b]))).toBe(true);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);

    await ingestFile(refDb, tempFile(feed.map(fileLine)));
    const want = await snapshot(refDb);
    const got = await snapshot(db);
    expect(got.rides).toHaveLength(60);
    expect(got.riders).toEqual(want.riders);
    expect(got.rides).toEqual(want.rides);
    expect(got.readings).toEqual(want.readings);
    // One alert per episode: none lost with the killed member, none doubled by its successor.
    expect(want.alerts.length).toBeGreaterThan(0);
    expect(got.alerts).toEqual(want.alerts);
    expect(got.rejected).toEqual([]);
  } finally {
    for (const m of members) if (m.child.exitCode === null) m.child.kill('SIGKILL');
    await db.close();
    await refDb.close();
    await target.drop();
    await reference.drop();
  }
}, 240_000); // joins, a session timeout and a rebalance on the mock take seconds each
