// `npm run bench`: every benchmark in sequence, each in its own process (so one's memory and
// handles cannot skew the next). Their JSON lines pass through to stdout, one per benchmark;
// the exit code is 1 when any of them failed (lost data, crashed), not when a target is missed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { log } from './support/log.js';

const BENCHES = [
  'ingest-file',
  'ingest-kafka',
  'alert-latency',
  'api',
  'metrics-scrape',
  'live',
  'report',
  'bi',
] as const;

// Ctrl-C reaches the running benchmark too (same process group); it cleans up and exits, and then
// this loop stops. Dying first would orphan it mid-cleanup.
let interrupted = false;
process.on('SIGINT', () => (interrupted = true));
process.on('SIGTERM', () => (interrupted = true));

async function runOne(name: string): Promise<{ code: number | null; line: string | null }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, `${name}.ts`)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = out.trim().split('\n').at(-1) ?? null;
  return { code, line: line || null };
}

const failed: string[] = [];
for (const name of BENCHES) {
  if (interrupted) break;
  log(`=== ${name} ===`);
  const { code, line } = await runOne(name);
  if (line) process.stdout.write(`${line}\n`);
  if (code !== 0) failed.push(name);
  log(`=== ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} ===`);
}
if (failed.length) log(`failed: ${failed.join(', ')}`);
process.exit(failed.length || interrupted ? 1 : 0);
