import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TimestampFormatter, envelope, formatPower, hostTag } from './feed-format.js';
import { simulateFleet } from './fleet.js';
import { powerFor } from './power.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'real-feed');
const TS = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}`;
const HOST = String.raw`[a-z]+ v9`;

// One pattern per line kind, written from the recorded lines; each must match the fixture too.
const KINDS = {
  main: /^--------- beginning of main$/,
  newRide: /^--------- beginning of a new ride$/,
  lookup: new RegExp(`^${TS} ${HOST}: Getting user data from server\\.\\.$`),
  system: new RegExp(`^${TS} ${HOST}: \\[SYSTEM\\] data = \\{"user_id":\\d+,.*\\}$`),
  ride: new RegExp(`^${TS} ${HOST}: \\[INFO\\]: Ride - duration = \\d+\\.0; resistance = \\d+$`),
  telemetry: new RegExp(
    `^${TS} ${HOST}: \\[INFO\\]: Telemetry - hrt = \\d+; rpm = \\d+; power = \\d+\\.\\d+$`,
  ),
} as const;
type Kind = keyof typeof KINDS;

function kindOf(line: string): Kind | null {
  for (const [kind, re] of Object.entries(KINDS) as [Kind, RegExp][])
    if (re.test(line)) return kind;
  return null;
}

function fixtureValues(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(FIXTURES, f), 'utf8').split('\n'))
    .filter((l) => l.length > 0);
}

function logOf(value: string): string {
  const parsed = JSON.parse(value) as { log: string };
  return parsed.log;
}

const SYSTEM_KEYS = [
  'user_id',
  'name',
  'gender',
  'address',
  'date_of_birth',
  'email_address',
  'height_cm',
  'weight_kg',
  'account_create_date',
  'bike_serial',
  'original_source',
];

describe('line formats', () => {
  it('the patterns classify every recorded line, and the envelope rebuilds it byte for byte', () => {
    const seen = new Set<Kind>();
    for (const value of fixtureValues()) {
      const log = logOf(value);
      expect(log.endsWith('\n')).toBe(true);
      const line = log.slice(0, -1);
      expect(envelope(line)).toBe(value);
      const kind = kindOf(line);
      expect(kind, line).not.toBeNull();
      if (kind) seen.add(kind);
    }
    expect([...seen].sort()).toEqual(Object.keys(KINDS).sort());
  });

  it('every simulated message is a valid envelope of a line of a known kind', () => {
    const counts = new Map<Kind, number>();
    const opts = {
      bikes: 4,
      ridesPerBike: 2,
      seed: 11,
      startMs: Date.UTC(2022, 6, 6, 23, 59),
      abnormalShare: 0.5,
    };
    for (const m of simulateFleet({ ...opts, rideSeconds: [40, 60] })) {
      const log = logOf(m.value);
      const line = log.slice(0, -1);
      expect(envelope(line)).toBe(m.value);
      const kind = kindOf(line);
      expect(kind, line).not.toBeNull();
      if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
      if (kind === 'system') {
        const json = line.slice(line.indexOf('{'));
        expect(Object.keys(JSON.parse(json) as object)).toEqual(SYSTEM_KEYS);
      }
    }
    expect(counts.get('main')).toBe(4);
    expect(counts.get('newRide')).toBe(8);
    expect(counts.get('lookup')).toBe(8);
    expect(counts.get('system')).toBe(8);
    expect(counts.get('ride')).toBe(counts.get('telemetry'));
  });

  it('the recorded SYSTEM record has the key order the simulator writes', () => {
    const system =
      fixtureValues()
        .map(logOf)
        .find((l) => l.includes('[SYSTEM]')) ?? '';
    const json = system.slice(system.indexOf('{'), -1);
    expect(Object.keys(JSON.parse(json) as object)).toEqual(SYSTEM_KEYS);
  });
});

describe('power', () => {
  it('reproduces every recorded (resistance, rpm) → power pair exactly', () => {
    let resistance: number | null = null;
    let checked = 0;
    for (const log of fixtureValues().map(logOf)) {
      const ride = /resistance = (\d+)/.exec(log);
      if (ride) resistance = Number(ride[1]);
      const tel = /rpm = (\d+); power = (\S+)\n$/.exec(log);
      if (tel && resistance !== null) {
        expect(formatPower(powerFor(resistance, Number(tel[1]))), log).toBe(tel[2]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('prints like the feed: 0.0 for zero, shortest round-trip digits otherwise', () => {
    expect(formatPower(0)).toBe('0.0');
    expect(formatPower(120)).toBe('120.0');
    expect(formatPower(9.737739856000001)).toBe('9.737739856000001');
    expect(formatPower(powerFor(30, 18))).toMatch(/^\d\.\d{1,9}$/);
    expect(powerFor(0, 50)).toBe(0);
    expect(powerFor(30, 0)).toBe(0);
  });

  it('rises with rpm and with resistance over the range the simulator uses', () => {
    for (let r = 30; r <= 220; r += 5) {
      for (let rpm = 8; rpm <= 150; rpm++) {
        expect(powerFor(r, rpm)).toBeGreaterThan(powerFor(r, rpm - 1));
        expect(powerFor(r + 5, rpm)).toBeGreaterThan(powerFor(r, rpm));
      }
    }
  });
});

describe('timestamps and host tags', () => {
  it('formats UTC like the feed, including dates before 1970 and leap days', () => {
    const f = new TimestampFormatter();
    for (const ms of [
      Date.UTC(2022, 6, 6, 23, 29, 35, 435),
      Date.UTC(2024, 1, 29, 0, 0, 0, 5),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      Date.UTC(2000, 0, 1),
    ]) {
      const iso = new Date(ms).toISOString();
      const want = `${iso.slice(0, 10)} ${iso.slice(11, 23)}798`;
      expect(f.format(ms, 798)).toBe(want);
    }
    expect(f.format(Date.UTC(2022, 6, 6, 1, 2, 3, 4), 5)).toBe('2022-07-06 01:02:03.004005');
  });

  it('gives each bike its own tag, starting with the recorded one', () => {
    expect(hostTag(0)).toBe('mendoza v9');
    const tags = Array.from({ length: 5000 }, (_, i) => hostTag(i));
    expect(new Set(tags).size).toBe(tags.length);
    for (const t of tags) expect(t).toMatch(/^[a-z]+ v9$/);
  });
});
