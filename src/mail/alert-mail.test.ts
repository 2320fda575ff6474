import { describe, expect, it } from 'vitest';
import { alertMail, type AlertMailInput } from './alert-mail.js';

const base: AlertMailInput = {
  alertId: 42,
  kind: 'high',
  limitBpm: 176,
  readings: [
    { at: '2022-07-06T13:05:10.000Z', bpm: 181 },
    { at: '2022-07-06T13:05:11.000Z', bpm: 185 },
    { at: '2022-07-06T13:05:12.000Z', bpm: 190 },
  ],
  rideStartedAt: new Date('2022-07-06T13:00:00Z'),
  bikeSerial: 'SN0007',
  rider: { email: 'ann@example.test', title: 'Ms', firstName: 'Ann', lastName: 'Lee-Hunt' },
  cc: null,
  timeZone: 'Europe/London',
  domain: 'deloton.test',
};

describe('alertMail', () => {
  it('says what happened in the subject, and the readings, limit and actions in both parts', () => {
    const m = alertMail(base);
    expect(m.messageId).toBe('<alert-42@deloton.test>');
    expect(m.subject).toBe('Heart-rate alert: 190 bpm, above your limit of 176 bpm');
    for (const part of [m.text, m.html]) {
      expect(part).toContain('Dear Ms Lee-Hunt,');
      // London summer time: 13:05 UTC is 14:05.
      expect(part).toMatch(/14:05:10[\s\S]*181 bpm[\s\S]*14:05:12[\s\S]*190 bpm/);
      expect(part).toContain('176 bpm');
      expect(part).toContain('SN0007');
      expect(part).toMatch(/Ease off/);
    }
  });
  it('greets by the one name there is, and by first name without a title', () => {
    expect(
      alertMail({
        ...base,
        rider: { ...base.rider, title: 'Mr', firstName: 'Smith', lastName: '' },
      }).text,
    ).toMatch(/^Dear Mr Smith,/);
    expect(alertMail({ ...base, rider: { ...base.rider, title: null } }).text).toMatch(
      /^Dear Ann,/,
    );
  });
  it('gives the low-rate advice and escapes names in HTML', () => {
    const m = alertMail({
      ...base,
      kind: 'low',
      limitBpm: 40,
      readings: [{ at: '2022-07-06T13:05:10.000Z', bpm: 35 }],
      rider: { ...base.rider, title: null, firstName: '<script>x</script>' },
    });
    expect(m.subject).toBe('Heart-rate alert: 35 bpm, below 40 bpm while riding');
    expect(m.text).toMatch(/Stop and rest[\s\S]*sensor contact[\s\S]*doctor/);
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&#60;script&#62;');
  });
});
