// A large CSV export (issue 11) streams page by page in bounded memory, over real HTTP, and stops
// reading when the client hangs up; on PGlite and PostgreSQL.
import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse as csvParser } from 'csv-parse';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from './support/api.js';
import { describeEachDb } from './support/databases.js';
import { waitUntil } from './support/wait.js';

// A full collection before each sample, so that what is measured is what is kept, not garbage
// V8 has not yet collected (without it the heap grew by ~170 MB for a 40 MB body).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** JavaScript heap and buffers (PGlite's memory too) in use once garbage is collected. */
function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** liveBytes once it has settled: buffers and wasm memory are freed in the turns after a gc. */
async function settledLiveBytes(): Promise<number> {
  let last = liveBytes();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
    const now = liveBytes();
    if (Math.abs(now - last) < 1e6) return now;
    last = now;
  }
  return last;
}

describeEachDb('CSV export streaming', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());

  it('streams a large export page by page in bounded memory, and stops reading when the client goes', async () => {
    const { db } = get();
    const RIDES = 200_000;
    await db.exec(`INSERT INTO riders (rider_id, first_name, last_name, gender, email, city)
      SELECT g, 'First' || g, 'Last, "' || g || '"', 'female', 'rider' || g || '@example.com', 'Leeds'
      FROM generate_series(1, 1000) g`);
    // Three rides start at each instant, so pages end among rides that tie on their start.
    await db.exec(`INSERT INTO rides (rider_id, bike_serial, bike_key, started_at, ended_at,
        duration_s, reading_count, avg_heart_rate, min_heart_rate, max_heart_rate, avg_rpm,
        avg_resistance, avg_power_w, max_power_w, energy_kj, rider_age, personal_max_bpm)
      SELECT 1 + g % 1000, 'SN' || g % 500, 'SN' || g % 500,
        timestamptz '2022-01-01Z' + (g / 3) * interval '1 minute',
        timestamptz '2022-01-01Z' + (g / 3) * interval '1 minute' + interval '30 minutes',
        1800, 1800, 120.25 + g % 7, 80, 170, 75.5, 40.5, 150.125, 300.5, 270.123, 40, 180
      FROM generate_series(1, ${RIDES}) g`);
    const logs: { msg: string; rows?: number; complete?: boolean }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line) logs.push(JSON.parse(line) as (typeof logs)[number]);
        done();
      },
    });
    api = await apiHarness(db, { logger: pino({ level: 'info' }, sink) });
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = api.app.server.address() as AddressInfo;
    const at = (to: string) => ({
      port,
      path: `/api/export/rides.csv?from=2022-01-01&to=${to}`,
      key: api!.admin,
    });

    // A quarter of the rides, then all: memory held while streaming must not grow with the body.
    const quarter = await download(at('2022-01-12'));
    const all = await download(at('2023-01-01'));
    const mb = (n: number) => Math.round(n / 1e5) / 10;
    console.log(
      JSON.stringify({
        export_memory: {
          adapter: get().kind,
          rows: [quarter.rows, all.rows],
          body_mb: [mb(quarter.bytes), mb(all.bytes)],
          live_growth_mb: [mb(quarter.liveGrowth), mb(all.liveGrowth)],
          rss_growth_mb: [mb(quarter.rssGrowth), mb(all.rssGrowth)],
        },
      }),
    );
    expect(all.rows).toBe(RIDES);
    expect(quarter.rows).toBeGreaterThan(RIDES / 5);
    expect([quarter.ordered, all.ordered]).toEqual([true, true]);
    expect(logs.filter((l) => l.msg === 'export sent').map((l) => l.rows)).toEqual([
      quarter.rows,
      RIDES,
    ]);
    // Coarse bounds (client and server share this process): holding the body or its rows would
    // keep more than the body's size alive, and grow with it.
    expect(all.liveGrowth).toBeLessThan(all.bytes);
    expect(all.liveGrowth - quarter.liveGrowth).toBeLessThan((all.bytes - quarter.bytes) / 3);

    // A client that goes away after the first bytes: the reading stops, far short of the end.
    await abandon(at('2023-01-01'));
    await waitUntil(
      () => logs.some((l) => l.msg.startsWith('export stopped')),
      'the export to stop',
    );
    const stopped = logs.find((l) => l.msg.startsWith('export stopped'))!;
    expect(stopped.complete).toBe(false);
    expect(stopped.rows).toBeLessThan(RIDES / 2);
  }, 120_000);
});

interface Download {
  readonly port: number;
  readonly path: string;
  readonly key: string;
}

const getting = (d: Download, onResponse: (res: IncomingMessage) => void) =>
  request(
    {
      port: d.port,
      host: '127.0.0.1',
      path: d.path,
      headers: { authorization: `Bearer ${d.key}` },
    },
    onResponse,
  );

/**
 * Downloads a rides export over HTTP, parsing it as it arrives, and samples the live memory every
 * 1 MB of body: what it grew by at most, and whether the rides came in start order.
 */
async function download(d: Download) {
  const SAMPLE_EVERY = 1e6;
  const before = { live: await settledLiveBytes(), rss: process.memoryUsage().rss };
  const out = { rows: 0, bytes: 0, liveGrowth: 0, rssGrowth: 0, ordered: true };
  let sampledAt = 0;
  await new Promise<void>((resolve, reject) => {
    const req = getting(d, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      const parser = csvParser({ record_delimiter: '\r\n', from_line: 2 });
      let last: [string, number] = ['', 0];
      res.on('data', (chunk: Buffer) => {
        out.bytes += chunk.length;
        if (out.bytes - sampledAt < SAMPLE_EVERY) return;
        sampledAt = out.bytes;
        out.liveGrowth = Math.max(out.liveGrowth, liveBytes() - before.live);
        out.rssGrowth = Math.max(out.rssGrowth, process.memoryUsage().rss - before.rss);
      });
      res.pipe(parser);
      parser.on('data', (r: string[]) => {
        out.rows++;
        const key: [string, number] = [r[3]!, Number(r[0])];
        if (key[0] < last[0] || (key[0] === last[0] && key[1] <= last[1])) out.ordered = false;
        last = key;
      });
      parser.on('end', resolve);
      parser.on('error', reject);
    });
    req.on('error', reject).end();
  });
  return out;
}

/** Starts a download and hangs up once its first bytes arrive. */
async function abandon(d: Download): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = getting(d, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e))).end();
  });
}
