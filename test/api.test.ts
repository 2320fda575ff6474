// The staff API's read endpoints and their brief aliases, in process, on PGlite and PostgreSQL.
import { afterEach, expect, it } from 'vitest';
import {
  AlertPage,
  Alert,
  Daily,
  ErrorResponse,
  RideDetail,
  RidePage,
  RiderDetail,
} from '../src/api/schemas.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { seed, SEED } from './support/api-seed.js';
import { describeEachDb } from './support/databases.js';

const JULY_7 = Date.UTC(2022, 6, 7, 12);

describeEachDb('staff API reads', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());
  const setup = async () => {
    await seed(get().db);
    api = await apiHarness(get().db, { now: () => JULY_7 });
    return api;
  };
  const ids = async (sql: string, params: (string | number)[] = []) =>
    (await get().db.query<{ id: number }>(sql, params)).map((r) => r.id);

  it('pages through every ride newest first by following the next links', async () => {
    const { call, viewer } = await setup();
    const want = await ids(
      'SELECT ride_id AS id FROM rides ORDER BY started_at DESC, ride_id DESC',
    );
    expect(want.length).toBe(SEED.truths.length);
    const seen: number[] = [];
    let url: string | null = '/api/rides?limit=4';
    while (url) {
      const page: { data: { ride_id: number }[]; next: string | null } = expectBody(
        await call('GET', url, viewer),
        200,
        RidePage,
      );
      expect(page.data.length).toBeLessThanOrEqual(4);
      seen.push(...page.data.map((r) => r.ride_id));
      url = page.next;
    }
    expect(seen).toEqual(want);
  });

  it('pages rides whose starts differ by microseconds or not at all, each exactly once', async () => {
    const { db } = get();
    await db.exec(`INSERT INTO rides (rider_id, bike_serial, bike_key, started_at)
      SELECT 1, 'B' || g, 'B' || g, timestamptz '2022-07-06 10:00:00.123Z' + (g / 2) * interval '1 microsecond'
      FROM generate_series(1, 9) g`);
    api = await apiHarness(db);
    const seen: number[] = [];
    let url: string | null = '/api/rides?limit=1';
    while (url) {
      const page: { data: { ride_id: number }[]; next: string | null } = expectBody(
        await api.call('GET', url, api.viewer),
        200,
        RidePage,
      );
      seen.push(...page.data.map((r) => r.ride_id));
      url = page.next;
    }
    expect(seen).toEqual(
      await ids('SELECT ride_id AS id FROM rides ORDER BY started_at DESC, ride_id DESC'),
    );
    expect(new Set(seen).size).toBe(9);
  });

  it('filters rides by rider, bike and time, with each filter checked against the database', async () => {
    const { call, viewer } = await setup();
    const t = SEED.truths[4]!;
    const byRider = expectBody(
      await call('GET', `/api/rides?rider_id=${t.userId}`, viewer),
      200,
      RidePage,
    );
    expect(byRider.data.map((r) => r.ride_id)).toEqual(
      await ids('SELECT ride_id AS id FROM rides WHERE rider_id = $1 ORDER BY started_at DESC', [
        t.userId,
      ]),
    );
    const byBike = expectBody(
      await call('GET', `/api/rides?bike_serial=${t.bikeSerial}`, viewer),
      200,
      RidePage,
    );
    expect(byBike.data).toHaveLength(
      SEED.truths.filter((x) => x.bikeSerial === t.bikeSerial).length,
    );
    expect(new Set(byBike.data.map((r) => r.bike_serial))).toEqual(new Set([t.bikeSerial]));
    const since = '2022-07-06T23:00:00Z';
    const late = expectBody(
      await call('GET', `/api/rides?since=${since}&limit=1000`, viewer),
      200,
      RidePage,
    );
    expect(late.data.length).toBe(
      SEED.truths.filter((x) => x.startedAtMs >= Date.parse(since)).length,
    );
    expect(late.data.length).toBeGreaterThan(0);
    const early = expectBody(
      await call('GET', `/api/rides?until=${since}&limit=1000`, viewer),
      200,
      RidePage,
    );
    expect(early.data.length + late.data.length).toBe(SEED.truths.length);
  });

  it('gives one ride with its rider and summary, its readings on request, and the same at /ride/{id}', async () => {
    const { call, admin } = await setup();
    const [id] = await ids('SELECT ride_id AS id FROM rides ORDER BY ride_id LIMIT 1');
    const ride = expectBody(await call('GET', `/api/rides/${id}`, admin), 200, RideDetail);
    const [row] = await get().db.query<{ reading_count: number; rider_id: number; email: string }>(
      'SELECT r.reading_count, r.rider_id, p.email FROM rides r JOIN riders p USING (rider_id) WHERE ride_id = $1',
      [id!],
    );
    expect(ride).toMatchObject({
      ride_id: id,
      rider_id: row!.rider_id,
      rider: { email: row!.email },
    });
    expect(ride.summary.reading_count).toBe(row!.reading_count);
    expect(ride.readings).toBeUndefined();
    const full = expectBody(
      await call('GET', `/api/rides/${id}?include=readings`, admin),
      200,
      RideDetail,
    );
    expect(full.readings).toHaveLength(row!.reading_count);
    expect(full.readings!.map((r) => r.elapsed_s)).toEqual(
      [...full.readings!.map((r) => r.elapsed_s)].sort((a, b) => a - b),
    );
    const alias = await call('GET', `/ride/${id}?include=readings`, admin);
    expect(alias.json()).toEqual(full);
    expect(expectBody(await call('GET', '/api/rides/999999', admin), 404, ErrorResponse)).toEqual({
      error: { code: 'not_found', message: 'no ride 999999' },
    });
  });

  it("gives a rider's age and totals, their rides, and the brief's /rider aliases", async () => {
    const { call, admin } = await setup();
    const t = SEED.truths[0]!;
    const rider = expectBody(await call('GET', `/api/riders/${t.userId}`, admin), 200, RiderDetail);
    const [want] = await get().db.query<{
      n: number;
      dur: number;
      birth: string;
      first_name: string;
    }>(
      `SELECT count(*)::int AS n, sum(duration_s)::int AS dur, min(p.birth_date) AS birth, min(p.first_name) AS first_name
       FROM rides r JOIN riders p USING (rider_id) WHERE rider_id = $1`,
      [t.userId],
    );
    expect(rider.stats.ride_count).toBe(want!.n);
    expect(rider.stats.total_duration_s).toBe(want!.dur);
    expect(rider.first_name).toBe(want!.first_name);
    const birth = new Date(`${want!.birth}T00:00:00Z`);
    const age =
      2022 -
      birth.getUTCFullYear() -
      (Date.UTC(2022, birth.getUTCMonth(), birth.getUTCDate()) > JULY_7 ? 1 : 0);
    expect(rider.age).toBe(age);
    expect((await call('GET', `/rider/${t.userId}`, admin)).json()).toEqual(rider);
    const rides = expectBody(
      await call('GET', `/api/riders/${t.userId}/rides`, admin),
      200,
      RidePage,
    );
    expect(rides.data).toHaveLength(want!.n);
    expect(rides.data.every((r) => r.rider_id === t.userId)).toBe(true);
    expect((await call('GET', `/rider/${t.userId}/rides`, admin)).json()).toEqual(rides);
    expect((await call('GET', '/api/riders/424242/rides', admin)).statusCode).toBe(404);
    expect((await call('GET', '/rider/424242', admin)).statusCode).toBe(404);
  });

  it('gives the rides of a London calendar day, in either date form, today by default', async () => {
    const { call, viewer } = await setup();
    const inDay = (from: number, until: number) =>
      SEED.truths.filter((t) => t.startedAtMs >= from && t.startedAtMs < until).length;
    // London is at UTC+1 in July: 6 July runs from 23:00 UTC on the 5th to 23:00 UTC on the 6th.
    const sixth = expectBody(await call('GET', '/api/daily?date=2022-07-06', viewer), 200, Daily);
    expect(sixth.from).toBe('2022-07-05T23:00:00.000Z');
    expect(sixth.rides).toHaveLength(inDay(Date.UTC(2022, 6, 5, 23), Date.UTC(2022, 6, 6, 23)));
    const seventh = expectBody(await call('GET', '/api/daily?date=07-07-2022', viewer), 200, Daily);
    expect(seventh.date).toBe('2022-07-07');
    expect(seventh.rides).toHaveLength(inDay(Date.UTC(2022, 6, 6, 23), Date.UTC(2022, 6, 7, 23)));
    expect(sixth.rides.length).toBeGreaterThan(0);
    expect(seventh.rides.length).toBeGreaterThan(0);
    expect(sixth.totals.ride_count + seventh.totals.ride_count).toBe(SEED.truths.length);
    expect(seventh.totals.total_duration_s).toBe(
      seventh.rides.reduce((s, r) => s + r.duration_s, 0),
    );
    // The other totals, computed here from the day's rides as listed.
    const weighted = (pick: (r: (typeof seventh.rides)[number]) => number | null) => {
      const rows = seventh.rides.filter((r) => pick(r) !== null);
      const n = rows.reduce((s, r) => s + r.summary.reading_count, 0);
      return (
        Math.round((rows.reduce((s, r) => s + pick(r)! * r.summary.reading_count, 0) / n) * 10) / 10
      );
    };
    const [raw] = await get().db.query<{ hr: number; pw: number; alerts: number; above: number }>(
      `SELECT sum(avg_heart_rate * reading_count) / sum(reading_count) FILTER (WHERE avg_heart_rate IS NOT NULL) AS hr,
              sum(avg_power_w * reading_count) / sum(reading_count) FILTER (WHERE avg_power_w IS NOT NULL) AS pw,
              (SELECT count(*)::int FROM alerts WHERE ride_id = ANY($1::bigint[])) AS alerts,
              sum(seconds_above_max)::int AS above
       FROM rides WHERE ride_id = ANY($1::bigint[])`,
      [seventh.rides.map((r) => r.ride_id)],
    );
    expect(seventh.totals).toMatchObject({
      avg_heart_rate: Math.round(raw!.hr * 10) / 10,
      avg_power_w: Math.round(raw!.pw * 10) / 10,
      alerts: raw!.alerts,
      seconds_above_max: raw!.above,
    });
    expect(seventh.totals.avg_power_w).toBeCloseTo(
      weighted((r) => r.summary.avg_power_w),
      0,
    );
    expect(seventh.totals.alerts).toBeGreaterThan(0);
    // The clock of this harness says 7 July.
    expect((await call('GET', '/daily', viewer)).json()).toEqual(seventh);
    expect((await call('GET', '/daily?date=07-07-2022', viewer)).json()).toEqual(seventh);
    expect((await call('GET', '/api/daily?date=2022-07-08', viewer)).json()).toMatchObject({
      rides: [],
    });
  });

  it('lists alerts with their delivery state, filters them, and gives one', async () => {
    const { call, viewer, admin } = await setup();
    const all = await ids('SELECT alert_id AS id FROM alerts ORDER BY alert_id DESC');
    expect(all.length).toBeGreaterThan(1);
    const page = expectBody(await call('GET', '/api/alerts?limit=1000', viewer), 200, AlertPage);
    expect(page.data.map((a) => a.alert_id)).toEqual(all);
    expect(page.data.every((a) => a.delivery.state === 'queued')).toBe(true);
    const high = expectBody(await call('GET', '/api/alerts?kind=high', viewer), 200, AlertPage);
    expect(high.data.length).toBe(
      (await ids("SELECT alert_id AS id FROM alerts WHERE kind = 'high'")).length,
    );
    const first = expectBody(await call('GET', '/api/alerts?limit=1', viewer), 200, AlertPage);
    const second = expectBody(await call('GET', first.next!, viewer), 200, AlertPage);
    expect([first.data[0]!.alert_id, second.data[0]!.alert_id]).toEqual(all.slice(0, 2));
    const smtpError = '550 5.1.1 <"jane doe"@example.com> Jane Doe: no such user';
    await get().db.query(
      "UPDATE alerts SET state = 'failed', last_error = $2 WHERE alert_id = $1",
      [all[0]!, smtpError],
    );
    const failed = expectBody(await call('GET', `/api/alerts/${all[0]}`, viewer), 200, Alert);
    expect(failed.delivery).toMatchObject({
      state: 'failed',
      last_error: '550 5.1.1 (details for admin keys only)',
    });
    expect((await call('GET', '/api/alerts?state=failed', viewer)).json()).toMatchObject({
      data: [{ alert_id: all[0] }],
    });
    const asAdmin = expectBody(await call('GET', `/api/alerts/${all[0]}`, admin), 200, Alert);
    expect(asAdmin.delivery.last_error).toBe(smtpError);
    expect((await call('GET', '/api/alerts/999999', viewer)).statusCode).toBe(404);
  });
});
