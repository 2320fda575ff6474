import type { Db } from '../../src/store/db.js';
import { ingestFile, tempFile } from './ingest.js';
import { simFileFeed } from './sim-feed.js';

/**
 * A small fleet whose rides straddle midnight in London (23:00 UTC in July), with alerts: the
 * data the API tests read.
 */
export const SEED = simFileFeed({
  bikes: 6,
  ridesPerBike: 3,
  seed: 5,
  startMs: Date.UTC(2022, 6, 6, 22, 50),
  abnormalShare: 0.5,
  rideSeconds: [300, 400],
});

/** Ingests the seed fleet through the real pipeline. */
export async function seed(db: Db): Promise<void> {
  await ingestFile(db, tempFile(SEED.lines), { maxBatch: 2_000 });
}
