// Screenshots of the dashboard's pages at phone and desktop width, light and dark, for people to
// look at (docs/dashboard.md). Usage: npx tsx scripts/screenshots.ts BASE_URL KEY OUT_DIR [RIDE_ID]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, key, out = 'test-artifacts/screenshots', rideArg] = process.argv.slice(2);
if (!base || !key) {
  console.error('usage: npx tsx scripts/screenshots.ts BASE_URL KEY [OUT_DIR] [RIDE_ID]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  for (const [label, width, height] of [
    ['phone', 390, 844],
    ['desktop', 1440, 900],
  ] as const)
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({
        viewport: { width, height },
        colorScheme: scheme,
        deviceScaleFactor: 1,
        locale: 'en-GB',
      });
      const res = await context.request.post(`${base}/api/session`, { data: { key } });
      if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
      const page = await context.newPage();
      page.on(
        'console',
        (m) => m.type() === 'error' && console.error(`[${label} ${scheme}] ${m.text()}`),
      );
      const rideId =
        rideArg ??
        String(
          (
            (await (await context.request.get(`${base}/api/rides?limit=1`)).json()) as {
              data: { ride_id: number }[];
            }
          ).data[0]?.ride_id ?? 1,
        );
      for (const [name, path] of [
        ['fleet', '/'],
        ['ride', `/rides/${rideId}`],
        ['recent', '/recent'],
        ['alerts', '/alerts'],
        ['reports', '/reports'],
        ['kiosk', '/?kiosk=1'],
      ] as const) {
        await page.goto(`${base}${path}`);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await page.waitForTimeout(1500);
        const file = join(out, `${name}-${label}-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: label === 'phone' ? false : true });
        console.log(file);
      }
      await context.close();
    }
} finally {
  await browser.close();
}
