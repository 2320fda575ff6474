import { open, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { DelotonError } from '../domain/errors.js';
import {
  FINGERPRINT_BYTES,
  fingerprintOf,
  formatIdentity,
  startOf,
  type FileStart,
} from './file-identity.js';
import { LineSplitter, type Line } from './line-splitter.js';
import type { PositionLoader, Source, SourceMessage } from './source.js';

export interface FileSourceOptions {
  readonly path: string;
  /** End at the end of the file; otherwise keep following it as it grows (like `tail -f`). */
  readonly untilIdle: boolean;
  /** How often a followed file is checked for growth. */
  readonly pollMs?: number;
  readonly logger?: Logger;
}

const CHUNK_BYTES = 1 << 20;
const CHUNK_MESSAGES = 2_000;
const PARTIAL_LINE_WAIT_MS = 200;

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

/** One open file at the path, and where its bytes sit among the positions. */
class OpenFeed {
  private head = Buffer.alloc(0);
  private identity = '';

  constructor(
    readonly fh: FileHandle,
    readonly inode: number,
    /** The position of the file's byte 0. */
    readonly base: number,
  ) {}

  /** Notes bytes read at `offset`, to fingerprint the file by its first KiB as it is read. */
  saw(bytes: Buffer, offset: number): void {
    if (offset > this.head.length || this.head.length >= FINGERPRINT_BYTES) return;
    const more = bytes.subarray(this.head.length - offset, FINGERPRINT_BYTES - offset);
    if (more.length === 0) return;
    this.head = Buffer.concat([this.head, more]);
    this.identity = formatIdentity({
      base: this.base,
      headBytes: this.head.length,
      fingerprint: fingerprintOf(this.head),
      inode: this.inode,
    });
  }

  message(line: Line): SourceMessage {
    return {
      partition: 0,
      offset: this.base + line.offset,
      next: this.base + line.next,
      key: null,
      value: line.text,
      identity: this.identity,
      ...(line.cutFromBytes === undefined ? {} : { cutFromBytes: line.cutFromBytes }),
    };
  }
}

async function openFeed(path: string, base: number): Promise<OpenFeed> {
  try {
    const fh = await open(path, 'r');
    return new OpenFeed(fh, (await fh.stat()).ino, base);
  } catch (e) {
    throw new DelotonError(
      'source_unavailable',
      `cannot read feed file ${path}: ${(e as Error).message}`,
    );
  }
}

async function* readFeedFile(
  path: string,
  opts: FileSourceOptions,
  load: PositionLoader,
  signal: AbortSignal,
): AsyncGenerator<SourceMessage[]> {
  let feed = await openFeed(path, 0);
  const stored = (await load([0])).get(0) ?? null;
  const start = await startOf(stored, feed.fh, (await feed.fh.stat()).size);
  reportStart(start, path, opts.logger);
  let offset = start.kind === 'resume' ? start.offset : 0;
  feed = new OpenFeed(feed.fh, feed.inode, start.base);
  if (offset > 0) await fingerprintHead(feed);
  let lines = new LineSplitter(offset);
  const buf = Buffer.alloc(CHUNK_BYTES);
  try {
    for (;;) {
      // Read to the end of what the file holds now.
      for (;;) {
        if (signal.aborted) return;
        const { bytesRead } = await feed.fh.read(buf, 0, CHUNK_BYTES, offset);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        feed.saw(chunk, offset);
        offset += bytesRead;
        yield* inChunks(lines.push(chunk).map((l) => feed.message(l)));
      }
      if (opts.untilIdle) {
        if (lines.pendingBytes === 0) return;
        // A last line without its newline may still be being written: read on if it grows.
        await sleep(PARTIAL_LINE_WAIT_MS);
        if ((await feed.fh.stat()).size > offset) continue;
        opts.logger?.warn(
          { path, position: feed.base + lines.resumeAt, bytes: lines.pendingBytes },
          'the last line has no newline yet: left for the next run',
        );
        return;
      }
      const moved = await movedAway(path, feed, offset);
      if (moved) {
        // Whatever the old file got before it was moved is read first; then the new one from its
        // start, its positions going on after the old file's end.
        for (;;) {
          const { bytesRead } = await feed.fh.read(buf, 0, CHUNK_BYTES, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
          yield* inChunks(lines.push(buf.subarray(0, bytesRead)).map((l) => feed.message(l)));
        }
        const tail = lines.flushPartial();
        if (tail) yield [feed.message(tail)];
        const base = feed.base + offset;
        await feed.fh.close();
        feed = await openFeed(path, base);
        opts.logger?.warn(
          { path, position: base, inode: feed.inode },
          `feed file was ${moved}: reading the new file from its start`,
        );
        offset = 0;
        lines = new LineSplitter(0);
        continue;
      }
      try {
        await sleep(opts.pollMs ?? 250, undefined, { signal });
      } catch {
        return;
      }
    }
  } finally {
    await feed.fh.close().catch(() => undefined);
  }
}

/** Whether the path now names another file (rotated) or a shorter one (truncated in place). */
async function movedAway(
  path: string,
  feed: OpenFeed,
  offset: number,
): Promise<'replaced' | 'truncated' | null> {
  const now = await stat(path).catch(() => null);
  // Gone, with no new file yet: keep reading the old one until one appears.
  if (!now) return null;
  if (now.ino !== feed.inode) return 'replaced';
  return now.size < offset ? 'truncated' : null;
}

/** A resumed file's fingerprint covers its first KiB from the start, as a fresh read's does. */
async function fingerprintHead(feed: OpenFeed): Promise<void> {
  const head = Buffer.alloc(FINGERPRINT_BYTES);
  const { bytesRead } = await feed.fh.read(head, 0, FINGERPRINT_BYTES, 0);
  feed.saw(head.subarray(0, bytesRead), 0);
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

function* inChunks(messages: SourceMessage[]): Generator<SourceMessage[]> {
  for (let i = 0; i < messages.length; i += CHUNK_MESSAGES)
    yield messages.slice(i, i + CHUNK_MESSAGES);
}
