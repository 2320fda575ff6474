import { fastUnwrap } from './feed-envelope.js';
import { wallClockToEpochMs } from './feed-time.js';
import { unstorable, unstorableInJson } from './storable-text.js';

/** The longest line read whole; a longer one is rejected, keeping only its head. */
export const MAX_LINE_BYTES = 16 << 20;
/** How much of a line over the limit is kept, for people to see what it was. */
export const KEPT_HEAD_BYTES = 4 << 10;
const MAX_KEY_LENGTH = 200;
const MAX_RECORD_CHARS = 64 << 10;

/** One line of the bike feed, decoded. Timestamps are epoch milliseconds. */
export type FeedEvent =
  | { readonly kind: 'marker'; readonly text: string }
  | { readonly kind: 'user-lookup'; readonly atMs: number; readonly host: string }
  | {
      readonly kind: 'system';
      readonly atMs: number;
      readonly host: string;
      /** The parsed record. */
      readonly data: unknown;
      /**
       * Why the record cannot be stored at all, or null. The line still starts a ride whose
       * rider is unknown, as a record refused by cleaning does: it ends the bike's ride before,
       * and the readings after it are set aside.
       */
      readonly invalid: string | null;
    }
  | {
      readonly kind: 'ride';
      readonly atMs: number;
      readonly host: string;
      readonly elapsedS: number;
      readonly resistance: number;
    }
  | {
      readonly kind: 'telemetry';
      readonly atMs: number;
      readonly host: string;
      readonly heartRate: number;
      readonly rpm: number;
      readonly powerW: number;
    };

/** Parsing is total: every input is either an event or a reason it is not one. */
export type ParseResult =
  | { readonly kind: 'ok'; readonly event: FeedEvent }
  | { readonly kind: 'reject'; readonly reason: string };

/** A message value unwrapped from its `{"log": ...}` envelope (the key may travel in it too). */
export type Unwrapped =
  | { readonly kind: 'ok'; readonly line: string; readonly key: string | null }
  | { readonly kind: 'reject'; readonly reason: string };

// Physical bounds: beyond these a value is a corrupt line, not an athlete.
const LIMITS = {
  elapsedS: 86_400,
  resistance: 500,
  heartRate: 250,
  rpm: 300,
  powerW: 5_000,
} as const;

const NUM = '(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)';
const RIDE = new RegExp(`^\\[INFO\\]: Ride - duration = ${NUM}; resistance = ${NUM}$`);
const TELEMETRY = new RegExp(
  `^\\[INFO\\]: Telemetry - hrt = ${NUM}; rpm = ${NUM}; power = ${NUM}$`,
);
const SYSTEM_PREFIX = '[SYSTEM] data = ';
const MARKER_PREFIX = '--------- ';

function reject(reason: string): { kind: 'reject'; reason: string } {
  return { kind: 'reject', reason };
}

/**
 * Takes the feed line out of a message value: the JSON envelope or a bare line. The line it gives
 * is storable text (see storable-text): this is the edge where that is checked, once.
 */
export function unwrapMessage(value: string): Unwrapped {
  if (value.charCodeAt(0) !== 123 /* { */) return checked(stripEol(value), null);
  // The common envelope: no escapes and no control characters, so no NUL.
  const fast = fastUnwrap(value);
  // Sources decode values from UTF-8, so this holds; a value built any other way is checked.
  if (fast) return fast.line.isWellFormed() ? fast : checked(fast.line, fast.key);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    return reject(`envelope is not valid JSON${jsonErrorAt(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return reject('envelope is not a JSON object');
  const env = parsed as Record<string, unknown>;
  if (typeof env.log !== 'string') return reject('envelope has no string "log" field');
  const key = typeof env.key === 'string' && env.key.length > 0 ? env.key : null;
  return checked(stripEol(env.log), key);
}

/** The line, or why it cannot be stored as it is. */
function checked(line: string, key: string | null): Unwrapped {
  const bad = unstorable(line);
  return bad ? reject(`line holds ${bad}`) : { kind: 'ok', line, key };
}

/** Why a message key cannot name a bike (it is stored and compared as one), or null. */
export function checkBikeKey(key: string): string | null {
  if (key.length > MAX_KEY_LENGTH) return `message key is over ${MAX_KEY_LENGTH} characters`;
  const why = unstorable(key);
  return why && `message key holds ${why}`;
}

/** Why a line of this many bytes is refused, or null when it is within the limit. */
export function checkLineSize(bytes: number): string | null {
  if (bytes <= MAX_LINE_BYTES) return null;
  return `line is too long: ${bytes} bytes, over the ${MAX_LINE_BYTES >> 20} MiB limit (only its first ${KEPT_HEAD_BYTES >> 10} KiB are kept)`;
}

function stripEol(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 10 || s.charCodeAt(end - 1) === 13)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Parses one feed line as `unwrapMessage` gives it; `zone` is the IANA zone of the bikes' clocks. */
export function parseLine(line: string, zone: string): ParseResult {
  if (line.startsWith(MARKER_PREFIX)) {
    const text = line.slice(MARKER_PREFIX.length).trim();
    if (text.startsWith('beginning of')) return { kind: 'ok', event: { kind: 'marker', text } };
    return reject('unknown marker line: not "--------- beginning of ..."');
  }
  const tsEnd = timestampEnd(line);
  if (tsEnd < 0)
    return reject('line has no "YYYY-MM-DD HH:MM:SS[.ffffff]" timestamp and is no marker');
  const atMs = timestampMs(line, tsEnd, zone);
  if (atMs === null) return reject(`impossible timestamp "${line.slice(0, tsEnd)}"`);
  const rest = line.slice(tsEnd + 1);
  const sep = rest.indexOf(': ');
  if (sep <= 0) return reject('line has no "<host>: " tag after the timestamp');
  if (sep > 200) return reject('host tag is over 200 characters');
  const host = rest.slice(0, sep);
  const body = rest.slice(sep + 2);
  if (body.startsWith('[INFO]: Telemetry')) return telemetry(body, atMs, host);
  if (body.startsWith('[INFO]: Ride')) return ride(body, atMs, host);
  if (body.startsWith(SYSTEM_PREFIX)) return system(body, atMs, host);
  if (body.startsWith('Getting user data'))
    return { kind: 'ok', event: { kind: 'user-lookup', atMs, host } };
  return reject(
    'unknown line kind: after the host tag comes neither [INFO]: Ride, [INFO]: Telemetry, [SYSTEM] data = nor Getting user data',
  );
}

function telemetry(body: string, atMs: number, host: string): ParseResult {
  const m = TELEMETRY.exec(body);
  if (!m) return reject('malformed Telemetry line: not "hrt = N; rpm = N; power = N"');
  const heartRate = Number(m[1]);
  const rpm = Number(m[2]);
  const powerW = Number(m[3]);
  const bad =
    checkInt('hrt', heartRate, LIMITS.heartRate) ??
    checkInt('rpm', rpm, LIMITS.rpm) ??
    checkRange('power', powerW, LIMITS.powerW);
  if (bad) return reject(bad);
  return { kind: 'ok', event: { kind: 'telemetry', atMs, host, heartRate, rpm, powerW } };
}

function ride(body: string, atMs: number, host: string): ParseResult {
  const m = RIDE.exec(body);
  if (!m) return reject('malformed Ride line: not "duration = N; resistance = N"');
  const elapsedS = Number(m[1]);
  const resistance = Number(m[2]);
  const bad =
    checkInt('duration', elapsedS, LIMITS.elapsedS) ??
    checkInt('resistance', resistance, LIMITS.resistance);
  if (bad) return reject(bad);
  return { kind: 'ok', event: { kind: 'ride', atMs, host, elapsedS, resistance } };
}

function system(body: string, atMs: number, host: string): ParseResult {
  const record = body.slice(SYSTEM_PREFIX.length);
  // A rider record is a few hundred characters: a huge one is not parsed or walked at all.
  if (record.length > MAX_RECORD_CHARS)
    return reject(
      `[SYSTEM] data is ${record.length} characters, over the ${MAX_RECORD_CHARS} a rider record may hold`,
    );
  let data: unknown;
  try {
    data = JSON.parse(record);
  } catch (e) {
    // Not even JSON: a corrupt line of any kind, not known to start a ride. It is set aside alone.
    return reject(`[SYSTEM] data is not valid JSON${jsonErrorAt(e)}`);
  }
  const bad = unstorableInJson(data);
  return {
    kind: 'ok',
    event: { kind: 'system', atMs, host, data, invalid: bad && `[SYSTEM] data: ${bad}` },
  };
}

function checkInt(name: string, v: number, max: number): string | undefined {
  if (!Number.isInteger(v)) return `${name} ${v} is not a whole number`;
  return checkRange(name, v, max);
}

function checkRange(name: string, v: number, max: number): string | undefined {
  if (!Number.isFinite(v) || v < 0 || v > max) return `${name} ${v} is outside 0..${max}`;
  return undefined;
}

// Day starts by date text: lines of one day share it, so the calendar check runs once a day.
const dayCache = new Map<string, number | null>();

function dayStartMs(text: string): number | null {
  let v = dayCache.get(text);
  if (v === undefined) {
    const y = Number(text.slice(0, 4));
    const mo = Number(text.slice(5, 7));
    const d = Number(text.slice(8, 10));
    const ms = Date.UTC(y, mo - 1, d);
    // Date.UTC rolls 31 February over into March; a real clock never prints that.
    const date = new Date(ms);
    v = mo >= 1 && mo <= 12 && date.getUTCDate() === d && date.getUTCMonth() === mo - 1 ? ms : null;
    if (dayCache.size > 5_000) dayCache.clear();
    dayCache.set(text, v);
  }
  return v;
}

const two = (s: string, i: number): number =>
  (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Index just past "YYYY-MM-DD HH:MM:SS[.f{1,6}]" at the start of `s` when a space follows it,
 * else -1. Hand-written: a regex and its match array per line cost a tenth of the parse.
 */
function timestampEnd(s: string): number {
  if (s.length < 21) return -1;
  for (let i = 0; i < 19; i++) {
    const c = s.charCodeAt(i);
    const sep = TIMESTAMP_SEPARATORS[i];
    if (sep === undefined ? !isDigit(c) : c !== sep) return -1;
  }
  let end = 19;
  if (s.charCodeAt(19) === 46 /* . */) {
    end = 20;
    while (end < 26 && isDigit(s.charCodeAt(end))) end++;
    if (end === 20) return -1;
  }
  return s.charCodeAt(end) === 32 ? end : -1;
}
// Expected character at each fixed position of "YYYY-MM-DD HH:MM:SS" (undefined: a digit).
const TIMESTAMP_SEPARATORS: Readonly<Record<number, number>> = {
  4: 45,
  7: 45,
  10: 32,
  13: 58,
  16: 58,
};

function timestampMs(t: string, end: number, zone: string): number | null {
  const year = Number(t.slice(0, 4));
  // Before the epoch or far ahead is a broken clock; both ends also keep Date.UTC and ISO printing exact.
  if (year < 1970 || year > 2999) return null;
  const day = dayStartMs(t.slice(0, 10));
  if (day === null) return null;
  const h = two(t, 11);
  const mi = two(t, 14);
  const s = two(t, 17);
  if (h > 23 || mi > 59 || s > 59) return null;
  let frac = 0;
  if (end > 20) {
    // Microseconds to whole milliseconds: the first three digits, padded.
    let ms = 0;
    for (let i = 20; i < 23; i++) ms = ms * 10 + (i < end ? t.charCodeAt(i) - 48 : 0);
    frac = ms;
  }
  return wallClockToEpochMs(day + ((h * 60 + mi) * 60 + s) * 1000 + frac, zone);
}

/**
 * Where JSON.parse gave up, without its message: V8 quotes the text around the error, and a
 * reason must never carry what a rider record says.
 */
function jsonErrorAt(e: unknown): string {
  const at = /position (\d+)/.exec((e as Error).message);
  return at ? ` (at character ${at[1]})` : '';
}
