import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { startOf, type FileStart } from './file-identity.js';
import { OpenFeed } from './open-feed.js';
import type { PositionLoader, Source, SourceMessage } from './source.js';

export interface FileSourceOptions {
  readonly path: string;
  /** End at the end of the file; otherwise keep following it as it grows (like `tail -f`). */
  readonly untilIdle: boolean;
  /** How often a followed file is checked for growth. */
  readonly pollMs?: number;
  readonly logger?: Logger;
}

const PARTIAL_LINE_WAIT_MS = 200;
// A writer keeps appending to a rotated file until it reopens the path: the old file is read on
// until it has been quiet for this many polls.
const ROTATED_QUIET_POLLS = 4;

/**
 * A file of one message per line (the `{"log": ...}` envelope or a bare line). Positions are byte
 * offsets, continued across files that replace one another at the path; the file is known by
 * its first bytes, so a replaced or truncated file is read from its start, never from the old
 * file's offset. A line is read only once its newline has arrived.
 */
export function createFileSource(opts: FileSourceOptions): Source {
  const path = resolve(opts.path);
  return {
    name: `file:${path}`,
    read: (load, signal) => readFeedFile(path, opts, load, signal),
    close: () => Promise.resolve(),
  };
}

async function* readFeedFile(
  path: string,
  opts: FileSourceOptions,
  load: PositionLoader,
  signal: AbortSignal,
): AsyncGenerator<SourceMessage[]> {
  let feed = await startFeed(path, opts, load);
  const pollMs = opts.pollMs ?? 250;
  try {
    for (;;) {
      yield* feed.readToEnd(signal);
      if (signal.aborted) return;
      if (opts.untilIdle) {
        if (feed.pendingBytes === 0) return;
        // A last line without its newline may still be being written: read on if it grows.
        await sleep(PARTIAL_LINE_WAIT_MS);
        if ((await feed.handle.stat()).size > feed.readTo) continue;
        opts.logger?.warn(
          { path, position: feed.resumePosition, bytes: feed.pendingBytes },
          'the last line has no newline yet: left for the next run',
        );
        return;
      }
      const moved = await movedAway(path, feed);
      if (moved) {
        if (moved === 'replaced')
          for (let quiet = 0; quiet < ROTATED_QUIET_POLLS;) {
            if (!(await pause(pollMs, signal))) return;
            const before = feed.readTo;
            yield* feed.readToEnd(signal);
            quiet = feed.readTo > before ? 0 : quiet + 1;
          }
        // A line the old file will never finish is handed on marked, to be set aside.
        const tail = feed.abandonedTail();
        if (tail) yield [tail];
        const base = feed.base + feed.readTo;
        await feed.close();
        // The path may be gone again for a moment (rotated twice): wait for a file there.
        for (;;) {
          const next = await OpenFeed.open(path, base).catch(() => null);
          if (next) {
            feed = next;
            break;
          }
          if (!(await pause(pollMs, signal))) return;
        }
        opts.logger?.warn(
          { path, position: base, inode: feed.inode },
          `feed file was ${moved}: reading the new file from its start`,
        );
        continue;
      }
      if (!(await pause(pollMs, signal))) return;
    }
  } finally {
    await feed.close();
  }
}

/** Opens the file where the stored position says, or from its start when it is another file. */
async function startFeed(
  path: string,
  opts: FileSourceOptions,
  load: PositionLoader,
): Promise<OpenFeed> {
  // The decision and the reading use one handle: should the path be rotated meanwhile (loading
  // positions may wait out an outage), the file judged is the file read.
  const opened = await OpenFeed.open(path, 0);
  try {
    const stored = (await load([0])).get(0) ?? null;
    const start = await startOf(stored, opened.handle, (await opened.handle.stat()).size);
    reportStart(start, path, opts.logger);
    return await opened.startingAt(start.base, start.kind === 'resume' ? start.offset : 0);
  } catch (e) {
    await opened.close();
    throw e;
  }
}

/** Waits `ms`; false when the signal aborted meanwhile. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the path now names another file (rotated away), or the same file rewritten in place:
 * shorter than what was read, or with other first bytes (truncated and refilled between polls).
 */
async function movedAway(path: string, feed: OpenFeed): Promise<'replaced' | 'truncated' | null> {
  const now = await stat(path).catch(() => null);
  // Gone, with no new file yet: keep reading the old one until one appears.
  if (!now) return null;
  if (now.ino !== feed.inode) return 'replaced';
  if (now.size < feed.readTo || (await feed.headChanged())) return 'truncated';
  return null;
}

function reportStart(start: FileStart, path: string, logger: Logger | undefined): void {
  switch (start.kind) {
    case 'fresh':
    case 'resume':
      return;
    case 'replaced':
      logger?.warn(
        { path, position: start.base, was: start.was },
        'feed file was replaced since the last run: reading it from its start',
      );
      return;
    case 'truncated':
      logger?.warn(
        { path, position: start.base, was: start.was },
        'feed file is shorter than the position reached (truncated, or replaced by a shorter file): reading it from its start',
      );
  }
}
