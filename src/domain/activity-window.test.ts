import { describe, expect, it } from 'vitest';
import { ACTIVITY_RANGE_NAMES, ACTIVITY_RANGES, activityWindow } from './activity-window.js';

const NOW = Date.UTC(2022, 6, 10, 12, 7, 30);

describe('activity windows', () => {
  it('reach back their span from now, in buckets that cover the whole window', () => {
    for (const range of ACTIVITY_RANGE_NAMES) {
      for (const zone of ['UTC', 'Europe/London', 'Asia/Kolkata', 'America/St_Johns']) {
        const w = activityWindow(range, NOW, zone);
        const seen = { range, zone };
        expect({ ...seen, span: w.untilMs - w.fromMs }).toEqual({
          ...seen,
          span: ACTIVITY_RANGES[range].spanMs,
        });
        expect(w.originMs).toBeLessThanOrEqual(w.fromMs);
        expect(w.originMs + w.bucketMs).toBeGreaterThan(w.fromMs);
        // The last bucket holds the window's last instant, and no bucket lies past it.
        expect(w.originMs + (w.count - 1) * w.bucketMs).toBeLessThan(w.untilMs);
        expect(w.originMs + w.count * w.bucketMs).toBeGreaterThanOrEqual(w.untilMs);
      }
    }
  });

  it('start buckets on whole multiples of their length in local time', () => {
    const hoursOf = (range: '7d' | '12h' | '1h', zone: string) => {
      const w = activityWindow(range, NOW, zone);
      return Array.from({ length: w.count }, (_, i) => {
        const d = new Date(w.originMs + i * w.bucketMs);
        return `${d.getUTCHours()}:${d.getUTCMinutes()}`;
      });
    };
    // London is at UTC+1 in July: its 00:00, 06:00, 12:00 and 18:00 are 23, 5, 11 and 17 UTC.
    expect(new Set(hoursOf('7d', 'Europe/London'))).toEqual(
      new Set(['23:0', '5:0', '11:0', '17:0']),
    );
    expect(new Set(hoursOf('7d', 'UTC'))).toEqual(new Set(['0:0', '6:0', '12:0', '18:0']));
    // Kolkata is at UTC+5:30: its whole and half hours are half and whole hours in UTC; St John's
    // (UTC-2:30 in summer) likewise.
    expect(hoursOf('12h', 'Asia/Kolkata').every((t) => /:(0|30)$/.test(t))).toBe(true);
    const sixHours = activityWindow('7d', NOW, 'Asia/Kolkata');
    expect((sixHours.originMs + 5.5 * 3_600_000) % (6 * 3_600_000)).toBe(0);
    expect(activityWindow('1h', NOW, 'America/St_Johns').originMs % (5 * 60_000)).toBe(0);
  });

  it('has as many buckets as the span when now is on a boundary, one more when not', () => {
    const onBoundary = Date.UTC(2022, 6, 10, 12);
    expect(activityWindow('1h', onBoundary, 'UTC').count).toBe(12);
    expect(activityWindow('1h', onBoundary + 1, 'UTC').count).toBe(13);
    expect(activityWindow('24h', onBoundary, 'Europe/London').count).toBe(24);
    expect(activityWindow('7d', onBoundary, 'UTC').count).toBe(28);
  });
});
