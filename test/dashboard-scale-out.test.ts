// Two `deloton serve` processes on one database, each with its own browsers: both push the same
// changes. A browser whose stream is cut says so, and catches up when the stream is back.
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/browser.js';
import { spawnCli } from './support/cli.js';
import { openTestDb, type TestDb } from './support/databases.js';
import { liveFleet, newKey } from './support/live-feed.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { waitUntil } from './support/wait.js';

/** `deloton serve` on the database; resolves with its base URL once it listens. */
async function serve(url: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawnCli(['serve'], { DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'info' });
  let seen = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      seen += d.toString();
      const m = /"address":"(http:\/\/[^"]+)"/.exec(seen);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (c) => reject(new Error(`serve exited ${c}: ${seen}`)));
  });
  return { child, base };
}

/** What the page shows: each tile's ride and heart rate. */
const tiles = async (page: Page): Promise<string> => {
  const all = page.locator('a.tile');
  const out: string[] = [];
  for (let i = 0; i < (await all.count()); i++) {
    const t = all.nth(i);
    out.push(`${await t.getAttribute('href')}=${await t.locator('.tile-hr-value').innerText()}`);
  }
  return out.sort().join(' ');
};

/** What the database says the tiles should show. */
async function expected(t: TestDb): Promise<string> {
  const rows = await t.db.query<{ ride_id: number; heart_rate: number }>(
    `SELECT DISTINCT ON (r.ride_id) r.ride_id, x.heart_rate FROM rides r
     JOIN readings x USING (ride_id)
     WHERE r.ended_at IS NULL AND x.heart_rate IS NOT NULL
     ORDER BY r.ride_id, x.elapsed_s DESC`,
  );
  return rows
    .map((r) => `/rides/${r.ride_id}=${r.heart_rate > 0 ? r.heart_rate : '–'}`)
    .sort()
    .join(' ');
}

describe('dashboard across serving processes', () => {
  let t: TestDb & { close(): Promise<void> };
  let browser: Browser;
  let servers: { child: ChildProcess; base: string }[] = [];
  let proxy: TcpProxy;
  let key: string;

  beforeAll(async () => {
    t = await openTestDb('postgres');
    servers = await Promise.all([serve(t.url!), serve(t.url!)]);
    proxy = await startTcpProxy({
      host: '127.0.0.1',
      port: Number(new URL(servers[0]!.base).port),
    });
    browser = await launchChromium();
    key = (await newKey(t.db, 'viewer')).key;
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(
      servers.map(
        (s) => new Promise((r) => (s.child.exitCode === null ? s.child.once('exit', r) : r(null))),
      ),
    );
    await t?.close();
  });

  it('pushes the same changes from both processes, and catches a cut browser up', async () => {
    const bases = [servers[0]!.base, servers[1]!.base, `http://127.0.0.1:${proxy.port}`];
    const pages: Page[] = [];
    for (const base of bases) {
      const { page, context } = await openPage(browser);
      expect((await context.request.post(`${base}/api/session`, { data: { key } })).status()).toBe(
        201,
      );
      await page.goto(`${base}/`);
      await page.getByText('Live').first().waitFor();
      pages.push(page);
    }
    const fleet = liveFleet(t.db, {
      bikes: 4,
      agoS: 120,
      rideSeconds: [400, 420],
      ridesPerBike: 1,
    });
    await fleet.until(Date.now() - 60_000);
    let want = await expected(t);
    expect(want.split(' ')).toHaveLength(4);
    for (const page of pages)
      await waitUntil(async () => (await tiles(page)) === want, 'every page to show the rides');

    // The third page's stream is cut: it says so, misses what happens, and catches up after.
    const cut = pages[2]!;
    await proxy.down();
    await cut.locator('.status[data-state="reconnecting"]').waitFor();
    expect(await cut.locator('.status').innerText()).toMatch(
      /Reconnecting… last updated \d\d:\d\d:\d\d/,
    );
    await fleet.until(Date.now());
    want = await expected(t);
    for (const page of pages.slice(0, 2))
      await waitUntil(async () => (await tiles(page)) === want, 'the connected pages to update');
    await sleep(500);
    expect(await tiles(cut)).not.toBe(want);
    await proxy.up();
    await waitUntil(async () => (await tiles(cut)) === want, 'the cut page to catch up', {
      timeoutMs: 15_000,
    });
    await cut.locator('.status[data-state="live"]').waitFor();
  });
});
