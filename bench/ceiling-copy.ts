// Ceiling for writing readings: PostgreSQL's own bulk load (binary `COPY ... FROM STDIN`, as the
// pipeline sends) of readings-shaped rows into one month of a partitioned table shaped like
// `readings`, in a fresh database, with nothing of ours around it. The pipeline's
// readings/s is reported as a share of this in docs/benchmarks.md.
// Usage: npx tsx bench/ceiling-copy.ts [--rows N]   (N defaults to 540,000: the readings of
// bench/ingest-file.ts's default feed)
import { numberArg } from './support/args.js';
import { bareCopyRate } from './support/bare-copy.js';
import { log } from './support/log.js';
import { round, runBench } from './support/output.js';
import { checkpoint, createBenchDatabase } from './support/pg.js';

const ROWS = numberArg('rows', 540_000);

await runBench('ceiling-copy', async () => {
  const url = await createBenchDatabase('ceiling_copy');
  await checkpoint();
  log(`bare COPY of ${ROWS} readings-shaped rows`);
  const rowsPerSec = await bareCopyRate(url, ROWS);
  log(`bare COPY: ${Math.round(rowsPerSec)} rows/s`);
  return { rows: ROWS, rowsPerSec: round(rowsPerSec) };
});
