// Staff API: GET /api/rides/{id} under load (autocannon, 50 connections) against `deloton serve`
// on PostgreSQL, beside a bare Fastify route measured in the same run; and GET /api/daily for a
// day of --daily-rides rides. Data is generated in SQL: --rides rides over 60 days.
import { join } from 'node:path';
import { createApiKey } from '../src/store/api-keys.repository.js';
import { RIDE_BY_ID_SQL } from '../src/store/rides.repository.js';
import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { buildDist, ROOT } from './support/cli-run.js';
import { numberArg } from './support/args.js';
import { CONNECTIONS, load } from './support/http-load.js';
import { log } from './support/log.js';
import { BenchFailure, round, runBench } from './support/output.js';
import { createBenchDatabase } from './support/pg.js';
import { TARGETS } from './support/targets.js';
import { startChild, startServe } from './support/serve.js';

const RIDES = numberArg('rides', 200_000);
const DAILY_RIDES = numberArg('daily-rides', 5_000);
const SECONDS = numberArg('seconds', 15);
const DAY = '2022-07-06';
const T = TARGETS.api;

/** Seeds riders and rides in SQL: fast, and the API reads only these two tables for this route. */
async function seed(url: string): Promise<{ key: string; maxId: number }> {
  const db = openPgDb(url);
  try {
    await migrate(db);
    log(`seeding ${RIDES} rides, ${DAILY_RIDES} of them on ${DAY}`);
    await db.exec(`
      INSERT INTO riders (rider_id, first_name, last_name, gender, birth_date, height_cm, weight_kg, email)
      SELECT g, 'First' || g, 'Last' || g, (ARRAY['male','female'])[1 + g % 2], date '1960-01-01' + (g % 15000),
             150 + g % 50, 50 + g % 60, 'rider' || g || '@example.com'
      FROM generate_series(1, 20000) g;
      INSERT INTO rides (rider_id, bike_serial, bike_key, started_at, ended_at, duration_s, reading_count,
                         avg_heart_rate, min_heart_rate, max_heart_rate, avg_rpm, avg_resistance,
                         avg_power_w, max_power_w, energy_kj)
      SELECT 1 + g % 20000, 'SN' || lpad((g % 2000)::text, 4, '0'), 'SN' || lpad((g % 2000)::text, 4, '0'),
             CASE WHEN g <= ${DAILY_RIDES}
                  THEN timestamptz '${DAY}T00:00:00+01:00' + (g * 86399.0 / ${DAILY_RIDES}) * interval '1 second'
                  ELSE timestamptz '2022-05-01T00:00:00Z' + (g * 5184000.0 / ${RIDES}) * interval '1 second' END,
             NULL, 600, 600, 120 + g % 40, 80, 170, 60 + g % 30, 40, 120, 300, 72
      FROM generate_series(1, ${RIDES}) g
      ON CONFLICT DO NOTHING;
      UPDATE rides SET ended_at = started_at + interval '600 seconds';
      ANALYZE;`);
    const made = await createApiKey(db, 'bench', 'viewer');
    if (!('key' in made)) throw new BenchFailure('could not create the bench key');
    const [row] = await db.query<{ max: number; day: number }>(
      `SELECT max(ride_id) AS max, count(*) FILTER (WHERE started_at >= '${DAY}T00:00:00+01:00' AND started_at < '${DAY}T00:00:00+01:00'::timestamptz + interval '1 day')::int AS day FROM rides`,
    );
    if (row?.day !== DAILY_RIDES)
      throw new BenchFailure(`expected ${DAILY_RIDES} rides on ${DAY}, seeded ${row?.day}`);
    return { key: made.key, maxId: row.max };
  } finally {
    await db.close();
  }
}

await runBench('api', async () => {
  buildDist();
  const url = await createBenchDatabase('api');
  const { key, maxId } = await seed(url);
  const auth = { authorization: `Bearer ${key}` };

  const bare = await startChild(
    ['--import', 'tsx', join(ROOT, 'bench', 'support', 'bare-fastify.ts')],
    { DATABASE_URL: url, RIDE_SQL: RIDE_BY_ID_SQL },
    /^(http:\S+)\n/m,
  );
  const bareBase = bare.match[1]!;
  log(`bare Fastify at ${bareBase}: from memory, then with the API's ride query`);
  const bareFig = await load(bareBase, (id) => `/rides/${id}`, maxId, {}, SECONDS);
  const bareDbFig = await load(bareBase, (id) => `/db/rides/${id}`, maxId, {}, SECONDS);
  bare.child.kill('SIGTERM');

  const base = await startServe(url, { API_RATE_LIMIT: '1000000' });
  log(`deloton serve at ${base}: ${SECONDS} s of load on GET /api/rides/{id}`);
  const api = await load(base, (id) => `/api/rides/${id}`, maxId, auth, SECONDS);

  log(`GET /api/daily?date=${DAY} (${DAILY_RIDES} rides), 30 times in sequence`);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 32; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/daily?date=${DAY}`, { headers: auth });
    const body = (await res.json()) as { rides: unknown[] };
    const ms = performance.now() - t0;
    if (!res.ok || body.rides.length !== DAILY_RIDES)
      throw new BenchFailure(`daily gave ${res.status} with ${body.rides.length} rides`);
    bytes = JSON.stringify(body).length;
    if (i >= 2) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) =>
    times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!;

  return {
    rides: RIDES,
    connections: CONNECTIONS,
    seconds: SECONDS,
    ride_by_id: {
      rps: round(api.rps),
      p50_ms: api.p50_ms,
      p99_ms: api.p99_ms,
      requests: api.requests,
    },
    bare_fastify: { rps: round(bareFig.rps), p50_ms: bareFig.p50_ms, p99_ms: bareFig.p99_ms },
    bare_fastify_same_query: {
      rps: round(bareDbFig.rps),
      p50_ms: bareDbFig.p50_ms,
      p99_ms: bareDbFig.p99_ms,
    },
    share_of_bare: round(api.rps / bareFig.rps),
    share_of_bare_same_query: round(api.rps / bareDbFig.rps),
    daily: {
      rides: DAILY_RIDES,
      bytes,
      p50_ms: round(pct(50)),
      p95_ms: round(pct(95)),
      max_ms: round(times.at(-1)!),
    },
    // The brief's targets. The bare route without a database is the literal reading of "a bare
    // Fastify route"; the same-query baseline isolates what the API's own layers cost.
    targets: T,
    pass: {
      rps: api.rps >= T.rps,
      p99Ms: api.p99_ms <= T.p99Ms,
      shareOfBare: api.rps / bareFig.rps >= T.shareOfBare,
      shareOfBareSameQuery: api.rps / bareDbFig.rps >= T.shareOfBare,
      dailyMs: times.at(-1)! <= T.dailyMs,
    },
  };
});
