// Thousands of broken lines mixed into a valid feed: nothing dies, nothing valid is lost,
// every bad line is kept with its reason.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeEachDb } from './support/databases.js';
import { envelope, FIRST_1000, ingestFile, tempFile } from './support/ingest.js';
import { snapshot } from './support/snapshot.js';

/** Small seeded PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TS = '2022-07-06 23:30:00.000000 mendoza v9: ';

/** One line that is certainly not a usable message, of one of many kinds. */
function badLine(valid: readonly string[], rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const randomText = (n: number, from = 32, span = 95): string =>
    Array.from({ length: n }, () => String.fromCharCode(from + Math.floor(rand() * span))).join('');
  const source = pick(valid);
  const telemetry = pick(valid.filter((l) => l.includes('Telemetry')));
  const dated = pick(valid.filter((l) => /\d{4}-\d{2}-\d{2}/.test(l)));
  const kinds: (() => string)[] = [
    () => randomText(1 + Math.floor(rand() * 200)).replace(/^-/, 'x'),
    () => randomText(40, 0x4e00, 500), // CJK
    () => `\u0000${randomText(10)}\u0000`,
    () => source.slice(0, Math.max(1, Math.floor(rand() * (source.length - 3)))), // cut envelope
    () => telemetry.replace(/hrt = \d+/, 'hrt = x1'),
    () => dated.replace(/\d{4}-\d{2}-\d{2}/, 'yesterday'),
    () => telemetry.replace('[INFO]: Telemetry', '[INFO]: Telemetrx'),
    () =>
      envelope(
        `${TS}[INFO]: Telemetry - hrt = ${300 + Math.floor(rand() * 1e6)}; rpm = 1; power = 1.0`,
      ),
    () => envelope(`${TS}[INFO]: Ride - duration = ${rand() * 100 + 0.25}; resistance = 30`),
    () => envelope(`${TS}[INFO]: Ride - duration = -4.0; resistance = 30`),
    () => envelope(`${TS}[INFO]: Telemetry - hrt = 1; rpm = 1e400; power = 1.0`),
    () => envelope(`${TS}[SYSTEM] data = {"user_id": ${randomText(5)}`),
    () => envelope(`2022-13-45 99:99:99.000000 mendoza v9: Getting user data from server..`),
    () => envelope(`${TS}'; DROP TABLE readings; --`),
    () => pick(['{}', '{"log": null}', '[]', '42', 'null', '{"log": 5}', '{"log": ["x"]}']),
    () => `{"log": "${'A'.repeat(50_000 + Math.floor(rand() * 50_000))}`,
    () => envelope(`--------- the end of ${randomText(5)}`),
  ];
  return pick(kinds)();
}

describeEachDb('fuzzed feed', (get) => {
  it('stores every valid reading and keeps every bad line as a rejected row with a reason', async () => {
    const { db } = get();
    const valid = readFileSync(FIRST_1000, 'utf8').trim().split('\n');
    // The clean run is the reference.
    await ingestFile(db, tempFile(valid));
    const clean = await snapshot(db);
    await get().reset();

    const rand = rng(20261130);
    const mixed: string[] = [];
    const bad = new Map<number, string>();
    for (const line of valid) {
      const n = Math.floor(rand() * 7);
      for (let i = 0; i < n; i++) {
        const b = badLine(valid, rand).replace(/[\n\r]/g, ' ');
        bad.set(mixed.length, b);
        mixed.push(b);
      }
      mixed.push(line);
    }
    expect(bad.size).toBeGreaterThan(2_500);
    const path = tempFile(mixed);
    const stats = await ingestFile(db, path, { maxBatch: 500 });
    expect(stats.messages).toBe(mixed.length);

    const got = await snapshot(db);
    expect(got.riders).toEqual(clean.riders);
    expect(got.rides).toEqual(clean.rides);
    expect(got.readings).toEqual(clean.readings);

    const rejected = await db.query<{ position: number; raw: string; reason: string }>(
      'SELECT position, raw, reason FROM rejected_messages ORDER BY position',
    );
    expect(rejected).toHaveLength(bad.size);
    // Byte positions of the lines, to match each rejected row to the line it came from.
    const offsets: number[] = [];
    let pos = 0;
    for (const l of mixed) {
      offsets.push(pos);
      pos += Buffer.byteLength(l) + 1;
    }
    const lineAt = new Map(offsets.map((o, i) => [o, i]));
    for (const r of rejected) {
      const i = lineAt.get(r.position);
      expect(i, `rejected position ${r.position}`).toBeDefined();
      expect(bad.has(i!)).toBe(true);
      expect(r.reason.length).toBeGreaterThan(5);
      expect(r.raw).toBe(bad.get(i!)!.replace(/\0/g, '\\0'));
    }
  });
});
