// `npm run drills`: every drill in sequence, each in its own process (one's leftovers cannot
// help or hurt the next). The CLI is built once here; each drill's JSON line passes through to
// stdout, and the exit code is 1 when any drill failed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildDist } from '../bench/support/cli-run.js';
import { log } from './support/drill.js';

const DRILLS = [
  'sigkill-ingest',
  'postgres-stop',
  'smtp-down',
  'kafka-drop',
  'pglite-disk',
] as const;

// Ctrl-C reaches the running drill too (same process group); it cleans up and exits, and then
// this loop stops. Dying first would orphan it mid-cleanup.
let interrupted = false;
process.on('SIGINT', () => (interrupted = true));
process.on('SIGTERM', () => (interrupted = true));

async function runOne(name: string): Promise<{ code: number | null; line: string | null }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, `${name}.ts`), '--no-build'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = out.trim().split('\n').at(-1) ?? null;
  return { code, line: line || null };
}

buildDist();
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const failed: string[] = [];
for (const name of DRILLS.filter((d) => only.length === 0 || only.includes(d))) {
  if (interrupted) break;
  log(`=== ${name} ===`);
  const started = Date.now();
  const { code, line } = await runOne(name);
  if (line) process.stdout.write(`${line}\n`);
  if (code !== 0) failed.push(name);
  const took = Math.round((Date.now() - started) / 1000);
  log(`=== ${name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${took} s ===`);
}
if (failed.length) log(`failed: ${failed.join(', ')}`);
process.exit(failed.length || interrupted ? 1 : 0);
