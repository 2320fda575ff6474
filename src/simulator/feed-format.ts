// Feed lines and message values byte-for-byte as the real bikes print them. This runs for every
// message, so timestamps come from integer arithmetic and a per-second cache, not Date objects.
import { HOST_SYLLABLES, HOST_WORDS } from './name-lists.js';

/** Marker a bike prints once, before its very first message. */
export const MAIN_MARKER = '--------- beginning of main';
/** Marker that opens every ride. */
export const RIDE_MARKER = '--------- beginning of a new ride';

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

function pad2(n: number): string {
  return PAD2[n] ?? String(n).padStart(2, '0');
}

function pad3(n: number): string {
  return PAD3[n] ?? String(n).padStart(3, '0');
}

/** `YYYY-MM-DD ` for a count of days since 1970-01-01 (proleptic Gregorian, UTC). */
function datePrefix(days: number): string {
  // Howard Hinnant's civil_from_days: exact for any day count, no Date object needed.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)} `;
}

/** Formats UTC timestamps as the feed does, caching the part that changes once a second. */
export class TimestampFormatter {
  private second = Number.NaN;
  private secondPrefix = '';
  private day = Number.NaN;
  private dayPrefix = '';

  /** `YYYY-MM-DD HH:MM:SS.ffffff` for `atMs`; `extraMicros` (0..999) fills the last 3 digits. */
  format(atMs: number, extraMicros: number): string {
    const second = Math.floor(atMs / 1000);
    if (second !== this.second) {
      this.second = second;
      const day = Math.floor(second / 86400);
      if (day !== this.day) {
        this.day = day;
        this.dayPrefix = datePrefix(day);
      }
      const inDay = second - day * 86400;
      const h = Math.floor(inDay / 3600);
      const m = Math.floor((inDay - h * 3600) / 60);
      this.secondPrefix = `${this.dayPrefix}${pad2(h)}:${pad2(m)}:${pad2(inDay % 60)}.`;
    }
    return this.secondPrefix + pad3(atMs - second * 1000) + pad3(extraMicros);
  }
}

/** Power as the feed prints a double: shortest round-trip digits, always with a decimal point. */
export function formatPower(watts: number): string {
  // JS and the bikes' runtime agree on shortest round-trip digits; only integers differ ("0.0").
  return Number.isInteger(watts) ? `${watts}.0` : String(watts);
}

/** Wraps a feed line in the message envelope exactly as recorded: `{"log": "<line>\n"}`. */
export function envelope(line: string): string {
  // The recorded envelope has a space after the colon (Python's json.dumps), unlike JSON.stringify.
  return `{"log": ${JSON.stringify(line + '\n')}}`;
}

/** Message value for a marker line, which carries no timestamp. */
export function markerValue(marker: string): string {
  return `{"log": "${marker}\\n"}`;
}

/** Message value for `<ts> <host>: Getting user data from server..`. */
export function userLookupValue(ts: string, host: string): string {
  return `{"log": "${ts} ${host}: Getting user data from server..\\n"}`;
}

/** Message value for `<ts> <host>: [SYSTEM] data = {json}`. */
export function systemValue(ts: string, host: string, riderJson: string): string {
  return envelope(`${ts} ${host}: [SYSTEM] data = ${riderJson}`);
}

/** Message value for `<ts> <host>: [INFO]: Ride - duration = D.0; resistance = R`. */
export function rideValue(ts: string, host: string, duration: number, resistance: number): string {
  // Host tags and numbers need no JSON escaping, so the envelope is built directly.
  return `{"log": "${ts} ${host}: [INFO]: Ride - duration = ${duration}.0; resistance = ${resistance}\\n"}`;
}

/** Message value for `<ts> <host>: [INFO]: Telemetry - hrt = H; rpm = R; power = P`. */
export function telemetryValue(
  ts: string,
  host: string,
  hrt: number,
  rpm: number,
  watts: number,
): string {
  return `{"log": "${ts} ${host}: [INFO]: Telemetry - hrt = ${hrt}; rpm = ${rpm}; power = ${formatPower(watts)}\\n"}`;
}

/** Host tag of bike `index`: a city-like word and firmware, distinct per bike (`mendoza v9`). */
export function hostTag(index: number): string {
  const words = HOST_WORDS.length;
  let word = HOST_WORDS[index % words] ?? 'bike';
  // Past the word list, append a bijective base-N syllable count so tags never repeat.
  let cycle = Math.floor(index / words);
  while (cycle > 0) {
    cycle--;
    word += HOST_SYLLABLES[cycle % HOST_SYLLABLES.length] ?? '';
    cycle = Math.floor(cycle / HOST_SYLLABLES.length);
  }
  return `${word} v9`;
}
