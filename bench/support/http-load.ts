// The load generator of the HTTP benchmarks: autocannon, 50 connections, random ids, a 2 s warm-up
// first. bench/api.ts and bench/ceiling-fastify.ts share it so their figures compare.
import autocannon from 'autocannon';
import { BenchFailure } from './output.js';

export const CONNECTIONS = 50;

/** Load on `base` for `seconds` over random ids up to `maxId`; returns rate and latency. */
export async function load(
  base: string,
  path: (id: number) => string,
  maxId: number,
  headers: Record<string, string>,
  seconds: number,
): Promise<{ rps: number; p50_ms: number; p99_ms: number; requests: number }> {
  const run = (duration: number) =>
    autocannon({
      url: base,
      connections: CONNECTIONS,
      duration,
      headers,
      requests: [
        { setupRequest: (req) => ({ ...req, path: path(1 + Math.floor(Math.random() * maxId)) }) },
      ],
    });
  await run(2); // warm-up: JIT, pools, caches
  const r = await run(seconds);
  const failed = r.non2xx + r.errors + r.timeouts;
  if (failed > 0) throw new BenchFailure(`${failed} failed requests to ${base}`);
  return {
    rps: r.requests.average,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    requests: r.requests.total,
  };
}
