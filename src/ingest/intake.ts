import {
  KEPT_HEAD_BYTES,
  MAX_LINE_BYTES,
  checkBikeKey,
  checkLineSize,
  parseLine,
  unwrapMessage,
} from '../domain/feed.js';
import type { FeedEvent } from '../domain/feed.js';
import type { Account } from '../domain/ride.js';
import type { RideTracker } from '../domain/ride-tracker.js';
import { accountOf } from '../domain/rider.js';
import type { BatchBuilder } from './batch-builder.js';
import type { SourceMessage } from './source.js';

// A bike's messages come in runs: its key, once checked, need not be checked again.
let lastGoodKey: string | null = null;

// The bike of the message `readMessage` read last. A scratch variable rather than a returned
// pair: this runs for every message, and allocates nothing it need not.
let readKey: string | null = null;

/** Takes one message into the batch: unwrapped, parsed and tracked, or set aside with its reason. */
export function intake(
  msg: SourceMessage,
  tracker: RideTracker,
  builder: BatchBuilder,
  feedTimeZone: string,
): void {
  builder.begin(msg);
  let event: FeedEvent | null;
  try {
    event = readMessage(msg, builder, feedTimeZone);
  } catch (e) {
    // Reading is meant to be total; should some input still break it, that input is set aside
    // like any other bad line, rather than stop the stream.
    return builder.reject(`line could not be read (${(e as Error).name})`, null);
  }
  // Outside the catch: the tracker's state must never be left half-changed by an error.
  if (event) tracker.apply(readKey, event, builder);
}

/** The message's event (its bike in `readKey`), or null once it has been set aside with its reason. */
function readMessage(
  msg: SourceMessage,
  builder: BatchBuilder,
  feedTimeZone: string,
): FeedEvent | null {
  if (msg.unterminated)
    return setAside(
      builder,
      'line has no newline: its file was rotated or rewritten before it ended',
    );
  const tooLong = checkLineSize(sizeOf(msg));
  // Only the head of a line over the limit is kept (the file source has cut it already).
  if (tooLong) {
    builder.rejectAs(tooLong, null, headOf(msg.value));
    return null;
  }
  const un = unwrapMessage(msg.value);
  if (un.kind === 'reject') return setAside(builder, un.reason);
  const parsed = parseLine(un.line, feedTimeZone);
  if (parsed.kind === 'reject') return setAside(builder, parsed.reason);
  const event = parsed.event;
  if (event.kind !== 'marker') builder.dated(event.atMs);
  const key = msg.key ?? un.key;
  if (key !== null && key !== lastGoodKey) {
    const badKey = checkBikeKey(key);
    if (badKey) {
      const named = event.kind === 'system' ? accountOf(event.data) : null;
      const account =
        named === null || event.kind !== 'system'
          ? null
          : { riderId: named, namedAtMs: event.atMs };
      return setAside(builder, badKey, account);
    }
    lastGoodKey = key;
  }
  readKey = key;
  return event;
}

function setAside(builder: BatchBuilder, reason: string, account: Account | null = null): null {
  builder.reject(reason, account);
  return null;
}

/** The message's size in bytes, counted only when its length says it could be over the limit. */
function sizeOf(msg: SourceMessage): number {
  if (msg.cutFromBytes !== undefined) return msg.cutFromBytes;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most messages need no count at all.
  return msg.value.length * 3 <= MAX_LINE_BYTES ? 0 : Buffer.byteLength(msg.value);
}

/** The first KEPT_HEAD_BYTES bytes of a text, as text (a character cut in two becomes U+FFFD). */
function headOf(text: string): string {
  if (text.length <= KEPT_HEAD_BYTES / 3) return text;
  return Buffer.from(text.slice(0, KEPT_HEAD_BYTES), 'utf8')
    .subarray(0, KEPT_HEAD_BYTES)
    .toString('utf8');
}
