// A simulated fleet stamped around now, cut in time slices, for tests of what is live.
import { createApiKey } from '../../src/store/api-keys.repository.js';
import type { Db } from '../../src/store/db.js';
import { ingestFile, tempFile } from './ingest.js';
import { fileLine, simMessages } from './sim-feed.js';

/**
 * A fleet whose clock started `agoS` seconds ago: `slice(untilMs)` ingests (as its own file
 * source) every message up to that time not ingested yet.
 */
export function liveFleet(
  db: Db,
  opts: {
    bikes: number;
    agoS: number;
    rideSeconds: [number, number];
    ridesPerBike: number;
    abnormalShare?: number;
    seed?: number;
  },
) {
  const startMs = Date.now() - opts.agoS * 1000;
  const messages = simMessages({
    bikes: opts.bikes,
    ridesPerBike: opts.ridesPerBike,
    rideSeconds: opts.rideSeconds,
    abnormalShare: opts.abnormalShare ?? 0,
    seed: opts.seed ?? 7,
    startMs,
  }).sort((a, b) => a.atMs - b.atMs);
  let next = 0;
  let slice = 0;
  return {
    startMs,
    /** Ingests the messages up to `untilMs`; resolves once they are committed. */
    async until(untilMs: number): Promise<number> {
      const lines: string[] = [];
      while (next < messages.length && messages[next]!.atMs <= untilMs)
        lines.push(fileLine(messages[next++]!));
      if (lines.length > 0) await ingestFile(db, tempFile(lines, `slice-${slice++}.jsonl`));
      return lines.length;
    },
  };
}

/** Makes a key and returns it. */
export async function newKey(
  db: Db,
  role: 'admin' | 'viewer',
): Promise<{ key: string; name: string }> {
  const name = `${role}-${Math.random().toString(36).slice(2, 8)}`;
  const made = await createApiKey(db, name, role);
  if (!('key' in made)) throw new Error('key exists');
  return { key: made.key, name };
}
