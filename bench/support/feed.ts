// Simulated feed for benchmarks: the real simulator, sized so the stream has at least N messages
// and every ride runs to its end (so the expected row counts follow from the lines themselves).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { simulateFleet, type FleetOptions, type SimMessage } from '../../src/simulator/fleet.js';

// A ride is at least 480 s (the simulator's default range) of Ride + Telemetry lines, plus its
// marker, lookup and [SYSTEM] lines; every bike prints one more marker before its first ride.
const MIN_RIDE_SECONDS = 480;
const MIN_MESSAGES_PER_RIDE = 2 * MIN_RIDE_SECONDS + 3;

/** What a generated feed holds, to check the database against afterwards. */
export interface FeedCounts {
  messages: number;
  telemetry: number;
  rides: number;
  bytes: number;
}

/** Fleet options giving at least `minMessages` messages with `ridesPerBike` complete rides each. */
export function fleetFor(minMessages: number, ridesPerBike: number, seed = 1): FleetOptions {
  const perBike = 1 + ridesPerBike * MIN_MESSAGES_PER_RIDE;
  return {
    bikes: Math.max(1, Math.ceil(minMessages / perBike)),
    ridesPerBike,
    seed,
    // A fixed clock start keeps the stream identical from run to run.
    startMs: Date.UTC(2024, 0, 1, 6),
    abnormalShare: 0.05,
  };
}

/** Runs the fleet, counting into `counts` what the checks need. */
export function* countedFleet(opts: FleetOptions, counts: FeedCounts): Generator<SimMessage> {
  for (const m of simulateFleet(opts, () => counts.rides++)) {
    counts.messages++;
    if (m.value.includes('[INFO]: Telemetry - ')) counts.telemetry++;
    yield m;
  }
}

export function emptyCounts(): FeedCounts {
  return { messages: 0, telemetry: 0, rides: 0, bytes: 0 };
}

/** The file form of a message, as `deloton simulate --out` writes it: the key inside the envelope. */
export function fileLine(m: SimMessage): string {
  // Same as withKey() in src/app/simulate.ts, which is not exported.
  return `${m.value.slice(0, -1)},"key":${JSON.stringify(m.key)}}\n`;
}

/** Writes the fleet to `path` as the file source reads it; returns what was written. */
export async function writeFeedFile(path: string, opts: FleetOptions): Promise<FeedCounts> {
  const counts = emptyCounts();
  const out = createWriteStream(path);
  let buf = '';
  for (const m of countedFleet(opts, counts)) {
    buf += fileLine(m);
    if (buf.length > 1 << 16) {
      counts.bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  counts.bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, 'finish');
  return counts;
}
