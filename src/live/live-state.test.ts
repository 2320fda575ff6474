import { describe, expect, it } from 'vitest';
import {
  livePayloads,
  parseLivePayload,
  type LiveRideRow,
} from '../store/live-rides.repository.js';
import { LiveState } from './live-state.js';

const row = (id: number, over: Partial<LiveRideRow> = {}): LiveRideRow => ({
  ride_id: id,
  bike_serial: `SN${id}`,
  rider_id: 100 + id,
  first_name: 'Ada',
  last_name: 'Lovelace',
  gender: 'female',
  rider_age: 36,
  personal_max_bpm: 184,
  started_at: new Date(1_000_000),
  ended_at: null,
  heard_at: new Date(2_000_000),
  duration_s: 60,
  avg_heart_rate: 120,
  max_heart_rate: 150,
  avg_power_w: 100,
  energy_kj: 6,
  alerts: 0,
  last_alert_kind: null,
  elapsed_s: 60,
  recorded_at: new Date(1_060_000),
  heart_rate: 130,
  rpm: 80,
  resistance: 40,
  power_w: 110,
  ...over,
});

describe('live state', () => {
  it('reports new and changed rides, not unchanged ones', () => {
    const s = new LiveState();
    expect(s.apply([row(1), row(2)], null).upsert.map((r) => r.rideId)).toEqual([1, 2]);
    const c = s.apply([row(1), row(2, { heart_rate: 140 })], [1, 2]);
    expect(c.upsert.map((r) => r.rideId)).toEqual([2]);
    expect(c.upsert[0]!.latest?.heartRate).toBe(140);
    expect(c.ended).toEqual([]);
  });

  it('lets a ride go when it ends, is deleted, or leaves the full list', () => {
    const s = new LiveState();
    s.apply([row(1), row(2), row(3)], null);
    expect(s.apply([row(1, { ended_at: new Date(3_000_000) })], [1])).toEqual({
      upsert: [],
      ended: [1],
    });
    // Asked for 2, and it is not there: deleted.
    expect(s.apply([], [2]).ended).toEqual([2]);
    // The full list no longer holds 3 (quiet too long).
    s.apply([row(4)], [4]);
    expect(s.apply([row(4)], null).ended).toEqual([3]);
    expect(s.all().map((r) => r.rideId)).toEqual([4]);
  });

  it('never starts a tile for a ride that has already ended', () => {
    const s = new LiveState();
    expect(s.apply([row(9, { ended_at: new Date(5) })], [9])).toEqual({ upsert: [], ended: [] });
    expect(s.size).toBe(0);
  });

  it('names the rider, and keeps a missing reading empty', () => {
    const s = new LiveState();
    const [r] = s.apply([row(1, { elapsed_s: null, recorded_at: null })], null).upsert;
    expect(r).toMatchObject({ name: 'Ada Lovelace', gender: 'female', age: 36, latest: null });
  });
});

describe('live NOTIFY payloads', () => {
  it('split ride ids under 8,000 bytes and read back whole', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => 1_000_000_000 + i);
    const payloads = livePayloads(ids);
    expect(payloads.length).toBeGreaterThan(3);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    expect(payloads.flatMap(parseLivePayload)).toEqual(ids);
  });

  it('read a foreign or empty payload as "read everything"', () => {
    expect(parseLivePayload('')).toEqual([]);
    expect(parseLivePayload('1,2,x')).toEqual([]);
  });
});
