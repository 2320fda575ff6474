import { setTimeout as sleep } from 'node:timers/promises';
import { simulateFleet, type FleetOptions } from '../simulator/fleet.js';
import type { PositionLoader, Source, SourceMessage } from './source.js';

export interface SimulatorSourceOptions extends FleetOptions {
  /** Emit each message at its simulated time (a live fleet) instead of as fast as possible. */
  readonly realtime: boolean;
}

const CHUNK = 2_000;

/** The built-in fleet as a source; positions count messages, so a seeded fast run resumes exactly. */
export function createSimulatorSource(opts: SimulatorSourceOptions): Source {
  // A live fleet stamps wall-clock time, so each run is a new stream; a fast one is reproducible.
  const name = opts.realtime
    ? `simulator:live:${opts.startMs}`
    : `simulator:seed=${opts.seed}:bikes=${opts.bikes}:start=${opts.startMs}`;
  return {
    name,
    read: (load, signal) => generate(opts, load, signal),
    close: () => Promise.resolve(),
  };
}

async function* generate(
  opts: SimulatorSourceOptions,
  load: PositionLoader,
  signal: AbortSignal,
): AsyncGenerator<SourceMessage[]> {
  const skip = (await load([0])).get(0)?.position ?? 0;
  let seq = 0;
  let out: SourceMessage[] = [];
  for (const m of simulateFleet(opts)) {
    if (signal.aborted) return;
    if (seq < skip) {
      seq++;
      continue;
    }
    if (opts.realtime) {
      const wait = m.atMs - Date.now();
      if (wait > 0) {
        if (out.length) {
          yield out;
          out = [];
        }
        try {
          await sleep(wait, undefined, { signal });
        } catch {
          return;
        }
      }
    }
    out.push({ partition: 0, offset: seq, next: seq + 1, key: m.key, value: m.value });
    seq++;
    if (out.length >= CHUNK) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}
