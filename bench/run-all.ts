// `npm run bench`: every benchmark in sequence, each in its own process (so one's memory and
// handles cannot skew the next). Their JSON lines pass through to stdout, one per benchmark, and
// the figures are written into docs/benchmarks.md between its bench markers, beside their targets
// and the ceilings of the same run. The exit code is 1 when any benchmark failed (lost data,
// crashed), not when a target is missed.
// Usage: npm run bench -- [--quick] [--only a,b] [--write-doc]
//   --quick      small sizes, for a whole report in a few minutes
//   --only a,b   just these benchmarks; the doc is then left alone unless --write-doc
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  parseBenchLines,
  renderSection,
  replaceSection,
  type RunInfo,
} from './support/bench-doc.js';
import { ROOT } from './support/cli-run.js';
import { log } from './support/log.js';
import { PG_ADMIN_URL } from './support/pg.js';
import { REPORT_FIGURES } from './support/targets.js';

// Each ceiling right after the benchmark held against it, so both see the same machine load.
// `quick`: the sizes of a quick run (the defaults are the full run's, in each file's usage line).
const BENCHES: Record<string, { quick: string[] }> = {
  'ingest-file': { quick: ['--messages', '100000'] },
  'ceiling-copy': { quick: ['--rows', '50000'] },
  'ingest-kafka': { quick: ['--messages', '30000'] },
  'ceiling-kafka': { quick: ['--messages', '30000'] },
  'alert-latency': { quick: ['--alerts', '30'] },
  api: { quick: ['--rides', '20000', '--daily-rides', '2000', '--seconds', '5'] },
  'ceiling-fastify': { quick: ['--seconds', '5'] },
  'metrics-scrape': { quick: ['--rejects', '150000', '--seconds', '5'] },
  live: { quick: ['--seconds', '20', '--big-minutes', '1'] },
  report: { quick: ['--runs', '2', '--warm', '2'] },
  // A whole year (the drill-down's day is in June), of a tenth of the fleet.
  bi: { quick: ['--bikes', '100', '--riders', '10000', '--runs', '3'] },
  'kafka-failover': { quick: ['--rounds', '1'] },
};
const DOC = join(ROOT, 'docs', 'benchmarks.md');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'write-doc': { type: 'boolean', default: false },
  },
});
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((n) => !(n in BENCHES)) ?? [];
if (unknown.length) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`,
  );
  process.exit(2);
}
const names = only ?? Object.keys(BENCHES);

// Ctrl-C reaches the running benchmark too (same process group); it cleans up and exits, and then
// this loop stops. Dying first would orphan it mid-cleanup.
let interrupted = false;
process.on('SIGINT', () => (interrupted = true));
process.on('SIGTERM', () => (interrupted = true));

async function runOne(
  name: string,
  args: string[],
): Promise<{ code: number | null; line: string | null }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, `${name}.ts`), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = out.trim().split('\n').at(-1) ?? null;
  return { code, line: line || null };
}

/** The 1, 5 and 15-minute load averages. */
const loadAverage = (): string =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');

/** The machine and revision, for the report. */
async function runInfo(startedAt: Date, load: string): Promise<RunInfo> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  const { rows } = await c.query<{ server_version: string }>('SHOW server_version');
  await c.end();
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain', '--untracked-files=no') ? ' with local changes' : '';
  const flags = [values.quick ? '--quick' : '', only ? `--only ${only.join(',')}` : '']
    .filter(Boolean)
    .join(' ');
  return {
    command: `npm run bench${flags ? ` -- ${flags}` : ''}`,
    quick: values.quick,
    date: `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    commit: `${git('rev-parse', '--short', 'HEAD')}${dirty}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    ramGb: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    postgres: rows[0]?.server_version.split(' ')[0] ?? 'unknown',
    loadBefore: load,
    loadAfter: loadAverage(),
    minutes: (Date.now() - startedAt.getTime()) / 60_000,
  };
}

const startedAt = new Date();
const loadBefore = loadAverage();
const failed: string[] = [];
let stdout = '';
for (const name of names) {
  if (interrupted) break;
  log(`=== ${name} ===`);
  const { code, line } = await runOne(name, values.quick ? BENCHES[name]!.quick : []);
  if (line) {
    process.stdout.write(`${line}\n`);
    stdout += `${line}\n`;
  }
  if (code !== 0) failed.push(name);
  log(`=== ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} ===`);
}
if (failed.length) log(`failed: ${failed.join(', ')}`);
if (!interrupted && (!only || values['write-doc'])) {
  const section = renderSection(
    parseBenchLines(stdout),
    REPORT_FIGURES,
    await runInfo(startedAt, loadBefore),
  );
  writeFileSync(DOC, replaceSection(readFileSync(DOC, 'utf8'), section));
  log(`wrote the figures into ${DOC}`);
}
process.exit(failed.length || interrupted ? 1 : 0);
