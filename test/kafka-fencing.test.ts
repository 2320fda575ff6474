// A consumer-group member paused past its session timeout, in the middle of a batch, while
// another member takes its partitions: when it resumes, its late batch is refused by the fence.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { createPgDatabase } from './support/databases.js';
import { ingestFile, tempFile } from './support/ingest.js';
import { produce, startKafkaMock, type KafkaMock } from './support/kafka-mock.js';
import { fileLine, simMessages } from './support/sim-feed.js';
import { snapshot } from './support/snapshot.js';
import { waitUntil } from './support/wait.js';

const MEMBER = join(import.meta.dirname, 'support', 'kafka-member.ts');
const SESSION_TIMEOUT_MS = 6_000;

interface LogLine {
  msg?: string;
  code?: string;
  partitions?: number[];
  generation?: number;
  messages?: number;
}

/** A member process, its JSON log lines so far, and its exit. */
interface Member {
  readonly child: ChildProcess;
  readonly log: LogLine[];
  readonly exited: Promise<number | null>;
}

let mock: KafkaMock;
beforeAll(async () => {
  mock = await startKafkaMock();
});
afterAll(async () => {
  await mock?.stop();
});

function startMember(args: Record<string, unknown>): Member {
  const child = spawn(process.execPath, ['--import', 'tsx', MEMBER, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log: LogLine[] = [];
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('{')) log.push(JSON.parse(l) as LogLine);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { child, log, exited };
}

it('refuses the late batch of a member paused past its session timeout, and ends as one clean run', async () => {
  const feed = simMessages({ bikes: 16, ridesPerBike: 2, seed: 33, abnormalShare: 0.25 });
  const cut = [0.4, 0.7].map((x) => Math.floor(feed.length * x));
  const topic = `fencing-${process.pid}`;
  const target = await createPgDatabase();
  const reference = await createPgDatabase();
  const db = openPgDb(target.url);
  const refDb = openPgDb(reference.url);
  const locker = new pg.Client({ connectionString: target.url });
  const members: Member[] = [];
  const args = {
    brokers: mock.brokers,
    topic,
    groupId: 'fencing',
    dbUrl: target.url,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    idleMs: 10_000,
  };
  const stored = async (): Promise<number> => {
    const [row] = await db.query<{ n: number }>(
      'SELECT coalesce(sum(position), 0)::int AS n FROM source_offsets',
    );
    return row!.n;
  };
  const joins = (m: Member): number =>
    m.log.filter((l) => l.msg === 'joined consumer group').length;
  try {
    await migrate(db);
    await migrate(refDb);
    await locker.connect();
    const a = startMember(args);
    members.push(a);
    await waitUntil(() => joins(a) > 0, 'member A to join', { timeoutMs: 30_000 });
    await produce(mock.brokers, topic, feed.slice(0, cut[0]));
    await waitUntil(async () => (await stored()) === cut[0], 'the first part stored by A', {
      timeoutMs: 30_000,
    });

    // A's next batch stops at its final statement (positions and fence), waiting for this lock.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE source_offsets IN SHARE MODE');
    await produce(mock.brokers, topic, feed.slice(cut[0], cut[1]));
    await waitUntil(async () => {
      const [row] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks
         WHERE relation = 'source_offsets'::regclass AND NOT granted`,
      );
      return row!.n > 0;
    }, "A's batch waiting at its final statement");
    // Paused mid-batch: no heartbeats, no commit, its transaction left open.
    a.child.kill('SIGSTOP');
    const b = startMember(args);
    members.push(b);
    // B is given every partition once A's session has expired, and claims them.
    await waitUntil(
      async () => {
        const rows = await db.query<{ epoch: number }>('SELECT epoch FROM partition_owners');
        return rows.length === 4 && rows.every((r) => r.epoch === 2);
      },
      'B to claim all four partitions',
      { timeoutMs: 60_000 },
    );
    // A's statement runs now, after B's claim; A reads its answer once it resumes.
    await locker.query('COMMIT');
    const joinsBefore = joins(a);
    a.child.kill('SIGCONT');
    await waitUntil(
      () => a.log.some((l) => l.code === 'partition_fenced'),
      "A's late batch refused",
      { timeoutMs: 30_000 },
    );
    // A lost its place in the group; it joins again and takes part of the rest of the feed.
    await waitUntil(() => joins(a) > joinsBefore, 'A to rejoin', { timeoutMs: 60_000 });
    await produce(mock.brokers, topic, feed.slice(cut[1]));
    const [codeA, codeB] = await Promise.all([a.exited, b.exited]);
    expect(codeA).toBe(0);
    expect(codeB).toBe(0);
    expect(await stored()).toBe(feed.length);

    const refused = a.log.find((l) => l.code === 'partition_fenced')!;
    expect(refused.partitions!.length).toBeGreaterThan(0);
    expect(refused.messages).toBeGreaterThan(0);
    // Had A's batch been stored, B's rewrite of those lines would have collided with its rows.
    expect(b.log.some((l) => l.msg?.includes('collided'))).toBe(false);
    const finishedA = a.log.find((l) => l.msg === 'member finished')!;
    expect(finishedA.messages).toBeGreaterThan(cut[0]!);

    await ingestFile(refDb, tempFile(feed.map(fileLine)));
    const want = await snapshot(refDb);
    const got = await snapshot(db);
    expect(got.rides).toHaveLength(32);
    expect(got.alerts.length).toBeGreaterThan(0);
    expect(got.rides).toEqual(want.rides);
    expect(got.readings).toEqual(want.readings);
    expect(got.alerts).toEqual(want.alerts);
    expect(got.rejected).toEqual([]);
  } finally {
    for (const m of members) {
      m.child.kill('SIGCONT');
      m.child.kill('SIGKILL');
    }
    await locker.end().catch(() => undefined);
    await db.close();
    await refDb.close();
    await target.drop();
    await reference.drop();
  }
}, 240_000); // a session timeout, two rebalances and an idle end on the mock take tens of seconds
