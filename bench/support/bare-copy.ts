// The ceiling for the readings table: PostgreSQL's own bulk load of the same rows with nothing of
// ours around it. Our readings/s as a share of this says how much the pipeline costs.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BenchFailure } from './output.js';

const CHUNK_ROWS = 20_000;
// The feed interleaves ~500 concurrent rides second by second, so consecutive rows land on
// different primary-key pages; rows sorted by key would flatter the baseline.
const CONCURRENT_RIDES = 500;

/** COPY text rows shaped like `readings`, built up front so only the load itself is timed. */
function buildChunks(rows: number): string[] {
  const chunks: string[] = [];
  const t0 = Date.UTC(2024, 0, 1, 6);
  let lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const ride = (i % CONCURRENT_RIDES) + 1;
    const second = Math.floor(i / CONCURRENT_RIDES) + 1;
    const at = new Date(t0 + second * 1000 + ride).toISOString();
    const power = (100 + (i % 997) * 0.173).toFixed(6);
    lines.push(
      `${ride}\t${second}\t${at}\t${60 + (i % 120)}\t${40 + (i % 60)}\t${i % 100}\t${power}\n`,
    );
    if (lines.length === CHUNK_ROWS) {
      chunks.push(lines.join(''));
      lines = [];
    }
  }
  if (lines.length) chunks.push(lines.join(''));
  return chunks;
}

/** Loads `rows` rows into a fresh keyed table on `url` in one transaction; returns rows/s. */
export async function bareCopyRate(url: string, rows: number): Promise<number> {
  const chunks = buildChunks(rows);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE TABLE bare_readings (
      ride_id bigint NOT NULL, elapsed_s integer NOT NULL, recorded_at timestamptz NOT NULL,
      heart_rate integer, rpm integer, resistance integer, power_w double precision,
      PRIMARY KEY (ride_id, elapsed_s))`);
    const started = performance.now();
    await c.query('BEGIN');
    // The pipeline relaxes this too (positions commit with the rows), so the two compare fairly.
    await c.query('SET LOCAL synchronous_commit = off');
    // One COPY per chunk, as the pipeline issues one COPY per batch.
    for (const chunk of chunks) {
      const stream = c.query(
        copyFrom(
          'COPY bare_readings (ride_id, elapsed_s, recorded_at, heart_rate, rpm, resistance, power_w) FROM STDIN',
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
