// The live dashboard in real Chromium against the real server and database: sign-in, tiles that
// appear and change as readings are committed, a ride, recent rides equal to the API's figures,
// alerts, roles, sign-out and revocation, accessibility, and screenshots as artifacts.
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../src/app/http-server.js';
import { revokeApiKey } from '../src/store/api-keys.repository.js';
import type { FastifyInstance } from 'fastify';
import { launchChromium, openPage } from './support/browser.js';
import { openTestDb, type TestDb } from './support/databases.js';
import { silent } from './support/ingest.js';
import { liveFleet, newKey } from './support/live-feed.js';
import { waitUntil } from './support/wait.js';

const BIKES = 3;

async function signIn(page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.waitForURL(/\/sign-in$/);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Fleet now' }).waitFor();
}

const tileCount = (page: Page) => page.locator('a.tile').count();
// Tiles skip rendering until the browser has laid them out (content-visibility: auto), and
// innerText leaves skipped content out: a tile counts as shown once its text is there.
const shownTiles = async (page: Page) =>
  (await page.locator('a.tile').allInnerTexts()).filter((x) => x.trim() !== '').length;

describe('live dashboard in Chromium', () => {
  let t: TestDb & { close(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let fleet: ReturnType<typeof liveFleet>;
  let admin: { key: string; name: string };

  beforeAll(async () => {
    t = await openTestDb('postgres');
    app = await buildHttpServer({
      db: t.db,
      logger: silent,
      displayTimeZone: 'Europe/London',
      rateLimitPerMinute: null,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    admin = await newKey(t.db, 'admin');
    // Rides of about 3.5 minutes, abnormal heart rates, the first ride of each bike over by now.
    fleet = liveFleet(t.db, {
      bikes: BIKES,
      agoS: 330,
      rideSeconds: [200, 215],
      ridesPerBike: 2,
      abnormalShare: 1,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('signs in, shows bikes as their readings are committed, and updates their tiles', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, base, admin.key);
    await page.getByText('No bikes are being ridden right now.').first().waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);

    await fleet.until(Date.now() - 60_000);
    await waitUntil(async () => (await shownTiles(page)) === BIKES, 'a tile per bike');
    const tile = page.locator('a.tile').first();
    const before = await tile.innerText();
    const rideId = Number((await tile.getAttribute('href'))!.split('/').pop());
    const stored = await t.db.query<{ heart_rate: number; power_w: number }>(
      `SELECT heart_rate, power_w FROM readings WHERE ride_id = $1 AND heart_rate IS NOT NULL ORDER BY elapsed_s DESC LIMIT 1`,
      [rideId],
    );
    expect(before).toContain(`${stored[0]!.heart_rate}`);
    expect(before).toMatch(/bpm/);

    await fleet.until(Date.now());
    const tileText = () => page.locator(`a.tile[href="/rides/${rideId}"]`).innerText();
    await waitUntil(async () => (await tileText()) !== before, 'the tile to change');
    const latest = await t.db.query<{ heart_rate: number }>(
      `SELECT heart_rate FROM readings WHERE ride_id = $1 AND heart_rate IS NOT NULL ORDER BY elapsed_s DESC LIMIT 1`,
      [rideId],
    );
    const hrText = () => page.locator(`a.tile[href="/rides/${rideId}"] .tile-hr-value`).innerText();
    await waitUntil(
      async () => (await hrText()) === String(latest[0]!.heart_rate),
      'the latest heart rate',
    );
    expect(await tileCount(page)).toBe(BIKES);
    // Sorted by power, highest first; the order lives in the URL.
    await page.getByLabel('Sort by').selectOption('power');
    await page.waitForURL(/\/\?sort=power$/);
    await waitUntil(async () => (await shownTiles(page)) === BIKES, 'the tiles after sorting');
    const powers = (await page.locator('a.tile dl > div:nth-child(3) strong').allInnerTexts()).map(
      (x) => Number(x.replace(/,/g, '')),
    );
    expect(powers).toHaveLength(BIKES);
    expect([...powers].sort((a, b) => b - a)).toEqual(powers);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows an alert on its tile and in Alerts, with the mail readable when no SMTP is set', async () => {
    const alerts = await t.db.query<{ ride_id: number; alert_id: number; open: boolean }>(
      `SELECT a.ride_id, a.alert_id, r.ended_at IS NULL AS open FROM alerts a JOIN rides r USING (ride_id) ORDER BY alert_id`,
    );
    expect(alerts.length).toBeGreaterThan(0);
    const { page, errors } = await openPage(browser);
    await signIn(page, base, admin.key);
    const onOpenRide = alerts.find((a) => a.open);
    if (onOpenRide)
      await page
        .locator(`a.tile[href="/rides/${onOpenRide.ride_id}"] .badge-alert`)
        .getByText(/heart rate/)
        .waitFor();
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.waitForURL(/\/alerts$/);
    await page.getByRole('heading', { name: 'Heart-rate alerts' }).waitFor();
    await page.locator(`a[href="/rides/${alerts[0]!.ride_id}"]`).first().waitFor();
    expect(await page.locator('tbody tr').count()).toBe(Math.min(alerts.length, 50));
    await page.getByText('Read the mail').first().click();
    await page.getByText('Subject:').first().waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists a finished ride in Recent rides with the figures the API gives', async () => {
    const [ride] = await t.db.query<{ ride_id: number }>(
      'SELECT ride_id FROM rides WHERE ended_at IS NOT NULL ORDER BY ride_id LIMIT 1',
    );
    const res = await fetch(`${base}/api/rides/${ride!.ride_id}`, {
      headers: { authorization: `Bearer ${admin.key}` },
    });
    const api = (await res.json()) as {
      duration_s: number;
      summary: { avg_heart_rate: number; avg_power_w: number; energy_kj: number };
    };
    const { page, errors } = await openPage(browser);
    await signIn(page, base, admin.key);
    await page.getByRole('link', { name: 'Recent rides' }).click();
    const row = page.locator(`tr[data-ride="${ride!.ride_id}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    const n0 = (v: number) =>
      new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }).format(v);
    expect(cells[3]).toBe(`${Math.floor(api.duration_s / 60)} min`);
    expect(cells[4]).toBe(`${n0(api.summary.avg_heart_rate)} bpm`);
    expect(cells[5]).toBe(`${n0(api.summary.avg_power_w)} W`);
    expect(cells[6]).toBe(`${n0(api.summary.energy_kj)} kJ`);
    // The download link gives every ride of the range as CSV, through the browser's session.
    const csvLink = page.getByRole('link', { name: /^Download all [\d,]+ as CSV$/ });
    const href = (await csvLink.getAttribute('href'))!;
    const csv = await page.request.get(`${base}${href}`);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const lines = (await csv.text()).split('\r\n').filter((l) => l !== '');
    const shown = Number((await csvLink.innerText()).replace(/\D/g, ''));
    expect(lines.length - 1).toBe(shown);
    expect(lines.some((l) => l.startsWith(`${ride!.ride_id},`))).toBe(true);
    // The range lives in the URL.
    await page.getByRole('link', { name: '6h' }).click();
    await page.waitForURL(/\/recent\?range=6h$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a viewer riders by number, gender and age, never by name', async () => {
    const viewer = await newKey(t.db, 'viewer');
    const { page, errors } = await openPage(browser);
    await signIn(page, base, viewer.key);
    await waitUntil(async () => (await shownTiles(page)) === BIKES, 'a tile per bike');
    const names = await t.db.query<{ first_name: string; last_name: string }>(
      'SELECT first_name, last_name FROM riders',
    );
    const text = await page.locator('main').innerText();
    for (const n of names) {
      expect(text).not.toContain(n.last_name);
    }
    expect(text).toMatch(/Rider \d+/);
    const first = page.locator('a.tile').first();
    await first.click();
    await page.waitForURL(/\/rides\/\d+$/);
    await page.getByText('Gender').waitFor();
    expect(await page.locator('main').innerText()).not.toContain(names[0]!.last_name);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('signs out, and a revoked key ends its session at once', async () => {
    const { page, context } = await openPage(browser);
    await signIn(page, base, admin.key);
    const token = (await context.cookies()).find((c) => c.name === 'deloton_session')!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Deloton' }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'deloton_session');
    expect(cookie).toBeUndefined();
    expect(await (await context.request.get(`${base}/api/session`)).json()).toEqual({
      signed_in: false,
    });
    // The old token is dead on the server too, not only forgotten by the browser.
    const replay = await fetch(`${base}/api/rides?limit=1`, {
      headers: { cookie: `deloton_session=${token}` },
    });
    expect(replay.status).toBe(401);
    await page.close();

    const doomed = await newKey(t.db, 'viewer');
    const second = await openPage(browser);
    await signIn(second.page, base, doomed.key);
    expect((await second.context.request.get(`${base}/api/rides?limit=1`)).status()).toBe(200);
    await revokeApiKey(t.db, doomed.name);
    // At once: as soon as the revocation's NOTIFY arrives, not after a cache's lifetime.
    await waitUntil(
      async () => (await second.context.request.get(`${base}/api/rides?limit=1`)).status() === 401,
      'the revoked session to be refused',
      { timeoutMs: 2000 },
    );
    // The open page notices: its stream is closed and it asks to sign in again.
    await second.page
      .getByRole('heading', { name: 'Sign in to Deloton' })
      .waitFor({ timeout: 15_000 });
    await second.page.close();
  });
});
