// Personal data and deletion against the feed: an erasure finds the rider's rejected lines in
// every stored form, reasons hold nothing personal, and a deleted ride stays deleted whatever
// source replays it.
import { copyFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { RiderErased } from '../src/api/schemas.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { describeEachDb, rowCounter } from './support/databases.js';
import { envelope, ingestFile, tempFile } from './support/ingest.js';
import { simFileFeed } from './support/sim-feed.js';
import { snapshot } from './support/snapshot.js';

const T = '2022-07-06 23:29:35.935822 mendoza v9:';
const person = {
  name: 'Dr Jane Quill-Secret',
  address: 'Flat 9,Hidden Lane,Nowhere',
  email_address: 'jane.quill@example.org',
};
const system = (fields: Record<string, unknown>): string =>
  envelope(
    `${T} [SYSTEM] data = ${JSON.stringify({ gender: 'female', date_of_birth: 273715200000, bike_serial: 'SN7', ...person, ...fields })}`,
  );
const reading = (s: number): string[] => [
  envelope(
    `${T.replace('35.935822', `${35 + s}.435822`)} [INFO]: Ride - duration = ${s}.0; resistance = 30`,
  ),
  envelope(
    `${T.replace('35.935822', `${35 + s}.935822`)} [INFO]: Telemetry - hrt = 99; rpm = 60; power = 80.0`,
  ),
];

describeEachDb('erasure and deletion against the feed', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());
  const count = rowCounter(get);

  it('finds every rejected line of a rider, whatever form names them, and no reason quotes them', async () => {
    const path = tempFile([
      // The account as a string: the record is refused, and so are the readings after it.
      system({ user_id: '777' }),
      ...reading(1),
      // An address of two parts: refused, its reason once quoted the address.
      system({ user_id: 778, address: 'Flat 9,Hidden Lane' }),
      ...reading(2),
      // Not even JSON: only the raw text names the account, escaped inside the envelope.
      envelope(`${T} [SYSTEM] data = {"user_id": "779", "name": "${person.name}"`),
      envelope(`${T} [SYSTEM] data = {"user_id":7790,"name":"${person.name}"`),
    ]);
    await ingestFile(get().db, path);
    const rows = await get().db.query<{ raw: string; reason: string; rider_id: number | null }>(
      'SELECT raw, reason, rider_id FROM rejected_messages ORDER BY partition, position',
    );
    expect(rows.map((r) => r.rider_id)).toEqual([777, 777, 777, 778, 778, 778, 779, 7790]);
    for (const r of rows)
      for (const secret of ['Quill', 'Secret', 'Hidden', 'Nowhere', 'example.org'])
        expect({ reason: r.reason, leaks: r.reason.includes(secret) }).toMatchObject({
          leaks: false,
        });
    api = await apiHarness(get().db);
    const erased = async (id: number): Promise<number> =>
      expectBody(await api!.call('DELETE', `/api/riders/${id}`, api!.admin), 200, RiderErased)
        .erasure.rejected_deleted;
    expect(await erased(777)).toBe(3);
    expect(await erased(778)).toBe(3);
    expect(await erased(779)).toBe(1);
    // 7790 is another account: its line stays.
    expect(
      (await get().db.query<{ raw: string }>('SELECT raw FROM rejected_messages')).map(
        (r) => r.raw,
      ),
    ).toEqual([rows[7]!.raw]);
    const [counted] = await get().db.query<{ n: number }>(
      'SELECT sum(stored)::int AS n FROM rejected_counts',
    );
    expect(counted!.n).toBe(1);
  });

  it("holds against a replay of the rider's set-aside lines, those of their accepted rides too", async () => {
    const lines = [
      // Rider 900's ride, with a line dated two days later (set aside, and theirs).
      system({ user_id: 900, address: '1 Road,Town,AB1 2CD' }),
      ...reading(1),
      envelope(`${T.replace('07-06', '07-08')} [INFO]: Ride - duration = 2.0; resistance = 30`),
      // Rider 778's record is refused, and its readings with it.
      envelope(
        `${T.replace('35.935822', '50.000000')} [SYSTEM] data = ${JSON.stringify({ user_id: 778, name: person.name, address: 'Flat 9,Hidden Lane' })}`,
      ),
      envelope(
        `${T.replace('35.935822', '50.500000')} [INFO]: Ride - duration = 1.0; resistance = 30`,
      ),
      // Not even JSON: only its raw text names the account.
      envelope(
        `${T.replace('35.935822', '51.000000')} [SYSTEM] data = {"user_id": 903, "name": "${person.name}"`,
      ),
    ];
    const path = tempFile(lines);
    await ingestFile(get().db, path);
    const naming = (id: number) => count('rejected_messages WHERE rider_id = $1', [id]);
    expect([await naming(900), await naming(778), await naming(903)]).toEqual([1, 2, 1]);
    api = await apiHarness(get().db);
    for (const id of [900, 778, 903])
      expect((await api.call('DELETE', `/api/riders/${id}`, api.admin)).statusCode).toBe(200);
    expect(await count('rejected_messages')).toBe(0);
    // The same feed from another file: nothing of theirs comes back, set aside or not.
    const copy = tempFile([]);
    copyFileSync(path, copy);
    await ingestFile(get().db, copy);
    expect([await naming(900), await naming(778), await naming(903), await count('rides')]).toEqual(
      [0, 0, 0, 0],
    );
    expect(await count('rejected_messages')).toBe(0);
    const [counted] = await get().db.query<{ n: number }>(
      'SELECT coalesce(sum(stored), 0)::int AS n FROM rejected_counts',
    );
    expect(counted!.n).toBe(0);
  });

  it('stores the later rides of a rider whose erased history held a ride dated 2999', async () => {
    const later = new Date(Date.now() + 2 * 86_400_000)
      .toISOString()
      .replace('T', ' ')
      .replace('Z', '000');
    const at = (ts: string, body: string) => envelope(`${ts} bike-${ts.slice(0, 4)}: ${body}`);
    const ride = (ts: string) => [
      at(
        ts,
        `[SYSTEM] data = ${JSON.stringify({ user_id: 901, name: 'A B', address: '1 a,b,c', bike_serial: `SN${ts.slice(0, 4)}` })}`,
      ),
    ];
    await ingestFile(get().db, tempFile(ride('2999-01-01 00:00:00.000000')));
    api = await apiHarness(get().db);
    expect((await api.call('DELETE', '/api/riders/901', api.admin)).statusCode).toBe(200);
    // A ride begun two days from now (by its bike's clock) is new data, not the erased history:
    // the clock allowance after an erasure is a day, however far ahead the erased rides were.
    await ingestFile(get().db, tempFile(ride(later)));
    expect(await count('rides WHERE rider_id = 901')).toBe(1);
    // The erased ride itself stays erased, replayed.
    await ingestFile(get().db, tempFile(ride('2999-01-01 00:00:00.000000')));
    expect(await count('rides WHERE rider_id = 901')).toBe(1);
  });

  it('stores the new rides of a rider erased while known only from rejected lines', async () => {
    // Refused (an address of two parts): no ride, no rider row, only rejected lines.
    await ingestFile(get().db, tempFile([system({ user_id: 778, address: 'Flat 9,Hidden Lane' })]));
    api = await apiHarness(get().db);
    expect((await api.call('DELETE', '/api/riders/778', api.admin)).statusCode).toBe(200);
    // An hour later (by the bike's clock and the database's), a new ride: new data.
    const soon = new Date(Date.now() + 3_600_000)
      .toISOString()
      .replace('T', ' ')
      .replace('Z', '000');
    await ingestFile(
      get().db,
      tempFile([
        envelope(
          `${soon} bike-9: [SYSTEM] data = ${JSON.stringify({ user_id: 778, name: 'A B', address: '1 a,b,c' })}`,
        ),
      ]),
    );
    expect(await count('rides WHERE rider_id = 778')).toBe(1);
  });

  it('keeps a deleted ride deleted when the same feed is read again from another file', async () => {
    const { lines } = simFileFeed({
      bikes: 3,
      ridesPerBike: 2,
      seed: 21,
      startMs: Date.UTC(2022, 6, 6, 9),
      abnormalShare: 0.7,
    });
    const first = tempFile(lines);
    await ingestFile(get().db, first);
    const [victim] = await get().db.query<{
      ride_id: number;
      bike_serial: string;
      started_at: Date;
    }>(
      `SELECT ride_id, bike_serial, started_at FROM rides
       WHERE ended_at IS NOT NULL AND ride_id IN (SELECT ride_id FROM alerts) LIMIT 1`,
    );
    api = await apiHarness(get().db);
    expect((await api.call('DELETE', `/api/rides/${victim!.ride_id}`, api.admin)).statusCode).toBe(
      200,
    );
    const before = await snapshot(get().db);
    const alerts = await count('alerts');
    // The same feed under another path is another source: every line is read again.
    const copy = tempFile([]);
    copyFileSync(first, copy);
    await ingestFile(get().db, copy);
    const after = await snapshot(get().db);
    expect(
      await count('rides WHERE bike_serial = $1 AND started_at = $2', [
        victim!.bike_serial,
        victim!.started_at.toISOString(),
      ]),
    ).toBe(0);
    expect(after.rides).toEqual(before.rides);
    expect(after.readings).toEqual(before.readings);
    expect(after.alerts).toEqual(before.alerts);
    expect(await count('alerts')).toBe(alerts);
    expect(await count('readings WHERE ride_id NOT IN (SELECT ride_id FROM rides)')).toBe(0);
  });
});
