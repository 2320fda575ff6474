// Ceiling for the staff API: a bare Fastify route answering a ride-sized JSON from memory (no
// auth, validation, database or metrics), in its own process, under the load bench/api.ts uses.
// Usage: npx tsx bench/ceiling-fastify.ts [--seconds S]   (S defaults to 15)
import { join } from 'node:path';
import { numberArg } from './support/args.js';
import { ROOT } from './support/cli-run.js';
import { CONNECTIONS, load } from './support/http-load.js';
import { log } from './support/log.js';
import { round, runBench } from './support/output.js';
import { startChild } from './support/serve.js';

const SECONDS = numberArg('seconds', 15);

await runBench('ceiling-fastify', async () => {
  const bare = await startChild(
    ['--import', 'tsx', join(ROOT, 'bench', 'support', 'bare-fastify.ts')],
    {},
    /^(http:\S+)\n/m,
  );
  const base = bare.match[1]!;
  log(`bare Fastify at ${base}: ${SECONDS} s of load on GET /rides/{id}`);
  const r = await load(base, (id) => `/rides/${id}`, 1000, {}, SECONDS);
  return {
    connections: CONNECTIONS,
    seconds: SECONDS,
    rps: round(r.rps),
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
  };
});
