// The dashboard in Chromium for bench/live.ts: a signed-in page, and a probe inside it that times
// each tile's new reading (a MutationObserver on `data-at`) and records long tasks. The scripts
// are strings: this program is compiled without the DOM's types, and evaluated through the
// debugger they need no change to the page's CSP.
import {
  chromium,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Page,
} from 'playwright-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from './cleanup.js';
import { log } from './log.js';
import { BenchFailure } from './output.js';

/** Debian's Chromium, headless. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  onCleanup('close chromium', () => browser.close());
  return browser;
}

/** A dashboard page signed in with `key` (POST /api/session sets the cookie), at `/`. */
export async function signedInPage(
  browser: Browser,
  base: string,
  key: string,
): Promise<{ page: Page; context: BrowserContext; cdp: CDPSession; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  onCleanup('close browser context', () => context.close());
  const res = await context.request.post(`${base}/api/session`, { data: { key } });
  if (res.status() !== 201) throw new BenchFailure(`sign-in answered ${res.status()}`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return { page, context, cdp, errors };
}

/** The number of tiles on the page. */
export function tileCount(page: Page): Promise<number> {
  return page.evaluate<number>(`document.querySelectorAll('a.tile').length`);
}

/** Waits until the page shows at least `n` tiles, logging the count as it grows. */
export async function waitForTiles(page: Page, n: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let lastLog = 0;
  for (;;) {
    const count = await tileCount(page);
    if (count >= n)
      return log(`${count} tiles after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (Date.now() - started > timeoutMs)
      throw new BenchFailure(`only ${count} of ${n} tiles after ${timeoutMs / 1000} s`);
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      log(`waiting for tiles: ${count} of ${n}`);
    }
    await sleep(250);
  }
}

// Latencies land in 1 ms buckets up to this many ms (the last bucket holds anything later).
export const HISTOGRAM_MS = 20_000;

// `list`: every sample as [ride id, data-at, DOM time, next animation frame time], flat, for
// matching with the server's times; `hist`: a fixed histogram of DOM time − data-at, which adds
// nothing to the heap however long it runs; `off`: nothing.
const PROBE = `(() => {
  if (window.__benchProbe) return;
  const probe = { mode: 'off', list: [], hist: new Uint32Array(${HISTOGRAM_MS + 1}), longTasks: [],
    pending: [], frameQueued: false };
  window.__benchProbe = probe;
  const last = new WeakMap();
  for (const t of document.querySelectorAll('a.tile')) last.set(t, t.getAttribute('data-at'));
  const onFrame = () => {
    const f = Date.now();
    for (const j of probe.pending) probe.list[j] = f;
    probe.pending = [];
    probe.frameQueued = false;
  };
  const see = (el, now) => {
    if (el.nodeType !== 1 || !el.classList.contains('tile')) return;
    const at = el.getAttribute('data-at');
    if (at === null || last.get(el) === at) return;
    last.set(el, at);
    const atMs = Number(at);
    if (probe.mode === 'list') {
      probe.list.push(Number(el.getAttribute('href').split('/').pop()), atMs, now, 0);
      probe.pending.push(probe.list.length - 1);
      if (!probe.frameQueued) { probe.frameQueued = true; requestAnimationFrame(onFrame); }
    } else if (probe.mode === 'hist') {
      probe.hist[Math.max(0, Math.min(${HISTOGRAM_MS}, Math.floor(now - atMs)))]++;
    }
  };
  new MutationObserver((records) => {
    const now = Date.now();
    for (const r of records) {
      if (r.type === 'attributes') see(r.target, now);
      else for (const n of r.addedNodes) see(n, now);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-at'] });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) probe.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
})()`;

/** Installs the probe (once per page); it records nothing until `probeMode`. */
export async function installProbe(page: Page): Promise<void> {
  await page.evaluate(PROBE);
}

/** Starts recording latencies as a list or a histogram (clearing what was recorded), or stops. */
export async function probeMode(page: Page, mode: 'list' | 'hist' | 'off'): Promise<void> {
  await page.evaluate(`(() => {
    const p = window.__benchProbe;
    p.mode = '${mode}';
    p.list = [];
    p.pending = [];
    p.hist.fill(0);
  })()`);
}

/** One tile update as the page saw it. */
export interface PageSample {
  readonly rideId: number;
  readonly atMs: number;
  readonly domMs: number;
  /** When the next animation frame began (0 if none came before the list was taken). */
  readonly frameMs: number;
}

/** The samples recorded in `list` mode. */
export async function takeSamples(page: Page): Promise<PageSample[]> {
  const flat = await page.evaluate<number[]>(`window.__benchProbe.list`);
  const out: PageSample[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4)
    out.push({ rideId: flat[i]!, atMs: flat[i + 1]!, domMs: flat[i + 2]!, frameMs: flat[i + 3]! });
  return out;
}

/** The histogram recorded in `hist` mode: counts of DOM time − data-at by whole ms. */
export function takeHistogram(page: Page): Promise<number[]> {
  return page.evaluate<number[]>(`Array.from(window.__benchProbe.hist)`);
}

/** The page's clock (performance.now()), to mark where a measured window starts. */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate<number>(`performance.now()`);
}

/** Long tasks seen since the page loaded, as [start on the page's clock, duration] in ms. */
export function takeLongTasks(page: Page): Promise<[number, number][]> {
  return page.evaluate<[number, number][]>(`window.__benchProbe.longTasks`);
}

/** Chromium's performance counters for the page (JSHeapUsedSize, Nodes, TaskDuration, ...). */
export async function pageMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** The JS heap (MB) and DOM nodes after a full collection: what the page really keeps. */
export async function retainedAfterGc(cdp: CDPSession): Promise<{ heapMb: number; nodes: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const m = await pageMetrics(cdp);
  return { heapMb: m.JSHeapUsedSize! / 2 ** 20, nodes: m.Nodes! };
}
