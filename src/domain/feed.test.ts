import { describe, expect, it } from 'vitest';
import { checkBikeKey, checkLineSize, MAX_LINE_BYTES, parseLine, unwrapMessage } from './feed.js';
import { unstorable, unstorableInJson } from './storable-text.js';

/** A line through the edge and the parser, as intake takes it. */
const parse = (line: string, zone: string) => {
  const un = unwrapMessage(line);
  return un.kind === 'reject' ? un : parseLine(un.line, zone);
};
const ok = (line: string, zone = 'UTC') => {
  const r = parse(line, zone);
  if (r.kind !== 'ok') throw new Error(`expected ok, got reject: ${r.reason}`);
  return r.event;
};
const reason = (line: string): string => {
  const r = parse(line, 'UTC');
  if (r.kind !== 'reject') throw new Error(`expected reject for ${line}`);
  return r.reason;
};

describe('unwrapMessage', () => {
  it('takes the line out of the envelope and drops the newline', () => {
    expect(unwrapMessage('{"log": "--------- beginning of main\\n"}')).toEqual({
      kind: 'ok',
      line: '--------- beginning of main',
      key: null,
    });
  });
  it('reads a key carried in the envelope', () => {
    expect(unwrapMessage('{"log":"x\\n","key":"SN0001"}')).toMatchObject({ key: 'SN0001' });
  });
  it('accepts a bare line', () => {
    expect(unwrapMessage('--------- beginning of a new ride\r\n')).toMatchObject({
      line: '--------- beginning of a new ride',
    });
  });
  it('says why a broken envelope is unusable', () => {
    expect(unwrapMessage('{"log": ')).toMatchObject({ kind: 'reject' });
    expect(unwrapMessage('{"lag": "x"}')).toEqual({
      kind: 'reject',
      reason: 'envelope has no string "log" field',
    });
    expect(unwrapMessage('{"log": 5}')).toMatchObject({ kind: 'reject' });
  });
});

describe('parseLine', () => {
  it('parses every line kind of the real feed', () => {
    expect(ok('--------- beginning of a new ride')).toEqual({
      kind: 'marker',
      text: 'beginning of a new ride',
    });
    expect(ok('2022-07-06 23:29:35.435798 mendoza v9: Getting user data from server..')).toEqual({
      kind: 'user-lookup',
      atMs: Date.UTC(2022, 6, 6, 23, 29, 35, 435),
      host: 'mendoza v9',
    });
    expect(
      ok('2022-07-06 23:29:35.935822 mendoza v9: [SYSTEM] data = {"user_id":100,"name":"A B"}'),
    ).toMatchObject({ kind: 'system', data: { user_id: 100, name: 'A B' } });
    expect(
      ok('2022-07-06 23:29:36.435842 mendoza v9: [INFO]: Ride - duration = 1.0; resistance = 30'),
    ).toEqual({
      kind: 'ride',
      atMs: Date.UTC(2022, 6, 6, 23, 29, 36, 435),
      host: 'mendoza v9',
      elapsedS: 1,
      resistance: 30,
    });
    expect(
      ok(
        '2022-07-06 23:37:52.944898 mendoza v9: [INFO]: Telemetry - hrt = 117; rpm = 40; power = 9.737739856000001',
      ),
    ).toMatchObject({ kind: 'telemetry', heartRate: 117, rpm: 40, powerW: 9.737739856000001 });
  });
  it('accepts a timestamp without microseconds', () => {
    expect(ok('2022-07-25 16:13:37 mendoza v9: Getting user data from server..')).toMatchObject({
      atMs: Date.UTC(2022, 6, 25, 16, 13, 37),
    });
  });
  it('reads fractions of any length up to microseconds', () => {
    expect(ok('2022-07-25 16:13:37.4 b: Getting user data')).toMatchObject({
      atMs: Date.UTC(2022, 6, 25, 16, 13, 37, 400),
    });
    expect(ok('2022-07-25 16:13:37.123999 b: Getting user data')).toMatchObject({
      atMs: Date.UTC(2022, 6, 25, 16, 13, 37, 123),
    });
    expect(reason('2022-07-25 16:13:37. b: Getting user data')).toMatch(/no .*timestamp/);
    expect(reason('2022-07-25 16:13:37.1234567 b: Getting user data')).toMatch(/no .*timestamp/);
    expect(reason('2022-07-25T16:13:37 b: Getting user data')).toMatch(/no .*timestamp/);
    expect(reason('2022-07-25 24:00:00 b: Getting user data')).toMatch(/impossible timestamp/);
  });

  it('reads timestamps in the configured zone', () => {
    // 12:00 in London summer time is 11:00 UTC.
    expect(ok('2022-07-06 12:00:00 b: Getting user data', 'Europe/London')).toMatchObject({
      atMs: Date.UTC(2022, 6, 6, 11, 0, 0),
    });
    expect(ok('2022-01-06 12:00:00 b: Getting user data', 'Europe/London')).toMatchObject({
      atMs: Date.UTC(2022, 0, 6, 12, 0, 0),
    });
  });
  it('rejects with a reason, never throws', () => {
    expect(reason('')).toMatch(/no .*timestamp/);
    expect(reason('2022-02-31 10:00:00 b: Getting user data')).toMatch(/impossible timestamp/);
    expect(reason('2022-07-06 23:29:36 b: [INFO]: Ride - duration = 1.5; resistance = 30')).toMatch(
      /duration 1.5 is not a whole number/,
    );
    expect(
      reason('2022-07-06 23:29:36 b: [INFO]: Telemetry - hrt = -1; rpm = 1; power = 0.0'),
    ).toMatch(/hrt -1 is outside/);
    expect(
      reason('2022-07-06 23:29:36 b: [INFO]: Telemetry - hrt = 1; rpm = 1; power = NaN'),
    ).toMatch(/malformed Telemetry/);
    expect(reason('2022-07-06 23:29:36 b: hello')).toMatch(/unknown line kind/);
    expect(reason('--------- end of the world')).toMatch(/unknown marker/);
    expect(reason('2022-07-06 23:29:36 b\u0000: Getting user data')).toMatch(/NUL byte/);
    expect(reason('0050-01-01 10:00:00 b: Getting user data')).toMatch(/impossible timestamp/);
    expect(reason('9999-12-31 23:30:00 b: Getting user data')).toMatch(/impossible timestamp/);
    expect(reason(`2022-07-06 23:29:36 ${'h'.repeat(201)}: Getting user data`)).toMatch(/host tag/);
  });
});

describe('text PostgreSQL would change', () => {
  const systemLine = (record: string) =>
    `2022-07-06 23:29:35.935822 mendoza v9: [SYSTEM] data = ${record}`;

  it('is refused wherever it hides: NUL, lone surrogates, in values and field names', () => {
    expect(unstorable('SN0001')).toBeNull();
    expect(unstorable('a \u{1F6B2} bike')).toBeNull();
    expect(unstorable('SN\ud800')).toMatch(/lone UTF-16 surrogate/);
    expect(unstorable('SN\udc00x')).toMatch(/lone UTF-16 surrogate/);
    expect(unstorable('a\0b')).toMatch(/NUL/);
    expect(unstorableInJson({ a: [1, { b: 'x\ud800' }] })).toBe(
      'a[1].b holds a lone UTF-16 surrogate (not valid Unicode)',
    );
    expect(unstorableInJson({ ['k\u0000']: 1 })).toMatch(/field name holds a NUL/);
    expect(unstorableInJson({ ['Steven Pearce']: 'x\u0000' })).toBe('a field holds a NUL byte');
  });

  it('looks through a record nested ten thousand deep without running out of stack', () => {
    const deep = `${'['.repeat(10_000)}"x\\u0000"${']'.repeat(10_000)}`;
    const event = ok(systemLine(`{"user_id":1,"x":${deep}}`));
    expect(event).toMatchObject({
      invalid: expect.stringMatching(/^\[SYSTEM\] data: x\[0\]/) as string,
    });
    expect(ok(systemLine(`{"user_id":1,"x":${deep.replace('\\u0000', '')}}`))).toMatchObject({
      invalid: null,
    });
  });

  it('makes a [SYSTEM] line that holds it a ride start with an unusable record, saying why', () => {
    for (const serial of ['SN\\ud800', 'SN\\udc00', 'SN\\u0000']) {
      const event = ok(systemLine(`{"user_id":7,"name":"A B","bike_serial":"${serial}"}`));
      expect(event).toMatchObject({
        kind: 'system',
        invalid: expect.stringMatching(/^\[SYSTEM\] data: bike_serial holds /) as string,
      });
    }
    expect(reason(systemLine('{"user_id":7,"name":"Jane Secret"'))).toMatch(
      /^\[SYSTEM\] data is not valid JSON \(at character \d+\)$/,
    );
    expect(ok(systemLine('{"user_id":7}'))).toMatchObject({ invalid: null });
  });

  it('refuses it in the plain envelope too, however the value was built', () => {
    const value = '{"log": "2022-07-06 23:29:36 b\ud800: Getting user data\\n"}';
    expect(unwrapMessage(value)).toMatchObject({ kind: 'reject', reason: /lone UTF-16/ });
  });

  it('does not parse a [SYSTEM] record far larger than any rider record', () => {
    const huge = `{"user_id":1,"x":[${'1,'.repeat(40_000)}1]}`;
    expect(reason(systemLine(huge))).toMatch(
      /^\[SYSTEM\] data is 80\d+ characters, over the 65536/,
    );
  });

  it('refuses a line or a key that holds it', () => {
    expect(reason('2022-07-06 23:29:36 b\ud800: Getting user data')).toMatch(/lone UTF-16/);
    const un = unwrapMessage('{"log":"x\\n","key":"SN\\udc00"}');
    expect(un).toMatchObject({ kind: 'ok', key: 'SN\udc00' });
    expect(checkBikeKey('SN\udc00')).toMatch(/message key holds a lone UTF-16 surrogate/);
    expect(checkBikeKey('SN\u0000')).toMatch(/message key holds a NUL byte/);
    expect(checkBikeKey('x'.repeat(201))).toMatch(/over 200 characters/);
    expect(checkBikeKey('SN0001')).toBeNull();
  });
});

describe('reasons', () => {
  it('never quote the line: it may name a rider', () => {
    const secret = 'Jane Secret, 1 Hidden Lane';
    const lines = [
      `2022-07-06 23:29:36 b: [INFO]: Ride - ${secret}`,
      `2022-07-06 23:29:36 b: [INFO]: Telemetry - ${secret}`,
      `2022-07-06 23:29:36 b: ${secret}`,
      `--------- ${secret}`,
      `2022-07-06 23:29:36 b: [SYSTEM] data = {"name":"${secret}"`,
    ];
    for (const line of lines) expect(reason(line)).not.toMatch(/Secret|Hidden/);
    for (const env of [`{"log": "${secret}`, `{"log": 5, "name": "${secret}"}`]) {
      const r = unwrapMessage(env);
      expect(r.kind === 'reject' && r.reason).not.toMatch(/Secret|Hidden/);
    }
  });
});

describe('line size', () => {
  it('refuses a line over the limit, saying it is too long', () => {
    expect(checkLineSize(MAX_LINE_BYTES)).toBeNull();
    expect(checkLineSize(MAX_LINE_BYTES + 1)).toMatch(
      /^line is too long: 16777217 bytes, over the 16 MiB limit/,
    );
  });
});
