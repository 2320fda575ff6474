// GET /api/reports and /api/reports/{date}.pdf: the stored days by role, a stored PDF served byte
// for byte to admins, a PDF built on request (a viewer's naming no rider), dates, refusals and
// headers, at most two builds at once; on PGlite and PostgreSQL.
import { afterEach, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { ReportAudience, ReportPdfs } from '../src/api/api-deps.js';
import { ReportList } from '../src/api/report-schemas.js';
import { ErrorResponse } from '../src/api/schemas.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { describeEachDb } from './support/databases.js';
import { pdfText, storeReport, testReportPdfs, textPdf } from './support/report-pdfs.js';
import { waitUntil } from './support/wait.js';

// Today in London is 8 July 2022; the seed's rides are on the 6th and 7th.
const NOW = Date.UTC(2022, 6, 8, 12, 0);

describeEachDb('API reports', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  const harness = async (reports: ReportPdfs | null) => {
    api = await apiHarness(get().db, { now: () => NOW, ...(reports ? { reports } : {}) });
    return api;
  };

  /** Names of the riders who rode on a day in London (the seed's rides all have riders). */
  const namesOf = async (date: string) =>
    (
      await get().db.query<{ first_name: string; last_name: string }>(
        `SELECT DISTINCT p.first_name, p.last_name FROM rides r JOIN riders p USING (rider_id)
         WHERE (r.started_at AT TIME ZONE 'Europe/London')::date = $1`,
        [date],
      )
    ).flatMap((r) => [r.first_name, r.last_name]);

  const expectPdf = (res: LightMyRequestResponse, date: string) => {
    expect({ status: res.statusCode, body: res.statusCode === 200 ? '' : res.body }).toEqual({
      status: 200,
      body: '',
    });
    expect(res.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="deloton-report-${date}.pdf"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    });
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    return res.rawPayload;
  };

  it('lists the stored days newest first; recipients and errors for admins only', async () => {
    const db = get().db;
    const sent = await textPdf('stored 7 July', ['sent copy']);
    await storeReport(db, {
      day: '2022-07-07',
      state: 'sent',
      pdf: sent,
      recipients: ['ceo@deloton.example', 'cfo@deloton.example'],
      generatedAt: new Date(Date.UTC(2022, 6, 8, 6, 0, 2)),
      sentAt: new Date(Date.UTC(2022, 6, 8, 6, 0, 3)),
    });
    await storeReport(db, {
      day: '2022-07-05',
      state: 'failed',
      pdf: await textPdf('stored 5 July', []),
      recipients: ['ceo@deloton.example'],
      lastError: '550 mailbox ceo@deloton.example unavailable',
      attempts: 8,
    });
    await storeReport(db, { day: '2022-07-06', state: 'pending', pdf: null });
    const h = await harness(testReportPdfs(db, 'Europe/London'));

    const asAdmin = expectBody(await h.call('GET', '/api/reports', h.admin), 200, ReportList);
    expect(asAdmin).toMatchObject({
      time_zone: 'Europe/London',
      today: '2022-07-08',
      latest_complete_day: '2022-07-07',
      builds_on_demand: true,
    });
    expect(asAdmin.data).toEqual([
      {
        date: '2022-07-07',
        time_zone: 'Europe/London',
        state: 'sent',
        generated_at: '2022-07-08T06:00:02.000Z',
        sent_at: '2022-07-08T06:00:03.000Z',
        attempts: 1,
        pdf_bytes: sent.length,
        pdf_url: '/api/reports/2022-07-07.pdf',
        recipients: ['ceo@deloton.example', 'cfo@deloton.example'],
        last_error: null,
      },
      expect.objectContaining({ date: '2022-07-06', state: 'pending', pdf_bytes: null }),
      expect.objectContaining({
        date: '2022-07-05',
        state: 'failed',
        attempts: 8,
        last_error: '550 mailbox ceo@deloton.example unavailable',
      }),
    ]);
    expect(asAdmin.data[1]!.generated_at).toBeNull();

    const viewerRes = await h.call('GET', '/api/reports', h.viewer);
    const asViewer = expectBody(viewerRes, 200, ReportList);
    expect(asViewer.data.map((r) => r.date)).toEqual(['2022-07-07', '2022-07-06', '2022-07-05']);
    for (const r of asViewer.data) {
      expect(Object.keys(r)).not.toContain('recipients');
      expect(Object.keys(r)).not.toContain('last_error');
    }
    expect(viewerRes.body).not.toContain('deloton.example');
  });

  it('lists nothing on a new installation, and still names the day to offer', async () => {
    const h = await harness(null);
    expect(expectBody(await h.call('GET', '/api/reports', h.viewer), 200, ReportList)).toEqual({
      time_zone: 'Europe/London',
      today: '2022-07-08',
      latest_complete_day: '2022-07-07',
      builds_on_demand: false,
      data: [],
    });
  });

  it('serves an admin the stored PDF byte for byte, and builds one for a day without', async () => {
    const db = get().db;
    await seed(db);
    const stored = await textPdf('stored 6 July', ['the copy that was mailed']);
    await storeReport(db, { day: '2022-07-06', state: 'sent', pdf: stored, recipients: ['a@b.c'] });
    const reports = testReportPdfs(db, 'Europe/London');
    const h = await harness(reports);

    const body = expectPdf(
      await h.call('GET', '/api/reports/2022-07-06.pdf', h.admin),
      '2022-07-06',
    );
    expect(Buffer.compare(body, stored)).toBe(0);
    expect(reports.builds).toEqual([]);

    // No PDF stored for the 7th: one is built, for an admin, naming the day's riders.
    const built = expectPdf(
      await h.call('GET', '/api/reports/2022-07-07.pdf', h.admin),
      '2022-07-07',
    );
    expect(reports.builds).toEqual([{ date: '2022-07-07', audience: 'admin' }]);
    const text = pdfText(built);
    expect(text).toContain('Thursday 7 July 2022');
    const names = await namesOf('2022-07-07');
    expect(names.length).toBeGreaterThan(2);
    // The most active riders and the alerts' riders are named: some of the day's riders.
    expect(names.filter((name) => text.includes(name)).length).toBeGreaterThan(0);
  });

  it('gives a viewer a PDF built for viewers, naming no rider, even when one is stored', async () => {
    const db = get().db;
    await seed(db);
    const stored = await textPdf('stored 6 July', ['names riders']);
    await storeReport(db, { day: '2022-07-06', state: 'stored', pdf: stored });
    const reports = testReportPdfs(db, 'Europe/London');
    const h = await harness(reports);

    const body = expectPdf(
      await h.call('GET', '/api/reports/2022-07-06.pdf', h.viewer),
      '2022-07-06',
    );
    expect(Buffer.compare(body, stored)).not.toBe(0);
    expect(reports.builds).toEqual([{ date: '2022-07-06', audience: 'viewer' }]);
    const text = pdfText(body);
    expect(text).toContain('Wednesday 6 July 2022');
    expect(text).toMatch(/Rider \d+/);
    const names = await namesOf('2022-07-06');
    expect(names.length).toBeGreaterThan(2);
    for (const name of names) expect(text).not.toContain(name);
  });

  it('takes the day as YYYY-MM-DD or DD-MM-YYYY, today included, and refuses others', async () => {
    const reports = testReportPdfs(get().db, 'Europe/London');
    const h = await harness(reports);
    expectPdf(await h.call('GET', '/api/reports/07-07-2022.pdf', h.viewer), '2022-07-07');
    // Today: the day so far.
    expectPdf(await h.call('GET', '/api/reports/2022-07-08.pdf', h.viewer), '2022-07-08');
    expect(reports.builds.map((b) => b.date)).toEqual(['2022-07-07', '2022-07-08']);

    const future = await h.call('GET', '/api/reports/2022-07-09.pdf', h.admin);
    expect(expectBody(future, 400, ErrorResponse).error).toEqual({
      code: 'invalid_input',
      message:
        'date: 2022-07-09 has not begun in Europe/London (today is 2022-07-08); a report covers today at the latest',
    });
    for (const [path, message] of [
      ['2022-02-30.pdf', 'date: 2022-02-30 is not a calendar date'],
      ['31-06-2022.pdf', 'date: 31-06-2022 is not a calendar date'],
      ['yesterday.pdf', 'date: must be a date as YYYY-MM-DD or DD-MM-YYYY'],
      ['.pdf', 'date: must be a date as YYYY-MM-DD or DD-MM-YYYY'],
      ['2022-07-07.pdf?audience=admin', 'unknown parameter "audience"'],
    ] as const) {
      const res = await h.call('GET', `/api/reports/${path}`, h.viewer);
      expect({ path, error: expectBody(res, 400, ErrorResponse).error }).toEqual({
        path,
        error: { code: 'invalid_input', message },
      });
    }
    // Without the suffix there is no such route.
    const bare = await h.call('GET', '/api/reports/2022-07-07', h.viewer);
    expect(expectBody(bare, 404, ErrorResponse).error.code).toBe('not_found');
    expect(reports.builds).toHaveLength(2);
  });

  it('answers 401 without a key, and 503 when a PDF would have to be built by a server without a builder', async () => {
    const db = get().db;
    const stored = await textPdf('stored', []);
    await storeReport(db, { day: '2022-07-06', state: 'sent', pdf: stored });
    const h = await harness(null);
    for (const url of ['/api/reports', '/api/reports/2022-07-06.pdf']) {
      const res = await h.call('GET', url, null);
      expect(expectBody(res, 401, ErrorResponse).error.code).toBe('unauthorized');
    }
    // What is stored is still served to admins.
    const body = expectPdf(
      await h.call('GET', '/api/reports/2022-07-06.pdf', h.admin),
      '2022-07-06',
    );
    expect(Buffer.compare(body, stored)).toBe(0);
    const missing = await h.call('GET', '/api/reports/2022-07-07.pdf', h.admin);
    expect(expectBody(missing, 503, ErrorResponse).error).toEqual({
      code: 'reports_unavailable',
      message:
        'no report of 2022-07-07 is stored, and this server does not build reports on request',
    });
    const viewer = await h.call('GET', '/api/reports/2022-07-06.pdf', h.viewer);
    expect(expectBody(viewer, 503, ErrorResponse).error.code).toBe('reports_unavailable');
  });

  it('documents the PDF as /api/reports/{date}.pdf, application/pdf, for viewers', async () => {
    const h = await harness(null);
    const doc = (await h.call('GET', '/api/openapi.json', null)).json<{
      paths: Record<
        string,
        {
          get?: {
            tags: string[];
            parameters: { name: string; in: string }[];
            responses: Record<string, { content?: object }>;
          };
        }
      >;
    }>();
    const op = doc.paths['/api/reports/{date}.pdf']?.get;
    expect(op?.tags).toEqual(['reports']);
    expect(op?.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(['date']);
    expect(Object.keys(op?.responses['200']?.content ?? {})).toEqual(['application/pdf']);
    expect(Object.keys(op?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '404',
      '429',
      '503',
    ]);
    expect(doc.paths['/api/reports']?.get?.tags).toEqual(['reports']);
  });

  it('builds at most two PDFs at once and queues the rest', async () => {
    const inner = testReportPdfs(get().db, 'Europe/London');
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const reports: ReportPdfs = {
      build: async (date: string, audience: ReportAudience) => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return inner.build(date, audience);
      },
    };
    const h = await harness(reports);
    const days = ['2022-07-01', '2022-07-02', '2022-07-03', '2022-07-04', '2022-07-05'];
    const answers = days.map((d) => h.call('GET', `/api/reports/${d}.pdf`, h.viewer));
    await waitUntil(() => gates.length === 2, 'two builds to start');
    // Every request has reached its route by the time a later one has been answered.
    expectBody(await h.call('GET', '/api/reports', h.viewer), 200, ReportList);
    expect(gates.length).toBe(2);
    let released = 0;
    while (released < days.length) {
      await waitUntil(() => gates.length > released, 'the next build to start');
      gates[released++]!();
    }
    const done = await Promise.all(answers);
    done.forEach((res, i) => expectPdf(res, days[i]!));
    expect(most).toBe(2);
    expect(inner.builds.map((b) => b.date).sort()).toEqual(days);
  });
});
