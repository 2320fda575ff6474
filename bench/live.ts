// Live dashboard: from a reading entering the source to its tile showing it in Chromium, with
// --bikes simulated bikes in real time (the page alone, then with the one serve process feeding
// --clients streams in all), and the page's long tasks and memory with --big-bikes bikes riding
// for --big-minutes. Ingest and serve run as separate processes on fresh PostgreSQL databases.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CDPSession, Page } from 'playwright-core';
import { numberArg } from './support/args.js';
import { cleanupMark, cleanupTo } from './support/cleanup.js';
import { buildDist } from './support/cli-run.js';
import { startFloor, type Floor } from './support/live-floor.js';
import {
  installProbe,
  launchChromium,
  pageMetrics,
  pageNow,
  probeMode,
  retainedAfterGc,
  signedInPage,
  takeHistogram,
  takeLongTasks,
  takeSamples,
  tileCount,
  waitForTiles,
} from './support/live-page.js';
import { log } from './support/log.js';
import { BenchFailure, round, runBench, type Json } from './support/output.js';
import { startCpuMeter } from './support/proc-cpu.js';
import { openSse, type SseClient } from './support/sse-client.js';
import { slopePerMinute, spread, spreadOfHistogram } from './support/stats.js';
import {
  batchRate,
  benchPercent,
  browserPart,
  serverSplit,
  spreadJson,
  sseRecorder,
  TELEMETRY_AFTER_MS,
  type SseLog,
} from './support/live-timing.js';
import { TARGETS } from './support/targets.js';

const BIKES = numberArg('bikes', 200);
const CLIENTS = numberArg('clients', 200);
const SECONDS = numberArg('seconds', 60);
const BIG_BIKES = numberArg('big-bikes', 1000);
const BIG_MINUTES = numberArg('big-minutes', 10);
const HEAP_EVERY_S = numberArg('heap-every', 30);
// Let the page and the JIT settle after the tiles appear, before anything is measured.
const WARM_UP_MS = 10_000;

const TARGET = TARGETS.live;

/** One measured window of --seconds: the page's samples, the server's times, CPU. */
async function latencyWindow(
  label: string,
  floor: Floor,
  page: Page,
  cdp: CDPSession,
  sse: SseLog,
): Promise<{ [k: string]: Json }> {
  floor.notifies.times.clear();
  floor.notifies.on = true;
  sse.seen.clear();
  sse.on = true;
  const ingest0 = floor.ingestProgress();
  const m0 = await pageMetrics(cdp);
  const cpu = startCpuMeter({ serve: floor.serve.pid!, ingest: floor.ingest.pid! });
  const bench0 = process.cpuUsage();
  const t0 = Date.now();
  await probeMode(page, 'list');
  for (let s = 0; s < SECONDS; s += 10) {
    await sleep(Math.min(10, SECONDS - s) * 1000);
    const n = await page.evaluate<number>(`window.__benchProbe.list.length / 4`);
    log(`${label}: ${Math.min(s + 10, SECONDS)}/${SECONDS} s, ${n} tile updates`);
  }
  const samples = await takeSamples(page);
  await probeMode(page, 'off');
  const wallS = (Date.now() - t0) / 1000;
  sse.on = false;
  floor.notifies.on = false;
  const used = cpu.read();
  const bench = process.cpuUsage(bench0);
  const m1 = await pageMetrics(cdp);
  if (samples.length === 0) throw new BenchFailure(`${label}: the page saw no tile update`);

  const sinceRecorded = samples.map((s) => s.domMs - s.atMs);
  const sinceSource = sinceRecorded.map((ms) => ms - TELEMETRY_AFTER_MS);
  const frames = samples.filter((s) => s.frameMs > 0);
  const src = spread(sinceSource);
  const figures = {
    samples: samples.length,
    updatesPerSecond: round(samples.length / wallS),
    sinceSourceMs: spreadJson(src),
    sinceRecordedMs: spreadJson(spread(sinceRecorded)),
    nextFrameSinceSourceMs: spreadJson(
      spread(frames.map((s) => s.frameMs - s.atMs - TELEMETRY_AFTER_MS)),
    ),
    server: serverSplit(floor, sse),
    sseToDomMs: browserPart(samples, sse),
    ingestBatches: batchRate(ingest0, floor.ingestProgress()),
    cpu: {
      ...used,
      benchProcessPercentOfCore: benchPercent(bench, wallS),
      pageMainThreadBusyPercent: Math.round(((m1.TaskDuration! - m0.TaskDuration!) / wallS) * 100),
    },
    pass: { p95Ms: src.p95 <= TARGET.p95Ms, p99Ms: src.p99 <= TARGET.p99Ms },
  };
  log(`${label}: ${JSON.stringify(figures)}`);
  return figures;
}

/** Opens `n` streams that only take the bytes, a few at a time. */
async function openDiscarders(floor: Floor, n: number): Promise<SseClient[]> {
  const out: SseClient[] = [];
  while (out.length < n) {
    const k = Math.min(20, n - out.length);
    out.push(
      ...(await Promise.all(Array.from({ length: k }, () => openSse(floor.base, floor.key)))),
    );
  }
  return out;
}

/** Phases 1 and 2: the page alone, then one of --clients streams of one serve process. */
async function latencyPhases(): Promise<{ [k: string]: Json }> {
  const floor = await startFloor('live', BIKES);
  const browser = await launchChromium();
  const sse: SseLog = { on: false, seen: new Map() };
  await openSse(floor.base, floor.key, sseRecorder(sse));
  const { page, cdp, errors } = await signedInPage(browser, floor.base, floor.key);
  await waitForTiles(page, BIKES, 60_000);
  await installProbe(page);
  await sleep(WARM_UP_MS);
  const alone = await latencyWindow('latency', floor, page, cdp, sse);

  const others = Math.max(0, CLIENTS - 2);
  log(`opening ${others} more streams (${CLIENTS} in all with the page and the timing client)`);
  const discarders = await openDiscarders(floor, others);
  const bytes0 = discarders.map((c) => c.bytes());
  const fanout = await latencyWindow(`fan-out ${CLIENTS}`, floor, page, cdp, sse);
  const dropped = discarders.filter((c) => c.ended()).length;
  const perClientKb = discarders.map((c, i) => (c.bytes() - bytes0[i]!) / 1024);
  for (const c of discarders) c.close();
  if (errors.length) log(`page errors: ${errors.slice(0, 5).join(' | ')}`);
  return {
    latency: alone,
    fanout: {
      streams: CLIENTS,
      droppedStreams: dropped,
      kbPerStreamPerSecond: round(
        perClientKb.reduce((a, b) => a + b, 0) / Math.max(1, perClientKb.length) / SECONDS,
      ),
      ...fanout,
    },
    pageErrors: errors.length,
  };
}

/** Phase 3: --big-bikes riding, one page for --big-minutes: long tasks and memory. */
async function scalePhase(): Promise<{ [k: string]: Json }> {
  const floor = await startFloor('livebig', BIG_BIKES);
  const browser = await launchChromium();
  const sse: SseLog = { on: false, seen: new Map() };
  await openSse(floor.base, floor.key, sseRecorder(sse));
  const { page, cdp, errors } = await signedInPage(browser, floor.base, floor.key);
  await installProbe(page);
  await waitForTiles(page, BIG_BIKES, 120_000);
  await sleep(WARM_UP_MS);
  const retainedStart = await retainedAfterGc(cdp);
  const windowStart = await pageNow(page);
  await probeMode(page, 'hist');
  sse.on = true;
  floor.notifies.on = true;
  const cpu = startCpuMeter({ serve: floor.serve.pid!, ingest: floor.ingest.pid! });
  const m0 = await pageMetrics(cdp);
  const ingest0 = floor.ingestProgress();
  const bench0 = process.cpuUsage();
  const t0 = Date.now();
  const heap: { atMs: number; mb: number; nodes: number }[] = [];
  const endAt = t0 + BIG_MINUTES * 60_000;
  for (;;) {
    const m = await pageMetrics(cdp);
    heap.push({ atMs: Date.now() - t0, mb: m.JSHeapUsedSize! / 2 ** 20, nodes: m.Nodes! });
    const tasks = (await takeLongTasks(page)).filter(([start]) => start >= windowStart);
    log(
      `scale: ${((Date.now() - t0) / 60_000).toFixed(1)}/${BIG_MINUTES} min, heap ${heap.at(-1)!.mb.toFixed(1)} MB, ` +
        `${await tileCount(page)} tiles, ${tasks.length} long tasks (max ${round(Math.max(0, ...tasks.map(([, d]) => d)))} ms)`,
    );
    const left = endAt - Date.now();
    if (left <= 1000) break;
    await sleep(Math.min(HEAP_EVERY_S * 1000, left));
  }
  const wallS = (Date.now() - t0) / 1000;
  const m1 = await pageMetrics(cdp);
  const used = cpu.read();
  const bench = process.cpuUsage(bench0);
  const ingest1 = floor.ingestProgress();
  sse.on = false;
  floor.notifies.on = false;
  const all = await takeLongTasks(page);
  const hist = await takeHistogram(page);
  await probeMode(page, 'off');
  const tiles = await tileCount(page);
  const retainedEnd = await retainedAfterGc(cdp);
  const steady = all.filter(([start]) => start >= windowStart).map(([, d]) => d);
  const atLoad = all.filter(([start]) => start < windowStart).map(([, d]) => d);
  // The first minute holds the page's own settling (JIT, first GCs): the trend is read after it.
  const late = heap.filter((s) => s.atMs >= 60_000);
  const trend = late.length >= 2 ? late : heap;
  const slope = slopePerMinute(trend.map((s) => ({ atMs: s.atMs, value: s.mb })));
  const over = steady.filter((d) => d > TARGET.longTaskMs).length;
  if (errors.length) log(`page errors: ${errors.slice(0, 5).join(' | ')}`);
  return {
    bikes: BIG_BIKES,
    minutes: round(wallS / 60),
    tilesAtEnd: tiles,
    longTasks: {
      count: steady.length,
      over100Ms: over,
      maxMs: round(Math.max(0, ...steady)),
      totalMs: round(steady.reduce((a, b) => a + b, 0)),
      longest: steady
        .sort((a, b) => b - a)
        .slice(0, 5)
        .map(round),
      whileLoading: { count: atLoad.length, maxMs: round(Math.max(0, ...atLoad)) },
    },
    heapMb: {
      first: round(heap[0]!.mb),
      last: round(heap.at(-1)!.mb),
      max: round(Math.max(...heap.map((s) => s.mb))),
      slopeMbPerMinute: round(slope),
      slopeFrom: late.length >= 2 ? 'after the first minute' : 'all samples (run too short)',
      samples: heap.map((s) => round(s.mb)),
      afterGcStart: round(retainedStart.heapMb),
      afterGcEnd: round(retainedEnd.heapMb),
    },
    domNodes: {
      first: heap[0]!.nodes,
      last: heap.at(-1)!.nodes,
      afterGcStart: retainedStart.nodes,
      afterGcEnd: retainedEnd.nodes,
    },
    sinceSourceMs: spreadJson(spreadOfHistogram(hist, -TELEMETRY_AFTER_MS)),
    server: serverSplit(floor, sse),
    ingestBatches: batchRate(ingest0, ingest1),
    cpu: {
      ...used,
      benchProcessPercentOfCore: benchPercent(bench, wallS),
      pageMainThreadBusyPercent: Math.round(((m1.TaskDuration! - m0.TaskDuration!) / wallS) * 100),
    },
    pageErrors: errors.length,
    pass: {
      noLongTaskOver100Ms: over === 0,
      // The samples saw-tooth with the collector; what survives a full collection is the check.
      heapFlat:
        slope <= TARGET.heapSlopeMbPerMinute &&
        retainedEnd.heapMb - retainedStart.heapMb <= TARGET.heapGrowthAfterGcMb,
    },
  };
}

await runBench('live', async () => {
  buildDist();
  log(`load before: ${startCpuMeter({}).read().loadAvg1} (1-minute load average, 2 cores)`);
  const mark = cleanupMark();
  const small = await latencyPhases();
  await cleanupTo(mark);
  const scale = await scalePhase();
  return {
    bikes: BIKES,
    seconds: SECONDS,
    ...small,
    scale,
    telemetryAfterRecordedMs: TELEMETRY_AFTER_MS,
    targets: {
      sinceSourceP95Ms: TARGET.p95Ms,
      sinceSourceP99Ms: TARGET.p99Ms,
      longTaskMs: TARGET.longTaskMs,
      heapSlopeMbPerMinute: TARGET.heapSlopeMbPerMinute,
      heapGrowthAfterGcMb: TARGET.heapGrowthAfterGcMb,
    },
  };
});
