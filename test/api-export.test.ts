// The CSV exports (issue 11): read back with a real CSV parser, they equal the JSON API's figures
// and riders as each role sees them; bad input is refused.
import { parse } from 'csv-parse/sync';
import { afterEach, expect, it } from 'vitest';
import { zoneOf } from '../src/domain/heart-rate-zones.js';
import { ErrorResponse } from '../src/api/schemas.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { describeEachDb } from './support/databases.js';

const JULY_7 = Date.UTC(2022, 6, 7, 12);
const SPAN = 'from=2022-07-06&to=2022-07-08';

/** Records of an RFC 4180 body: CRLF between records, quotes and column counts checked strictly. */
const records = (body: string): string[][] =>
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- parse's overloads type a record as unknown
  parse(body, { record_delimiter: '\r\n' }) as string[][];

type Json = Record<string, unknown>;

/** A JSON scalar as the CSV writes it: null empty, the rest as JSON would. */
function text(v: unknown): string {
  if (v === null) return '';
  if (typeof v === 'object') throw new Error(`not a scalar: ${JSON.stringify(v)}`);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A JSON ride as the CSV writes it: summary and rider fields flattened, nulls empty. */
function flatRide(ride: Json): Map<string, string> {
  const out = new Map<string, string>();
  const put = (name: string, v: unknown) => out.set(name, text(v));
  for (const [k, v] of Object.entries(ride)) {
    if (k === 'summary') for (const [sk, sv] of Object.entries(v as Json)) put(sk, sv);
    else if (k === 'rider' || k === 'readings') continue;
    else put(k, v);
  }
  for (const [k, v] of Object.entries((ride.rider as Json | null) ?? {})) {
    if (k === 'rider_id') continue;
    if (k === 'address') for (const [ak, av] of Object.entries(v as Json)) put(`address_${ak}`, av);
    else put(k, v);
  }
  return out;
}

describeEachDb('CSV exports', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());
  const setup = async (opts: Parameters<typeof apiHarness>[1] = {}) => {
    await seed(get().db);
    api = await apiHarness(get().db, { now: () => JULY_7, ...opts });
    return api;
  };
  const rideIds = async (where = 'TRUE') =>
    (
      await get().db.query<{ id: number }>(
        `SELECT ride_id AS id FROM rides WHERE ${where} ORDER BY started_at, ride_id`,
      )
    ).map((r) => r.id);

  it("gives every ride of the span with the JSON API's figures and the rider as each role sees it", async () => {
    const { call, admin, viewer } = await setup();
    for (const key of [admin, viewer]) {
      const res = await call('GET', `/api/export/rides.csv?${SPAN}`, key);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="deloton-rides-2022-07-06-2022-07-08.csv"',
      );
      expect(res.body.endsWith('\r\n')).toBe(true);
      const [header, ...rows] = records(res.body);
      expect(rows.map((r) => Number(r[0]))).toEqual(await rideIds());
      for (const row of rows) {
        const json = (await call('GET', `/api/rides/${row[0]}`, key)).json<Json>();
        const want = flatRide(json);
        // Every field of the JSON ride is a column, and no column is anything else.
        expect([...header!].sort()).toEqual([...want.keys()].sort());
        expect(row).toEqual(header!.map((c) => want.get(c)));
      }
    }
  });

  it('names riders only for admin keys, as the JSON API does', async () => {
    const { call, admin, viewer } = await setup();
    const [asAdmin] = records((await call('GET', `/api/export/rides.csv?${SPAN}`, admin)).body);
    const [asViewer] = records((await call('GET', `/api/export/rides.csv?${SPAN}`, viewer)).body);
    const identifying = [
      'title',
      'first_name',
      'last_name',
      'email',
      'birth_date',
      'address_line_1',
      'address_line_2',
      'address_city',
      'address_postcode',
    ];
    expect(asAdmin).toEqual(expect.arrayContaining(identifying));
    expect(asViewer!.filter((c) => identifying.includes(c))).toEqual([]);
    expect(asViewer).toEqual(asAdmin!.filter((c) => !identifying.includes(c)));
  });

  it('reads days in the display time zone as /api/daily does, and takes instants too', async () => {
    const { call, viewer } = await setup();
    const daily = (await call('GET', '/api/daily?date=2022-07-07', viewer)).json<{
      rides: { ride_id: number }[];
    }>();
    const want = daily.rides.map((r) => r.ride_id);
    // The seed straddles midnight in London: the day holds some rides, not all.
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan((await rideIds()).length);
    const byDay = await call('GET', '/api/export/rides.csv?from=2022-07-07&to=2022-07-08', viewer);
    expect(
      records(byDay.body)
        .slice(1)
        .map((r) => Number(r[0])),
    ).toEqual(want);
    const url = '/api/export/rides.csv?from=2022-07-06T23:00:00Z&to=2022-07-08T00:00:00%2B01:00';
    const byInstant = await call('GET', url, viewer);
    expect(
      records(byInstant.body)
        .slice(1)
        .map((r) => Number(r[0])),
    ).toEqual(want);
    expect(byInstant.headers['content-disposition']).toBe(
      'attachment; filename="deloton-rides-2022-07-06T230000Z-2022-07-07T230000Z.csv"',
    );
    // A span without rides still has its header row.
    const none = await call('GET', '/api/export/rides.csv?from=2030-01-01&to=2030-01-02', viewer);
    expect(records(none.body)).toHaveLength(1);
  });

  it('round-trips names and addresses holding commas, quotes and line breaks', async () => {
    const { call, admin, viewer } = await setup();
    const [rider] = await get().db.query<{ id: number }>('SELECT min(rider_id) AS id FROM riders');
    const odd = {
      first_name: 'Ann, "Nan"',
      last_name: "O'Brien\r\nSmith\nJr\r",
      address_line_1: '"Flat 2", The Mill,',
      city: '""',
    };
    await get().db.query(
      'UPDATE riders SET first_name = $2, last_name = $3, address_line_1 = $4, city = $5 WHERE rider_id = $1',
      [rider!.id, odd.first_name, odd.last_name, odd.address_line_1, odd.city],
    );
    const body = (await call('GET', `/api/export/rides.csv?${SPAN}`, admin)).body;
    const [header, ...rows] = records(body);
    const col = (name: string) => header!.indexOf(name);
    const theirs = rows.filter((r) => Number(r[col('rider_id')]) === rider!.id);
    expect(theirs.length).toBeGreaterThan(0);
    for (const r of theirs) {
      expect(r[col('first_name')]).toBe(odd.first_name);
      expect(r[col('last_name')]).toBe(odd.last_name);
      expect(r[col('address_line_1')]).toBe(odd.address_line_1);
      expect(r[col('address_city')]).toBe(odd.city);
      const json = (await call('GET', `/api/rides/${r[0]}`, admin)).json<Json>();
      expect(r).toEqual(header!.map((c) => flatRide(json).get(c)));
    }
    const asViewer = (await call('GET', `/api/export/rides.csv?${SPAN}`, viewer)).body;
    expect(asViewer).not.toContain('Nan');
    expect(asViewer).not.toContain('Brien');
  });

  it("gives a ride's readings with the JSON API's figures and the shared zone of each", async () => {
    const { call, viewer } = await setup();
    const [ride] = await get().db.query<{ id: number; max: number }>(
      'SELECT ride_id AS id, personal_max_bpm AS max FROM rides WHERE personal_max_bpm IS NOT NULL ORDER BY ride_id LIMIT 1',
    );
    const res = await call('GET', `/api/export/readings.csv?ride_id=${ride!.id}`, viewer);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="deloton-readings-ride-${ride!.id}.csv"`,
    );
    const [header, ...rows] = records(res.body);
    expect(header).toEqual([
      'elapsed_s',
      'recorded_at',
      'heart_rate',
      'rpm',
      'resistance',
      'power_w',
      'heart_rate_zone',
    ]);
    const json = (await call('GET', `/api/rides/${ride!.id}?include=readings`, viewer)).json<{
      readings: Json[];
    }>();
    expect(rows.length).toBe(json.readings.length);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows).toEqual(
      json.readings.map((r) => [
        ...['elapsed_s', 'recorded_at', 'heart_rate', 'rpm', 'resistance', 'power_w'].map((k) =>
          text(r[k]),
        ),
        zoneOf(r.heart_rate as number | null, ride!.max)?.id ?? '',
      ]),
    );
    expect(new Set(rows.map((r) => r[6])).size).toBeGreaterThan(1);
    // A ride without readings gives its header alone.
    await get().db.exec(
      `INSERT INTO rides (ride_id, rider_id, bike_serial, bike_key, started_at)
       VALUES (999999, 1, 'SNX', 'SNX', '2022-07-06T10:00:00Z')`,
    );
    const empty = await call('GET', '/api/export/readings.csv?ride_id=999999', viewer);
    expect(records(empty.body)).toEqual([header]);
  });

  it("pages through a long ride's readings in order, each second once", async () => {
    const { call, viewer } = await setup();
    await get().db
      .exec(`INSERT INTO rides (ride_id, rider_id, bike_serial, bike_key, started_at, personal_max_bpm)
      VALUES (777777, 1, 'SNL', 'SNL', '2022-07-06T10:00:00Z', 180)`);
    // 12,345 readings: pages end inside the ride, and a gap in the seconds is kept as it is.
    await get().db.exec(`SELECT readings_partition_ensure('2022-07-06')`);
    await get().db
      .exec(`INSERT INTO readings (ride_id, elapsed_s, ride_started_on, recorded_at, heart_rate, rpm, resistance, power_w)
      SELECT 777777, g + (g > 6000)::int * 50, date '2022-07-06', timestamptz '2022-07-06T10:00:00Z' + g * interval '1 second',
        60 + g % 150, 80, 40, 150.25
      FROM generate_series(0, 12344) g`);
    const res = await call('GET', '/api/export/readings.csv?ride_id=777777', viewer);
    const rows = records(res.body).slice(1);
    const json = (await call('GET', '/api/rides/777777?include=readings', viewer)).json<{
      readings: { elapsed_s: number; heart_rate: number }[];
    }>();
    expect(rows.length).toBe(12_345);
    expect(rows.map((r) => Number(r[0]))).toEqual(json.readings.map((r) => r.elapsed_s));
    expect(rows.map((r) => r[6])).toEqual(
      json.readings.map((r) => zoneOf(r.heart_rate, 180)?.id ?? ''),
    );
  });

  it('refuses bad parameters (400), an unknown ride (404) and a missing key (401)', async () => {
    const { call, viewer } = await setup();
    const bad: [string, RegExp][] = [
      ['/api/export/rides.csv?to=2022-07-08', /^from: is required/],
      ['/api/export/rides.csv?from=2022-07-06', /^to: is required/],
      [
        '/api/export/rides.csv?from=2022-02-30&to=2022-07-08',
        /^from: 2022-02-30 is not a calendar date/,
      ],
      [
        '/api/export/rides.csv?from=yesterday&to=2022-07-08',
        /^from: must be an ISO 8601 date-time/,
      ],
      [
        '/api/export/rides.csv?from=2022-07-06T10:00:00&to=2022-07-08',
        /^from: must be an ISO 8601/,
      ],
      ['/api/export/rides.csv?from=2022-07-08&to=2022-07-08', /^to: must be later than from/],
      ['/api/export/rides.csv?from=2022-07-08&to=2022-07-06', /^to: must be later than from/],
      [
        '/api/export/rides.csv?from=2022-07-06&from=2022-07-07&to=2022-07-08',
        /^from: must be given once/,
      ],
      [`/api/export/rides.csv?${SPAN}&rider_id=1`, /unknown parameter "rider_id"/],
      ['/api/export/readings.csv', /^ride_id: is required$/],
      ['/api/export/readings.csv?ride_id=abc', /^ride_id: must be a positive whole number/],
      ['/api/export/readings.csv?ride_id=0', /^ride_id: must be a positive whole number/],
    ];
    for (const [url, message] of bad) {
      const res = await call('GET', url, viewer);
      const body = expectBody(res, 400, ErrorResponse);
      expect({ url, code: body.error.code }).toEqual({ url, code: 'invalid_input' });
      expect(body.error.message, url).toMatch(message);
    }
    const missing = await call('GET', '/api/export/readings.csv?ride_id=424242', viewer);
    expect(expectBody(missing, 404, ErrorResponse).error.message).toBe('no ride 424242');
    for (const url of [`/api/export/rides.csv?${SPAN}`, '/api/export/readings.csv?ride_id=1'])
      expect(expectBody(await call('GET', url, null), 401, ErrorResponse).error.code).toBe(
        'unauthorized',
      );
  });

  it('takes a session cookie and counts against the key like any request', async () => {
    const { app, viewer } = await setup({ rateLimitPerMinute: 3 });
    const session = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { key: viewer },
    });
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    const byCookie = await app.inject({
      method: 'GET',
      url: `/api/export/rides.csv?${SPAN}`,
      headers: { cookie },
    });
    expect(byCookie.statusCode).toBe(200);
    expect(records(byCookie.body).length).toBeGreaterThan(1);
    // The cookie's requests and the key's draw on one budget.
    const left = Number(byCookie.headers['ratelimit-remaining']);
    expect(left).toBeLessThan(3);
    const url = '/api/export/readings.csv?ride_id=1';
    for (let i = 0; i < left; i++)
      expect((await api!.call('GET', url, viewer)).statusCode).toBe(200);
    const limited = await api!.call('GET', url, viewer);
    expect(expectBody(limited, 429, ErrorResponse).error.code).toBe('rate_limited');
  });
});
