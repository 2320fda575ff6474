// Input that used to stop or corrupt the stream: each case ends with the stream going on, the bad
// lines set aside with a reason, and every valid line stored.
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DelotonError } from '../src/domain/errors.js';
import { createFileSource } from '../src/ingest/file-source.js';
import { runPipeline } from '../src/ingest/pipeline.js';
import { describeEachDb, rowCounter } from './support/databases.js';
import { FIRST_1000, ingestFile, silent, tempFile } from './support/ingest.js';

const T = '2022-07-06 23:29:35.935822';
const record = (fields: Record<string, unknown>): string =>
  JSON.stringify({
    user_id: 100,
    name: 'Mr Steven Pearce',
    gender: 'male',
    address: '0 Simpson locks,Wilkinsonshire,E68 8SH',
    date_of_birth: 273715200000,
    email_address: 'steven.p@gmail.com',
    height_cm: 167,
    weight_kg: 83,
    account_create_date: 1647993600000,
    bike_serial: 'SN0000',
    original_source: 'direct',
    ...fields,
  });
/** A file line of one bike: the production envelope with the bike's key inside. */
const keyed = (key: string, line: string): string => JSON.stringify({ log: `${line}\n`, key });
/** A ride of `n` readings on a bike, as file lines, starting at `start` (`YYYY-MM-DD HH:MM:SS`). */
function rideLines(key: string, start: string, rec: string, n: number): string[] {
  const at = (ms: number): string => {
    const d = new Date(Date.parse(`${start.replace(' ', 'T')}Z`) + ms);
    return d.toISOString().replace('T', ' ').replace('Z', '000');
  };
  const out = [keyed(key, `${at(0)} ${key}: [SYSTEM] data = ${rec}`)];
  for (let s = 1; s <= n; s++) {
    out.push(
      keyed(key, `${at(s * 1000 - 500)} ${key}: [INFO]: Ride - duration = ${s}.0; resistance = 30`),
    );
    out.push(
      keyed(key, `${at(s * 1000)} ${key}: [INFO]: Telemetry - hrt = 120; rpm = 60; power = 90.5`),
    );
  }
  return out;
}

describeEachDb('hostile feed input', (get) => {
  const count = rowCounter(get);
  const reasons = async (): Promise<string[]> =>
    (
      await get().db.query<{ reason: string }>(
        'SELECT reason FROM rejected_messages ORDER BY partition, position',
      )
    ).map((r) => r.reason);

  it('sets aside text PostgreSQL would change (lone surrogates, NUL) in any field or key, and goes on', async () => {
    // Two bikes whose serials would both be stored as "SN\uFFFD", starting at the same instant,
    // written plainly: JSON.stringify cannot produce an escaped lone surrogate.
    const path = tempFile([]);
    writeFileSync(
      path,
      [
        `{"log": "${T} A: [SYSTEM] data = {\\"user_id\\":1,\\"name\\":\\"A B\\",\\"address\\":\\"1 a,b,c\\",\\"bike_serial\\":\\"SN\\\\ud800\\"}\\n", "key": "A"}`,
        `{"log": "${T} B: [SYSTEM] data = {\\"user_id\\":2,\\"name\\":\\"C D\\",\\"address\\":\\"1 a,b,c\\",\\"bike_serial\\":\\"SN\\\\udc00\\"}\\n", "key": "B"}`,
        `{"log": "${T} C: Getting user data from server..\\n", "key": "SN\\udc00"}`,
        `{"log": "${T} D: [SYSTEM] data = {\\"user_id\\":3,\\"name\\":\\"E\\\\u0000F\\",\\"address\\":\\"1 a,b,c\\"}\\n", "key": "D"}`,
        ...rideLines('E', '2022-07-06 23:29:35', record({ user_id: 4, bike_serial: 'SN0004' }), 20),
      ].join('\n') + '\n',
    );
    const stats = await ingestFile(get().db, path);
    expect(stats.lastError).toBeNull();
    expect(await reasons()).toEqual([
      '[SYSTEM] data: bike_serial holds a lone UTF-16 surrogate (not valid Unicode)',
      '[SYSTEM] data: bike_serial holds a lone UTF-16 surrogate (not valid Unicode)',
      'message key holds a lone UTF-16 surrogate (not valid Unicode)',
      '[SYSTEM] data: name holds a NUL byte',
    ]);
    expect(await count('rides')).toBe(1);
    expect(await count("readings r JOIN rides USING (ride_id) WHERE bike_serial = 'SN0004'")).toBe(
      20,
    );
    // The refused records still name their accounts, so that erasing them finds the lines.
    expect(
      (
        await get().db.query<{ rider_id: number | null }>(
          'SELECT rider_id FROM rejected_messages ORDER BY partition, position',
        )
      ).map((r) => r.rider_id),
    ).toEqual([1, 2, null, 3]);
  });

  it('ends the run with a named error when a write fails for a reason no waiting cures, storing nothing of that batch', async () => {
    const { db } = get();
    // A constraint the pipeline does not know: its write fails with a check violation (23514).
    await db.exec('ALTER TABLE readings ADD CONSTRAINT test_hr_below_200 CHECK (heart_rate < 200)');
    try {
      const lines = rideLines('A', '2022-07-06 23:29:35', record({}), 30);
      const bad = lines.findIndex((l) => l.includes('duration = 20.0')) + 1;
      lines[bad] = lines[bad]!.replace('hrt = 120', 'hrt = 210');
      const path = tempFile(lines);
      const run = runPipeline({
        db,
        source: createFileSource({ path, untilIdle: true }),
        feedTimeZone: 'UTC',
        maxBatchMessages: 20,
        maxBatchWaitMs: 1_000,
        logger: silent,
        signal: new AbortController().signal,
      });
      const err = await run.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DelotonError);
      expect((err as DelotonError).code).toBe('ingest_write_failed');
      expect((err as DelotonError).message).toMatch(/SQLSTATE 23514/);
      // The failed batch left nothing behind, and the position stayed before it.
      const [pos] = await db.query<{ position: number }>('SELECT position FROM source_offsets');
      // Batches of 20 messages: the third holds the bad second; the first two are stored.
      expect(await count('readings WHERE heart_rate >= 200')).toBe(0);
      expect(await count('readings')).toBe(20);
      expect(pos!.position).toBe(
        Buffer.byteLength(
          lines
            .slice(0, 40)
            .map((l) => `${l}\n`)
            .join(''),
        ),
      );
      // Fixed, the next run stores the rest: nothing was lost.
      await db.exec('ALTER TABLE readings DROP CONSTRAINT test_hr_below_200');
      await ingestFile(db, path);
      expect(await count('readings')).toBe(30);
    } finally {
      await db.exec('ALTER TABLE readings DROP CONSTRAINT IF EXISTS test_hr_below_200');
    }
  });

  it('keeps readings out of a ride their time does not fit, and riders whose dates cannot be true', async () => {
    const path = tempFile([
      // A ride dated 2999 (its rider has no birth date to refuse it by) takes no reading of 2022.
      ...rideLines(
        'A',
        '2999-01-01 00:00:00',
        record({ user_id: 1, date_of_birth: null, bike_serial: 'SN1' }),
        0,
      ),
      ...rideLines('A', '2022-07-06 23:29:35', record({}), 3).slice(1),
      // A ride of today takes no reading two days later.
      ...rideLines('B', '2022-07-06 23:29:35', record({ user_id: 2, bike_serial: 'SN2' }), 3),
      ...rideLines('B', '2022-07-08 23:29:35', record({}), 3).slice(-2),
      // Born in the future, and an account made in 2099.
      ...rideLines(
        'C',
        '2022-07-06 23:29:35',
        record({ user_id: 3, date_of_birth: Date.UTC(2086, 0, 1) }),
        1,
      ),
      ...rideLines(
        'D',
        '2022-07-06 23:29:35',
        record({ user_id: 4, account_create_date: Date.UTC(2099, 0, 1) }),
        1,
      ),
    ]);
    await ingestFile(get().db, path);
    const r = await reasons();
    expect(
      r.filter((x) => x.startsWith('line is dated') && x.includes('before its ride began')),
    ).toHaveLength(6);
    expect(r.filter((x) => x.includes("after its ride's last reading"))).toHaveLength(2);
    expect(r).toContain('rider date_of_birth is after the message was sent');
    expect(r).toContain('rider account_create_date is after the message was sent');
    expect(await count('riders WHERE rider_id IN (3, 4)')).toBe(0);
    expect(
      await get().db.query('SELECT bike_serial, reading_count FROM rides ORDER BY bike_serial'),
    ).toEqual([
      { bike_serial: 'SN1', reading_count: 0 },
      { bike_serial: 'SN2', reading_count: 3 },
    ]);
  });

  it('rejects every line over 16 MiB as too long, keeping only its head, and a marker among them ends no ride', async () => {
    const lines = rideLines('A', '2022-07-06 23:29:35', record({}), 4);
    const marker = `--------- beginning of a new ride${' '.repeat(17 << 20)}`;
    const json = `{"log": "${'x'.repeat((16 << 20) + 10)}"}`;
    const path = tempFile([...lines.slice(0, 5), marker, json, ...lines.slice(5)]);
    await ingestFile(get().db, path);
    const rows = await get().db.query<{ reason: string; n: number }>(
      'SELECT reason, octet_length(raw) AS n FROM rejected_messages ORDER BY partition, position',
    );
    expect(rows).toEqual([
      {
        reason: expect.stringMatching(
          `^line is too long: ${marker.length} bytes, over the 16 MiB limit`,
        ) as string,
        n: 4096,
      },
      {
        reason: expect.stringMatching(
          `^line is too long: ${json.length} bytes, over the 16 MiB limit`,
        ) as string,
        n: 4096,
      },
    ]);
    expect(await get().db.query('SELECT reading_count, ended_at FROM rides')).toEqual([
      { reading_count: 4, ended_at: null },
    ]);
  });

  it('stores the recorded feed exactly as before: the checks refuse nothing real', async () => {
    await ingestFile(get().db, FIRST_1000);
    expect(await count('rejected_messages')).toBe(0);
    expect(await count('readings')).toBe(498);
    const [ride] = await get().db.query<{ rider_age: number; personal_max_bpm: number }>(
      'SELECT rider_age, personal_max_bpm FROM rides',
    );
    // Born 1978-09-04, a man, on 2022-07-06: 43, and Tanaka's 208 - 0.7 x 43.
    expect(ride).toEqual({ rider_age: 43, personal_max_bpm: 178 });
  });
});
