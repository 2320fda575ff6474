// Where the dashboard page's main thread spends its time: `npx tsx bench/live-trace.ts [--bikes
// 1000] [--seconds 10]` rides a floor as bench/live.ts does, records a Chromium trace of the
// fleet page, and prints the renderer main thread's time by trace event (Layout, Paint,
// FunctionCall, ...) and its longest tasks with what filled them. A diagnosis tool, not a
// benchmark: it is not in `npm run bench`.
import { setTimeout as sleep } from 'node:timers/promises';
import { numberArg } from './support/args.js';
import { startFloor } from './support/live-floor.js';
import { launchChromium, signedInPage, waitForTiles } from './support/live-page.js';
import { log } from './support/log.js';
import { round, runBench, type Json } from './support/output.js';

const BIKES = numberArg('bikes', 1000);
const SECONDS = numberArg('seconds', 10);

/** A complete ('X') trace event: what ran, on which thread, when (µs). */
interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
}

const thread = (e: TraceEvent): string => `${e.pid}:${e.tid}`;

await runBench('live-trace', async () => {
  const floor = await startFloor('trace', BIKES);
  const browser = await launchChromium();
  const { page, cdp } = await signedInPage(browser, floor.base, floor.key);
  await waitForTiles(page, BIKES, 120_000);
  await sleep(8_000);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  log(`tracing ${SECONDS} s at ${BIKES} bikes`);
  await sleep(SECONDS * 1000);
  await cdp.send('Tracing.end');
  await complete;

  const timed = events.filter((e) => e.ph === 'X' && e.dur !== undefined);
  // The renderer's main thread is the one with the most task time.
  const taskMs = new Map<string, number>();
  for (const e of timed)
    if (e.name === 'RunTask') taskMs.set(thread(e), (taskMs.get(thread(e)) ?? 0) + e.dur! / 1000);
  const main = [...taskMs.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const onMain = timed.filter((e) => thread(e) === main);
  const byName = new Map<string, { count: number; ms: number }>();
  for (const e of onMain) {
    const x = byName.get(e.name) ?? { count: 0, ms: 0 };
    x.count++;
    x.ms += e.dur! / 1000;
    byName.set(e.name, x);
  }
  const perSecond: { [name: string]: Json } = {};
  for (const [name, x] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
    perSecond[name] = { msPerSecond: round(x.ms / SECONDS), count: x.count };
    log(`${(x.ms / SECONDS).toFixed(0).padStart(6)} ms/s ${String(x.count).padStart(6)}x ${name}`);
  }
  const long = onMain
    .filter((e) => e.name === 'RunTask' && e.dur! > 50_000)
    .sort((a, b) => b.dur! - a.dur!);
  const longest = long.slice(0, 8).map((t) => {
    const inside = onMain.filter(
      (e) =>
        e !== t &&
        e.name !== 'RunTask' &&
        e.ts >= t.ts &&
        e.ts + e.dur! <= t.ts + t.dur! &&
        e.dur! > 5_000,
    );
    const parts = inside.map((e) => `${e.name} ${round(e.dur! / 1000)}`).join(', ');
    log(`long task ${round(t.dur! / 1000)} ms: ${parts}`);
    return `${round(t.dur! / 1000)} ms: ${parts}`;
  });
  return {
    bikes: BIKES,
    seconds: SECONDS,
    mainThread: perSecond,
    longTasksOver50Ms: long.length,
    longest,
  };
});
