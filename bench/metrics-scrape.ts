// /metrics under keyless load: the staff API's latency on GET /api/rides/{id} (autocannon,
// --connections) alone, then while --scrapers loops call /metrics as fast as they are answered,
// against `deloton serve` on PostgreSQL with --rejects rejected lines stored. Before the stored
// figures were cached and counted as written, 8 such loops raised the median from 2.8 to 391 ms.
import autocannon from 'autocannon';
import { createApiKey } from '../src/store/api-keys.repository.js';
import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { numberArg } from './support/args.js';
import { buildDist } from './support/cli-run.js';
import { log } from './support/log.js';
import { BenchFailure, round, runBench } from './support/output.js';
import { createBenchDatabase } from './support/pg.js';
import { startServe } from './support/serve.js';
import { TARGETS } from './support/targets.js';

const REJECTS = numberArg('rejects', 1_500_000);
const RIDES = 50_000;
const SECONDS = numberArg('seconds', 10);
const CONNECTIONS = numberArg('connections', 10);
const SCRAPERS = numberArg('scrapers', 8);

/** Riders, rides and rejected lines in SQL; returns a viewer key. */
async function seed(url: string): Promise<string> {
  const db = openPgDb(url);
  try {
    await migrate(db);
    log(`seeding ${RIDES} rides and ${REJECTS} rejected lines`);
    await db.exec(`
      INSERT INTO riders (rider_id, first_name, last_name, gender)
      SELECT g, 'First' || g, 'Last' || g, 'female' FROM generate_series(1, 5000) g;
      INSERT INTO rides (rider_id, bike_serial, bike_key, started_at, ended_at, duration_s, reading_count)
      SELECT 1 + g % 5000, 'SN' || g, 'SN' || g, timestamptz '2022-07-01' + g * interval '1 minute',
             timestamptz '2022-07-01' + g * interval '1 minute' + interval '10 minutes', 600, 600
      FROM generate_series(1, ${RIDES}) g;
      INSERT INTO rejected_messages (source, partition, position, raw, reason)
      SELECT 'file:/bench', 0, g, '{"log": "garbage line ' || g || '"}', 'unknown line kind'
      FROM generate_series(1, ${REJECTS}) g;
      INSERT INTO rejected_counts (source, partition, stored) VALUES ('file:/bench', 0, ${REJECTS});
      ANALYZE;`);
    const made = await createApiKey(db, 'bench', 'viewer');
    if (!('key' in made)) throw new BenchFailure('could not create the bench key');
    return made.key;
  } finally {
    await db.close();
  }
}

/** Median and p99 latency of ride lookups under autocannon. */
async function rideLatency(base: string, key: string) {
  const r = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${key}` },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          path: `/api/rides/${1 + Math.floor(Math.random() * RIDES)}`,
        }),
      },
    ],
  });
  const failed = r.non2xx + r.errors + r.timeouts;
  if (failed > 0) throw new BenchFailure(`${failed} failed ride requests`);
  return { p50_ms: r.latency.p50, p99_ms: r.latency.p99, rps: round(r.requests.average) };
}

/** Loops that each call /metrics again as soon as it answers, until `stop`; counts scrapes. */
function scrapeLoops(base: string, stop: AbortSignal): Promise<number[]> {
  return Promise.all(
    Array.from({ length: SCRAPERS }, async () => {
      let n = 0;
      while (!stop.aborted) {
        const res = await fetch(`${base}/metrics`);
        const body = await res.text();
        if (!body.includes(`deloton_rejected_messages ${REJECTS}`))
          throw new BenchFailure(`/metrics did not report ${REJECTS} rejected lines`);
        n++;
      }
      return n;
    }),
  );
}

await runBench('metrics-scrape', async () => {
  buildDist();
  const url = await createBenchDatabase('metrics');
  const key = await seed(url);
  const base = await startServe(url, { API_RATE_LIMIT: '0' });
  await rideLatency(base, key); // warm-up: JIT, pools, prepared statements
  log(`ride lookups alone, ${SECONDS} s`);
  const alone = await rideLatency(base, key);
  log(`ride lookups while ${SCRAPERS} loops scrape /metrics, ${SECONDS} s`);
  const stop = new AbortController();
  const scraping = scrapeLoops(base, stop.signal);
  const loaded = await rideLatency(base, key);
  stop.abort();
  const scrapes = (await scraping).reduce((a, b) => a + b, 0);
  const ratio = loaded.p50_ms / Math.max(alone.p50_ms, 0.001);
  return {
    rejects: REJECTS,
    connections: CONNECTIONS,
    scrapers: SCRAPERS,
    alone,
    with_scrapers: loaded,
    scrapes_per_s: round(scrapes / SECONDS),
    median_ratio: round(ratio),
    targets: { median_ratio: TARGETS.metricsScrape.medianRatio },
    pass: { median_ratio: ratio <= TARGETS.metricsScrape.medianRatio },
  };
});
