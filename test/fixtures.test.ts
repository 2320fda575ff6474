// The recorded production messages ingest cleanly, on PGlite and on PostgreSQL.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeEachDb } from './support/databases.js';
import { envelope, FIRST_1000, ingestFile, LIVE_21, tempFile } from './support/ingest.js';
import { snapshot } from './support/snapshot.js';

interface Expected {
  elapsed: number;
  resistance: number | null;
  hr: number;
  rpm: number;
  power: number;
}

/** Reads the fixture's readings with the test's own, deliberately naive, parsing. */
function expectedReadings(path: string): Expected[] {
  const out: Expected[] = [];
  let pending: { elapsed: number; resistance: number } | null = null;
  for (const raw of readFileSync(path, 'utf8').trim().split('\n')) {
    const line = (JSON.parse(raw) as { log: string }).log;
    const ride = /duration = ([\d.]+); resistance = (\d+)/.exec(line);
    const tele = /hrt = (\d+); rpm = (\d+); power = ([\d.e-]+)/.exec(line);
    if (ride) pending = { elapsed: Number(ride[1]), resistance: Number(ride[2]) };
    if (tele && pending) {
      out.push({ ...pending, hr: Number(tele[1]), rpm: Number(tele[2]), power: Number(tele[3]) });
      pending = null;
    }
  }
  return out;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describeEachDb('recorded fixtures', (get) => {
  it('ingests the first 1,000 topic messages with no rejects, the cleaned rider and every reading', async () => {
    const { db } = get();
    const stats = await ingestFile(db, FIRST_1000, { maxBatch: 97 });
    expect(stats).toMatchObject({ messages: 1000, rejects: 0, readings: 498 });
    expect(await db.query('SELECT count(*)::int AS n FROM rejected_messages')).toEqual([{ n: 0 }]);
    expect(await db.query('SELECT * FROM riders')).toEqual([
      {
        rider_id: 100,
        title: null,
        first_name: 'Steven',
        last_name: 'Pearce',
        gender: 'male',
        birth_date: '1978-09-04',
        height_cm: 167,
        weight_kg: 83,
        email: 'steven.p@gmail.com',
        address_line_1: '0 Simpson locks',
        address_line_2: null,
        city: 'Wilkinsonshire',
        postcode: 'E68 8SH',
        account_created: '2022-03-23',
        original_source: 'direct',
      },
    ]);
    const want = expectedReadings(FIRST_1000);
    expect(want).toHaveLength(498);
    const got = await db.query<{
      elapsed_s: number;
      resistance: number;
      heart_rate: number;
      rpm: number;
      power_w: number;
    }>('SELECT elapsed_s, resistance, heart_rate, rpm, power_w FROM readings ORDER BY elapsed_s');
    expect(got.map((r) => [r.elapsed_s, r.resistance, r.heart_rate, r.rpm, r.power_w])).toEqual(
      want.map((w) => [w.elapsed, w.resistance, w.hr, w.rpm, w.power]),
    );
    const [ride] = await db.query<Record<string, unknown>>('SELECT * FROM rides');
    const hrs = want.map((w) => w.hr).filter((h) => h > 0);
    expect(ride).toMatchObject({
      rider_id: 100,
      bike_serial: 'SN0000',
      started_at: new Date(Date.UTC(2022, 6, 6, 23, 29, 35, 935)),
      ended_at: null,
      duration_s: 498,
      reading_count: 498,
      min_heart_rate: Math.min(...hrs),
      max_heart_rate: Math.max(...hrs),
      max_power_w: Math.max(...want.map((w) => w.power)),
    });
    expect(ride!.avg_heart_rate).toBeCloseTo(mean(hrs), 9);
    expect(ride!.avg_rpm).toBeCloseTo(mean(want.map((w) => w.rpm)), 9);
    expect(ride!.avg_resistance).toBeCloseTo(mean(want.map((w) => w.resistance!)), 9);
    expect(ride!.avg_power_w).toBeCloseTo(mean(want.map((w) => w.power)), 9);
    expect(ride!.energy_kj).toBeCloseTo(want.reduce((a, w) => a + w.power, 0) / 1000, 9);
  });

  it('changes nothing when the same messages are replayed', async () => {
    const { db } = get();
    // The recorded ride, closed by a marker, then a second ride still open: both kinds replay.
    const lines = readFileSync(FIRST_1000, 'utf8').trim().split('\n');
    const second = lines
      .slice(2, 20)
      .map((l) => l.replaceAll('2022-07-06 23:2', '2022-07-06 23:5'));
    const path = tempFile([...lines, envelope('--------- beginning of a new ride'), ...second]);
    await ingestFile(db, path);
    const before = await snapshot(db);
    expect(before.rides).toHaveLength(2);
    await db.query('DELETE FROM source_offsets');
    const again = await ingestFile(db, path, { maxBatch: 333 });
    expect(again.messages).toBe(lines.length + 1 + second.length);
    expect(again.replayedBatches).toBeGreaterThan(0);
    expect(await snapshot(db)).toEqual(before);
  });

  it('resumes from the stored position: a second run reads nothing', async () => {
    const { db } = get();
    await ingestFile(db, FIRST_1000);
    const again = await ingestFile(db, FIRST_1000);
    expect(again.messages).toBe(0);
  });

  it('continues a ride left open in the database when a process joins mid-ride', async () => {
    const { db } = get();
    // The ride began 207 s before the live recording's first line.
    const start = tempFile([
      envelope('--------- beginning of a new ride'),
      envelope(
        '2022-10-05 14:38:52.238648 mendoza v9: [SYSTEM] data = {"user_id":7,"name":"Ms Ann Lee-Hunt","gender":"female","address":"Flat 1,Kings Rd,London,N1 1AA","date_of_birth":-842140800000,"email_address":"a@b.c","height_cm":160,"weight_kg":60,"account_create_date":1647993600000,"bike_serial":"SN0000","original_source":"offline"}',
      ),
    ]);
    await ingestFile(db, start);
    const stats = await ingestFile(db, LIVE_21);
    expect(stats.rejects).toBe(0);
    const rows = await db.query<{
      elapsed_s: number;
      resistance: number | null;
      heart_rate: number;
    }>('SELECT elapsed_s, resistance, heart_rate FROM readings ORDER BY elapsed_s');
    expect(rows.map((r) => r.elapsed_s)).toEqual([
      207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217,
    ]);
    // The first Telemetry line's Ride line was before the recording started.
    expect(rows[0]).toEqual({ elapsed_s: 207, resistance: null, heart_rate: 123 });
    expect(rows.slice(1).every((r) => r.resistance === 30)).toBe(true);
    expect(await db.query('SELECT rider_id, title, first_name, last_name FROM riders')).toEqual([
      { rider_id: 7, title: 'Ms', first_name: 'Ann', last_name: 'Lee-Hunt' },
    ]);
  });

  it('keeps readings with no known rider as rejected rows with the reason', async () => {
    const { db } = get();
    const stats = await ingestFile(db, LIVE_21);
    expect(stats.rejects).toBe(21);
    const rows = await db.query<{ position: number; reason: string; raw: string }>(
      'SELECT position, reason, raw FROM rejected_messages ORDER BY position',
    );
    expect(rows).toHaveLength(21);
    expect(rows[0]!.position).toBe(0);
    expect(rows[0]!.reason).toMatch(/no open ride on bike "mendoza v9"/);
    expect(rows.map((r) => r.raw).join('\n')).toBe(readFileSync(LIVE_21, 'utf8').trim());
  });
});

describeEachDb('a corrupt feed that repeats a ride', (get) => {
  it('stores the ride once, with the summary of one copy, whatever the batch boundaries', async () => {
    const { db } = get();
    const lines = readFileSync(FIRST_1000, 'utf8').trim().split('\n');
    const marker = envelope('--------- beginning of a new ride');
    await ingestFile(db, tempFile([...lines, marker]));
    const reference = await snapshot(db);
    const repeats = [
      // The same ride twice in a row: the second copy collides with the first, even in one batch.
      tempFile([...lines, marker, ...lines.slice(2), marker]),
      // Only the start of the ride again: its stored summary must not shrink to that start.
      tempFile([...lines, marker, ...lines.slice(2, 12), marker]),
    ];
    for (const path of repeats)
      for (const maxBatch of [5_000, 300]) {
        await get().reset();
        const stats = await ingestFile(db, path, { maxBatch });
        expect(stats.rejects).toBe(0);
        const got = await snapshot(db);
        expect(got.rides).toEqual(reference.rides);
        expect(got.readings).toEqual(reference.readings);
      }
  });
});
