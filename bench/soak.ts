// The soak (issue 12; run by hand, not by run-all or CI): --bikes simulated bikes in real time for
// --minutes, produced by `deloton simulate --to kafka` into the kcat mock, read by a consumer group
// of --ingesters `deloton ingest --source kafka` processes into a fresh PostgreSQL database, with
// `deloton alerts` mailing to a local SMTP server and `deloton serve`'s dashboard open in Chromium.
// Checks: feed lag (as `deloton_feed_lag_seconds` computes it) and every partition's ingest lag
// (`deloton_ingest_lag_seconds` of every ingest process) under 1 s at p99 and max after the warm-up, every process's memory flat (the peaks of its live heap after full collections, from
// its /metrics, and the median of its RSS), no valid message rejected, every alert mailed, every
// message stored. Prints a progress line every 10 s to stderr and one JSON line at the end.
// Usage: npm run soak -- [--bikes 2000] [--minutes 15] [--ingesters 2] [--abnormal-share 0.1]
//        [--page 0] (no browser: to tell the platform's lag from the CPU the page's drawing takes)
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { readPlatformStats } from '../src/store/platform-stats.repository.js';
import { openPgDb } from '../src/store/pg-db.js';
import { startKafkaMock } from '../test/support/kafka-mock.js';
import { startSmtp } from '../test/support/smtp.js';
import { numberArg } from './support/args.js';
import { onCleanup } from './support/cleanup.js';
import { chromiumCpuS } from './support/browser-cpu.js';
import { buildDist } from './support/cli-run.js';
import { createAdminKey } from './support/live-floor.js';
import { launchChromium, signedInPage, tileCount } from './support/live-page.js';
import { log } from './support/log.js';
import { round, runBench } from './support/output.js';
import { createBenchDatabase } from './support/pg.js';
import { readRssKb } from './support/rss.js';
import { startCpuMeter } from './support/proc-cpu.js';
import { readingCounts, storedPositionSum, until } from './support/soak-store.js';
import { freePort } from './support/serve.js';
import {
  lagSpikes,
  lagSpread,
  scrapeLiveHeapMb,
  scrapePartitionLagS,
  thirds,
  thirdsJson,
  type SoakSample,
} from './support/soak-measure.js';
import { logNumber, startCli, stopCli, type CliProcess } from './support/soak-procs.js';
import { FLAT_RSS_GROWTH, TARGETS } from './support/targets.js';

const BIKES = numberArg('bikes', 2000);
const MINUTES = numberArg('minutes', 15);
const INGESTERS = numberArg('ingesters', 2);
const ABNORMAL = numberArg('abnormal-share', 0.1);
const PAGE = numberArg('page', 1) !== 0;
const SECONDS = MINUTES * 60;
// The lag is judged after the fleet's first readings, the group's first rebalance and the JIT.
const WARM_UP_S = Math.min(60, SECONDS / 5);
const DRAIN_TIMEOUT_MS = 90_000;

await runBench('soak', async () => {
  buildDist();
  const mock = await startKafkaMock();
  onCleanup('stop kafka mock', () => mock.stop());
  const topic = `soak-${randomBytes(4).toString('hex')}`;
  const admin = new Kafka({ brokers: [mock.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  onCleanup('disconnect kafka admin', () => admin.disconnect());
  // The mock has no controller for CreateTopics; a metadata request creates the topic (4 partitions).
  await admin.fetchTopicMetadata({ topics: [topic] });
  const smtp = await startSmtp();
  onCleanup('stop smtp server', () => smtp.stop());
  const url = await createBenchDatabase('soak');
  const db = openPgDb(url, { max: 2 });
  onCleanup('close the soak pool', () => db.close());

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Where each platform process serves /metrics (the producer is the test's, not the platform's).
  const metricsUrls = new Map<string, string>([['serve', `${base}/metrics`]]);
  const metricsPort = async (name: string): Promise<number> => {
    const p = await freePort();
    metricsUrls.set(name, `http://127.0.0.1:${p}/metrics`);
    return p;
  };
  // serve migrates the database before the others open it.
  const serve = await startCli(
    'serve',
    ['serve'],
    { DATABASE_URL: url, PORT: String(port) },
    /http server listening/,
  );
  const key = await createAdminKey(url);
  const kafkaEnv = { KAFKA_BROKERS: mock.brokers, KAFKA_TOPIC: topic, KAFKA_GROUP_ID: 'soak' };
  const ingesters: CliProcess[] = [];
  for (let i = 1; i <= INGESTERS; i++)
    ingesters.push(
      await startCli(
        `ingest-${i}`,
        ['ingest', '--source', 'kafka'],
        { DATABASE_URL: url, ...kafkaEnv, METRICS_PORT: String(await metricsPort(`ingest-${i}`)) },
        /ingest starting/,
      ),
    );
  const alerts = await startCli(
    'alerts',
    ['alerts'],
    {
      DATABASE_URL: url,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Deloton <alerts@deloton.test>',
      METRICS_PORT: String(await metricsPort('alerts')),
    },
    /mail worker started/,
  );
  const dashboard = PAGE ? await signedInPage(await launchChromium(), base, key) : null;
  log(
    `${dashboard ? `dashboard open at ${base}` : 'no dashboard (--page 0)'}; ` +
      `${INGESTERS} ingest processes in group "soak" on ${topic}`,
  );
  const ingestMetrics = ingesters.map((p) => metricsUrls.get(p.name)!);
  await sleep(5_000); // the consumer group settles before the feed starts

  log(`deloton simulate --to kafka --realtime --bikes ${BIKES} for ${MINUTES} min`);
  const t0 = Date.now();
  const producer = await startCli(
    'simulate',
    [
      'simulate',
      '--to',
      'kafka',
      '--realtime',
      '--bikes',
      String(BIKES),
      '--seed',
      '7',
      '--abnormal-share',
      String(ABNORMAL),
    ],
    kafkaEnv,
    /simulate progress/,
  );
  const procs = [serve, ...ingesters, alerts, producer];
  const cpu = startCpuMeter(Object.fromEntries(procs.map((p) => [p.name, p.child.pid ?? 0])));
  const browserCpu0 = chromiumCpuS();
  const ingested = (msg = 'ingest progress'): number =>
    ingesters.reduce((n, p) => n + logNumber(p, msg, 'messages'), 0);

  const samples: SoakSample[] = [];
  const load = { before: round(loadavg()[0] ?? 0), max: 0 };
  let last = { atS: 0, messages: 0, n: 0 };
  const heap: number[] = [];
  while (Date.now() - t0 < SECONDS * 1000) {
    await sleep(1000 - ((Date.now() - t0) % 1000));
    const [stats, partitionLagS] = await Promise.all([
      readPlatformStats(db),
      scrapePartitionLagS(ingestMetrics),
    ]);
    const atS = (Date.now() - t0) / 1000;
    const rssMb = Object.fromEntries(
      procs.map((p) => {
        const kb = p.child.pid ? readRssKb(p.child.pid) : null;
        return [p.name, kb === null ? null : Math.round(kb / 1024)];
      }),
    );
    if ((samples.length + 1) % 10 !== 0) {
      samples.push({ atS, lagS: stats.feedLagS, partitionLagS, rssMb });
      continue;
    }
    const liveHeapMb = Object.fromEntries(
      await Promise.all(
        [...metricsUrls].map(async ([name, u]) => [name, await scrapeLiveHeapMb(u)] as const),
      ),
    );
    samples.push({ atS, lagS: stats.feedLagS, partitionLagS, rssMb, liveHeapMb });
    if (dashboard) {
      const { metrics } = await dashboard.cdp.send('Performance.getMetrics');
      heap.push(round((metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20));
    }
    const lag = lagSpread(samples.slice(last.n), 0);
    const partitionLag = lagSpread(samples.slice(last.n), 0, (x) => x.partitionLagS);
    load.max = Math.max(load.max, round(loadavg()[0] ?? 0));
    const messages = ingested();
    log(
      `${Math.round(atS)} s: ${Math.round((messages - last.messages) / (atS - last.atS))} msg/s ingested, ` +
        `lag p50/p99/max ${lag.p50}/${lag.p99}/${lag.max} s ` +
        `(partitions ${partitionLag.p50}/${partitionLag.p99}/${partitionLag.max} s), RSS ${Object.entries(
          rssMb,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} MB, live heap ${Object.entries(liveHeapMb)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} MB, ` +
        `rejects ${stats.rejectedMessages}, alerts ${JSON.stringify(stats.alertsByState)}, mails ${smtp.mails.length}, ` +
        `open rides ${stats.openRides}, ` +
        (dashboard
          ? `tiles ${await tileCount(dashboard.page)}, page heap ${heap.at(-1)} MB, `
          : '') +
        `load ${loadavg()[0]?.toFixed(1)}`,
    );
    last = { atS, messages, n: samples.length };
  }

  const cpuUse = cpu.read();
  const browserPercentOfCore = round(((chromiumCpuS() - browserCpu0) / SECONDS) * 100);
  log('stopping the producer; waiting for ingest and mail to drain');
  await stopCli(producer);
  const produced = logNumber(producer, 'simulate finished', 'messages');
  const offsets = await admin.fetchTopicOffsets(topic);
  const high = offsets.reduce((n, o) => n + Number(o.high), 0);
  const dropped = offsets.filter((o) => o.low !== '0').length;
  const storedPositions = (): Promise<number> => storedPositionSum(db, `kafka:${topic}`);
  const drained = await until(async () => (await storedPositions()) >= high, DRAIN_TIMEOUT_MS);
  const mailed = await until(async () => {
    const s = await readPlatformStats(db);
    return !s.alertsByState.queued && smtp.mails.length >= (s.alertsByState.sent ?? 0);
  }, DRAIN_TIMEOUT_MS);
  const final = await readPlatformStats(db);
  const positions = await storedPositions();
  const counts = await readingCounts(db);
  for (const p of ingesters) await stopCli(p);
  await stopCli(alerts);
  const ingestedTotal = ingested('ingest finished');

  const lag = lagSpread(samples, WARM_UP_S);
  const partitionLag = lagSpread(samples, WARM_UP_S, (x) => x.partitionLagS);
  const rss = thirds(samples, (s) => s.rssMb, FLAT_RSS_GROWTH);
  const liveHeap = thirds(samples, (s) => s.liveHeapMb, FLAT_RSS_GROWTH);
  const alertCount = Object.values(final.alertsByState).reduce((a, b) => a + b, 0);
  const pass = {
    lag: [lag, partitionLag].every(
      (l) => l.n > 0 && l.p99 < TARGETS.soak.lagS && l.max < TARGETS.soak.lagS,
    ),
    // A leak keeps objects alive: the live heap's peaks rise. RSS also holds memory the collector
    // and the C allocator freed and keep for reuse: serve's swings 135-220 MB within minutes while
    // its live heap stays flat (docs/benchmarks.md), so RSS peaks say when a swing fell, and its
    // median per third says whether it grew.
    liveHeapFlat:
      Object.keys(liveHeap).length === metricsUrls.size &&
      Object.values(liveHeap).every((r) => r.peakFlat && r.maxMb > 0),
    rssFlat: Object.values(rss).every((r) => r.medianFlat),
    noValidRejects: final.rejectedMessages === 0,
    everyAlertMailed:
      drained &&
      mailed &&
      alertCount > 0 &&
      final.alertsByState.sent === alertCount &&
      smtp.mails.length >= alertCount,
    // A rebalance may hand a partition over mid-batch, so a message can be read twice: hence ≥.
    everyMessageStored:
      drained &&
      produced === high &&
      positions === high &&
      ingestedTotal >= produced &&
      counts.gaps === 0,
  };
  return {
    bikes: BIKES,
    minutes: MINUTES,
    ingesters: INGESTERS,
    produced,
    producedPerSec: round(produced / SECONDS),
    topicMessages: high,
    // The mock keeps ~5 MiB a partition: at these rates it drops what was read long ago.
    partitionsTruncatedByMock: dropped,
    storedPositions: positions,
    ingested: ingestedTotal,
    ingestedByProcess: ingesters.map((p) => logNumber(p, 'ingest finished', 'messages')),
    readingGaps: counts.gaps,
    readings: counts.readings,
    rides: counts.rides,
    rejects: final.rejectedMessages,
    alerts: final.alertsByState,
    mails: smtp.mails.length,
    lagS: { ...lag, warmUpS: WARM_UP_S },
    partitionLagS: partitionLag,
    // The producer started at this time; lagSpikes' seconds count from it.
    startedAt: new Date(t0).toISOString(),
    lagSpikes: lagSpikes(samples, WARM_UP_S, TARGETS.soak.lagS),
    rssMb: thirdsJson(rss),
    liveHeapMb: thirdsJson(liveHeap),
    pageHeapMb: { first: heap[0] ?? null, last: heap.at(-1) ?? null, max: Math.max(0, ...heap) },
    loadAverage1m: { ...load, after: round(loadavg()[0] ?? 0) },
    page: PAGE,
    cpuPercentOfCore: {
      ...cpuUse.processPercentOfCore,
      ...(dashboard ? { chromium: browserPercentOfCore } : {}),
    },
    machineBusyPercent: cpuUse.machineBusyPercent,
    pageErrors: dashboard?.errors.length ?? null,
    problems: procs.flatMap((p) => p.problems.slice(0, 10).map((m) => `${p.name}: ${m}`)),
    targets: { lagS: TARGETS.soak.lagS, rssGrowth: FLAT_RSS_GROWTH },
    pass,
    ok: Object.values(pass).every(Boolean),
  };
});
