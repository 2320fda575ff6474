// The docs page at /api/docs, rendered by real Chromium: every documented route shows, so its
// scripts load under the page's content security policy and it reads the OpenAPI document.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from './support/api.js';
import { openTestDb, type TestDb } from './support/databases.js';

const run = promisify(execFile);

describe('API docs page in Chromium', () => {
  let t: (TestDb & { close(): Promise<void> }) | undefined;
  let api: ApiHarness;
  let base: string;
  beforeAll(async () => {
    t = await openTestDb('pglite');
    api = await apiHarness(t.db);
    base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await api.close();
    await t?.close();
  });

  it('lists every route of the OpenAPI document', async () => {
    const doc = (await api.call('GET', '/api/openapi.json', null)).json<{ paths: object }>();
    const { stdout } = await run(
      'chromium',
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--virtual-time-budget=10000',
        '--dump-dom',
        `${base}/api/docs/`,
      ],
      { timeout: 60_000, maxBuffer: 32 * 2 ** 20 },
    );
    const shown = new Set([...stdout.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]));
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);
    for (const path of Object.keys(doc.paths)) expect(shown, path).toContain(path);
  }, 90_000);
});
