// How the dashboard looks and who can use it: every page at phone and desktop width, light and
// dark, kept as screenshots; axe-core finds no serious or critical violation; nothing scrolls
// sideways on a phone; the sign-in link and the kiosk mode work.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../src/app/http-server.js';
import { dateIn } from '../src/domain/calendar-day.js';
import { launchChromium, openPage, screenshot, seriousAxeViolations } from './support/browser.js';
import { openTestDb, type TestDb } from './support/databases.js';
import { silent } from './support/ingest.js';
import { liveFleet, newKey } from './support/live-feed.js';
import { storeReport, testReportPdfs, textPdf } from './support/report-pdfs.js';
import { waitUntil } from './support/wait.js';

const PAGES = [
  ['fleet', '/', 'Fleet now'],
  ['ride', '/rides/RIDE', 'Ride'],
  ['recent', '/recent', 'Recent rides'],
  ['alerts', '/alerts', 'Heart-rate alerts'],
  ['reports', '/reports', 'Daily reports'],
] as const;

describe('dashboard: looks, accessibility, sign-in link, kiosk', () => {
  let t: TestDb & { close(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let key: string;
  let rideId: number;

  beforeAll(async () => {
    t = await openTestDb('postgres');
    app = await buildHttpServer({
      db: t.db,
      logger: silent,
      displayTimeZone: 'Europe/London',
      rateLimitPerMinute: null,
      reports: testReportPdfs(t.db, 'Europe/London'),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    key = (await newKey(t.db, 'admin')).key;
    const fleet = liveFleet(t.db, {
      bikes: 6,
      agoS: 420,
      rideSeconds: [240, 260],
      ridesPerBike: 2,
      abnormalShare: 0.5,
      seed: 11,
    });
    await fleet.until(Date.now());
    const [open] = await t.db.query<{ ride_id: number }>(
      'SELECT ride_id FROM rides WHERE ended_at IS NULL ORDER BY ride_id LIMIT 1',
    );
    rideId = open!.ride_id;
    // A report in each delivery state, as the schedule leaves them.
    const dayAgo = (n: number) => dateIn('Europe/London', Date.now() - n * 86_400_000);
    const pdf = await textPdf('report', ['figures']);
    const made = (n: number) => new Date(Date.now() - n * 86_400_000 + 3_600_000);
    await storeReport(t.db, { day: dayAgo(1), state: 'pending', pdf: null });
    await storeReport(t.db, {
      day: dayAgo(2),
      state: 'sent',
      pdf,
      generatedAt: made(1),
      sentAt: made(1),
      recipients: ['ceo@deloton.example', 'operations.director@deloton.example'],
    });
    await storeReport(t.db, {
      day: dayAgo(3),
      state: 'failed',
      pdf,
      generatedAt: made(2),
      attempts: 8,
      recipients: ['ceo@deloton.example'],
      lastError: '550 5.1.1 <ceo@deloton.example>: mailbox unavailable',
    });
    await storeReport(t.db, {
      day: dayAgo(4),
      state: 'stored',
      pdf,
      generatedAt: made(3),
      lastError: 'no REPORT_RECIPIENTS: kept, not mailed',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  for (const [label, width] of [
    ['phone', 390],
    ['desktop', 1440],
  ] as const)
    for (const dark of [false, true])
      it(`every page at ${label} width, ${dark ? 'dark' : 'light'}: no console error, no sideways scroll, no serious axe violation`, async () => {
        const { page, context, errors } = await openPage(browser, { width, height: 900, dark });
        expect(
          (await context.request.post(`${base}/api/session`, { data: { key } })).status(),
        ).toBe(201);
        for (const [name, path, heading] of PAGES) {
          await page.goto(`${base}${path.replace('RIDE', String(rideId))}`);
          await page.getByRole('heading', { name: heading }).first().waitFor();
          // Charts and lists load after the frame.
          if (name === 'fleet') await page.locator('a.tile').first().waitFor();
          if (name === 'recent') await page.locator('tbody tr').first().waitFor();
          if (name === 'alerts') await page.locator('tbody tr').first().waitFor();
          if (name === 'reports') await page.locator('.report-item').first().waitFor();
          if (name === 'ride') await page.locator('.card').first().waitFor();
          await page.waitForTimeout(300);
          const scroll = await page.evaluate<{ sw: number; cw: number }>(
            '({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth })',
          );
          expect({ name, sideways: scroll.sw > scroll.cw }).toEqual({ name, sideways: false });
          expect({ name, violations: await seriousAxeViolations(page) }).toEqual({
            name,
            violations: [],
          });
          await screenshot(page, `${name}-${label}-${dark ? 'dark' : 'light'}`);
        }
        expect(errors).toEqual([]);
        await context.close();
      });

  it('signs in from a link that carries the key in its fragment, and forgets the key', async () => {
    const { page, context, errors } = await openPage(browser);
    await page.goto(`${base}/sign-in#key=${key}`);
    await page.getByRole('heading', { name: 'Fleet now' }).waitFor();
    expect(page.url()).toBe(`${base}/`);
    // about:blank, then the dashboard: the link's address was replaced, never kept in history.
    expect(await page.evaluate<number>('history.length')).toBe(2);
    await page.goBack();
    expect(page.url()).toBe('about:blank');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps an idle tile as readable as a live one: it says so, it does not fade', async () => {
    const { page, context, errors } = await openPage(browser, { dark: true });
    expect((await context.request.post(`${base}/api/session`, { data: { key } })).status()).toBe(
      201,
    );
    await page.goto(`${base}/`);
    // Nothing was ingested since the start: after 30 s every bike is idle.
    await page.locator('a.tile[data-idle]').first().waitFor({ timeout: 45_000 });
    // Off-screen tiles render a frame late (content-visibility), so their text can lag the count.
    const badge = page.locator('a.tile[data-idle] .badge-state').first();
    await waitUntil(
      async () => /^Idle \d+ (s|min)$/.test(await badge.innerText()),
      'an idle badge',
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fills a wall screen in kiosk mode, with no controls', async () => {
    const { page, context, errors } = await openPage(browser, {
      width: 1920,
      height: 1080,
      dark: true,
    });
    expect((await context.request.post(`${base}/api/session`, { data: { key } })).status()).toBe(
      201,
    );
    await page.goto(`${base}/?kiosk=1`);
    await page.locator('a.tile').first().waitFor();
    expect(await page.getByRole('navigation', { name: 'Pages' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await page.locator('select').count()).toBe(0);
    await screenshot(page, 'kiosk-wall-dark');
    expect(errors).toEqual([]);
    await context.close();
  });
});
