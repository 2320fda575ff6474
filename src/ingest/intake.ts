import { parseLine, unwrapMessage } from '../domain/feed.js';
import type { RideTracker } from '../domain/ride-tracker.js';
import type { BatchBuilder } from './batch-builder.js';
import type { SourceMessage } from './source.js';

/** Takes one message into the batch: unwrapped, parsed and tracked, or set aside with its reason. */
export function intake(
  msg: SourceMessage,
  tracker: RideTracker,
  builder: BatchBuilder,
  feedTimeZone: string,
): void {
  builder.begin(msg);
  const un = unwrapMessage(msg.value);
  if (un.kind === 'reject') return builder.reject(un.reason, null);
  const parsed = parseLine(un.line, feedTimeZone);
  if (parsed.kind === 'reject') return builder.reject(parsed.reason, null);
  const key = msg.key ?? un.key;
  if (key !== null && (key.includes('\0') || key.length > 200))
    return builder.reject(
      'message key is not a bike serial (NUL byte or over 200 characters)',
      null,
    );
  tracker.apply(key, parsed.event, builder);
}
