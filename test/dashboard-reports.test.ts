// The dashboard's Reports page in Chromium against the real server and PostgreSQL: the empty
// state, a stored day listed in words with its delivery, its link giving the stored PDF (fetched
// in the page, with the session cookie), "Any day" building one (a viewer's naming no rider), the
// chosen day kept in the URL.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../src/app/http-server.js';
import { dateIn } from '../src/domain/calendar-day.js';
import { launchChromium, openPage, screenshot, seriousAxeViolations } from './support/browser.js';
import { openTestDb, type TestDb } from './support/databases.js';
import { silent } from './support/ingest.js';
import { liveFleet, newKey } from './support/live-feed.js';
import { pdfText, storeReport, testReportPdfs, textPdf } from './support/report-pdfs.js';

const TZ = 'Europe/London';

/** A PDF fetched in the page, as the link would get it: status, type and bytes. */
async function fetchInPage(page: Page, href: string) {
  const r = await page.evaluate<{ status: number; type: string | null; bytes: number[] }>(
    `fetch(${JSON.stringify(href)}, { credentials: 'same-origin' }).then(async (r) => ({
      status: r.status,
      type: r.headers.get('content-type'),
      bytes: Array.from(new Uint8Array(await r.arrayBuffer())),
    }))`,
  );
  return { ...r, body: Buffer.from(r.bytes) };
}

async function signIn(page: Page, base: string, key: string): Promise<void> {
  expect(
    (await page.context().request.post(`${base}/api/session`, { data: { key } })).status(),
  ).toBe(201);
}

describe('dashboard: Reports', () => {
  let t: TestDb & { close(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let admin: string;
  let viewer: string;
  let rideDay: string;
  let names: string[];
  const reports = { current: null as ReturnType<typeof testReportPdfs> | null };

  beforeAll(async () => {
    t = await openTestDb('postgres');
    reports.current = testReportPdfs(t.db, TZ);
    app = await buildHttpServer({
      db: t.db,
      logger: silent,
      displayTimeZone: TZ,
      rateLimitPerMinute: null,
      reports: reports.current,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    admin = (await newKey(t.db, 'admin')).key;
    viewer = (await newKey(t.db, 'viewer')).key;
    await liveFleet(t.db, { bikes: 3, agoS: 400, rideSeconds: [120, 150], ridesPerBike: 1 }).until(
      Date.now(),
    );
    const [day] = await t.db.query<{ day: string }>(
      `SELECT (min(started_at) AT TIME ZONE '${TZ}')::date::text AS day FROM rides`,
    );
    rideDay = day!.day;
    names = (
      await t.db.query<{ first_name: string; last_name: string }>(
        'SELECT first_name, last_name FROM riders',
      )
    ).flatMap((r) => [r.first_name, r.last_name]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('says that no report is stored yet, and still offers any day', async () => {
    const { page, context, errors } = await openPage(browser, { width: 390, height: 844 });
    await signIn(page, base, viewer);
    await page.goto(`${base}/reports`);
    await page.getByRole('heading', { name: 'Daily reports' }).waitFor();
    await page.getByText('No reports stored yet').waitFor();
    expect(await page.locator('.report-item').count()).toBe(0);
    // The day offered is yesterday, where the server counts days.
    const yesterday = dateIn(TZ, Date.now() - 86_400_000);
    await page.waitForFunction(`document.getElementById('report-day').value !== ''`);
    expect(await page.getByLabel('Day', { exact: true }).inputValue()).toBe(yesterday);
    expect(await page.getByRole('link', { name: /Open PDF/ }).getAttribute('href')).toBe(
      `/api/reports/${yesterday}.pdf`,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'reports-empty-phone-light');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lists a stored day in words with its delivery; its link gives the stored PDF', async () => {
    const day = dateIn(TZ, Date.now() - 2 * 86_400_000);
    const stored = await textPdf('stored report', ['as mailed']);
    await storeReport(t.db, {
      day,
      state: 'sent',
      pdf: stored,
      recipients: ['ceo@deloton.example'],
    });
    const { page, context, errors } = await openPage(browser);
    await signIn(page, base, admin);
    await page.goto(`${base}/`);
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Reports' })
      .click();
    await page.waitForURL(`${base}/reports`);
    const item = page.locator('.report-item').first();
    await item.waitFor();
    const words = new Intl.DateTimeFormat('en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    })
      .format(Date.parse(`${day}T12:00:00Z`))
      .replace(',', '');
    const link = item.getByRole('link', { name: new RegExp(words) });
    expect(await link.getAttribute('href')).toBe(`/api/reports/${day}.pdf`);
    expect(await link.getAttribute('target')).toBe('_blank');
    const text = await item.innerText();
    expect(text).toContain('✓ Mailed at');
    expect(text).toContain('ceo@deloton.example');
    expect(text).toMatch(/\d+ bytes|\d+ KB/);

    const pdf = await fetchInPage(page, `/api/reports/${day}.pdf`);
    expect({ status: pdf.status, type: pdf.type }).toEqual({
      status: 200,
      type: 'application/pdf',
    });
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(Buffer.compare(pdf.body, stored)).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens any day up to today, keeps it in the URL, and gives a viewer no names', async () => {
    const { page, context, errors } = await openPage(browser);
    await signIn(page, base, viewer);
    await page.goto(`${base}/reports`);
    await page.locator('.report-item').first().waitFor();
    // A viewer is not shown who reports were mailed to.
    expect(await page.locator('.report-item').first().innerText()).not.toContain('deloton.example');
    const input = page.getByLabel('Day', { exact: true });
    const open = page.getByRole('link', { name: /Open PDF/ });
    await input.fill(rideDay);
    await page.waitForURL(`${base}/reports?day=${rideDay}`);
    const href = await open.getAttribute('href');
    expect(href).toBe(`/api/reports/${rideDay}.pdf`);
    const pdf = await fetchInPage(page, href!);
    expect({ status: pdf.status, type: pdf.type }).toEqual({
      status: 200,
      type: 'application/pdf',
    });
    const text = pdfText(pdf.body);
    expect(text).toMatch(/Rider \d+/);
    expect(names.length).toBeGreaterThan(2);
    for (const name of names) expect(text).not.toContain(name);
    expect(reports.current!.builds).toContainEqual({ date: rideDay, audience: 'viewer' });

    // A day that has not begun cannot be opened.
    const tomorrow = dateIn(TZ, Date.now() + 36 * 3_600_000);
    await input.fill(tomorrow);
    await page.getByText('has not begun').waitFor();
    expect(await open.getAttribute('href')).toBeNull();
    expect(await open.getAttribute('aria-disabled')).toBe('true');

    // The chosen day comes back with the URL.
    await page.goto(`${base}/reports?day=${rideDay}`);
    await page.waitForFunction(`document.getElementById('report-day').value !== ''`);
    expect(await input.inputValue()).toBe(rideDay);
    expect(errors).toEqual([]);
    await context.close();
  });
});
