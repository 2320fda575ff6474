// The ceiling for the readings table: PostgreSQL's own bulk load of the same rows with nothing of
// ours around it. Our readings/s as a share of this says how much the pipeline costs.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BinaryCopyWriter } from '../../src/store/copy-binary.js';
import { BenchFailure } from './output.js';

const CHUNK_ROWS = 20_000;
// The feed interleaves ~500 concurrent rides second by second, so consecutive rows land on
// different primary-key pages; rows sorted by key would flatter the baseline.
const CONCURRENT_RIDES = 500;

/** Binary COPY chunks of rows shaped like `readings`, built up front so only the load is timed. */
function buildChunks(rows: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const t0 = Date.UTC(2024, 0, 1, 6);
  let out = new BinaryCopyWriter();
  let inChunk = 0;
  for (let i = 0; i < rows; i++) {
    const ride = (i % CONCURRENT_RIDES) + 1;
    const second = Math.floor(i / CONCURRENT_RIDES) + 1;
    out.row(8);
    out.int8(ride);
    out.date(t0);
    out.int4(second);
    out.timestamptz(t0 + second * 1000 + ride);
    out.int4(60 + (i % 120));
    out.int4(40 + (i % 60));
    out.int4(i % 100);
    out.float8(100 + (i % 997) * 0.173);
    if (++inChunk === CHUNK_ROWS) {
      chunks.push(Buffer.from(out.finish()));
      out = new BinaryCopyWriter();
      inChunk = 0;
    }
  }
  if (inChunk > 0) chunks.push(Buffer.from(out.finish()));
  return chunks;
}

/** Loads `rows` rows into a fresh keyed table on `url` in one transaction; returns rows/s. */
export async function bareCopyRate(url: string, rows: number): Promise<number> {
  const chunks = buildChunks(rows);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // The shape of one month of `readings` (migration 015), loaded as the pipeline loads it.
    await c.query(`CREATE TABLE bare_readings (
      ride_id bigint NOT NULL, ride_started_on date NOT NULL, elapsed_s integer NOT NULL,
      recorded_at timestamptz NOT NULL, heart_rate integer, rpm integer, resistance integer,
      power_w double precision, PRIMARY KEY (ride_id, elapsed_s, ride_started_on))
      PARTITION BY RANGE (ride_started_on)`);
    await c.query(`CREATE TABLE bare_readings_2024_01 PARTITION OF bare_readings
      FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')`);
    const started = performance.now();
    await c.query('BEGIN');
    // The pipeline relaxes this too (positions commit with the rows), so the two compare fairly.
    await c.query('SET LOCAL synchronous_commit = off');
    // One COPY per chunk, as the pipeline issues one COPY per batch.
    for (const chunk of chunks) {
      const stream = c.query(
        copyFrom(
          `COPY bare_readings_2024_01 (ride_id, ride_started_on, elapsed_s, recorded_at, heart_rate,
             rpm, resistance, power_w) FROM STDIN WITH (FORMAT binary)`,
        ),
      );
      await pipeline(Readable.from([chunk]), stream);
    }
    await c.query('COMMIT');
    const seconds = (performance.now() - started) / 1000;
    const res = await c.query<{ n: string }>('SELECT count(*) AS n FROM bare_readings');
    if (Number(res.rows[0]?.n) !== rows) throw new BenchFailure('bare COPY lost rows');
    return rows / seconds;
  } finally {
    await c.end();
  }
}
