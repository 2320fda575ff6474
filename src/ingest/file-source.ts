import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DelotonError } from '../domain/errors.js';
import type { PositionLoader, Source, SourceMessage } from './source.js';

export interface FileSourceOptions {
  readonly path: string;
  /** End at the end of the file; otherwise keep following it as it grows (like `tail -f`). */
  readonly untilIdle: boolean;
  /** How often a followed file is checked for growth. */
  readonly pollMs?: number;
}

const NL = 0x0a;
const CHUNK_MESSAGES = 2_000;
const MAX_LINE = 16 << 20;
const PARTIAL_LINE_WAIT_MS = 200;

/** A file of one message per line (the `{"log": ...}` envelope or a bare line); positions are byte offsets. */
export function createFileSource(opts: FileSourceOptions): Source {
  const path = resolve(opts.path);
  return {
    name: `file:${path}`,
    read: (load, signal) => readFile(path, opts, load, signal),
    close: () => Promise.resolve(),
  };
}

async function* readFile(
  path: string,
  opts: FileSourceOptions,
  load: PositionLoader,
  signal: AbortSignal,
): AsyncGenerator<SourceMessage[]> {
  try {
    await stat(path);
  } catch (e) {
    throw new DelotonError(
      'source_unavailable',
      `cannot read feed file ${path}: ${(e as Error).message}`,
    );
  }
  let pos = (await load([0])).get(0) ?? 0;
  for (;;) {
    let carry: Buffer | null = null;
    let carryStart = pos;
    // A line longer than MAX_LINE is cut: its head is kept (to be rejected with its reason), the
    // rest skipped up to its newline, so one broken line cannot exhaust memory.
    let oversize: { offset: number; head: string } | null = null;
    const stream = createReadStream(path, { start: pos, highWaterMark: 1 << 20 });
    for await (const raw of stream as AsyncIterable<Buffer>) {
      if (signal.aborted) {
        stream.destroy();
        return;
      }
      const buf: Buffer = carry ? Buffer.concat([carry, raw]) : raw;
      let lineStart = 0;
      let out: SourceMessage[] = [];
      for (let nl = buf.indexOf(NL); nl !== -1; nl = buf.indexOf(NL, lineStart)) {
        const offset = carryStart + lineStart;
        const next = carryStart + nl + 1;
        if (oversize) {
          out.push({
            partition: 0,
            offset: oversize.offset,
            next,
            key: null,
            value: oversize.head,
          });
          oversize = null;
        } else if (nl > lineStart) {
          out.push({
            partition: 0,
            offset,
            next,
            key: null,
            value: buf.toString('utf8', lineStart, nl),
          });
        }
        if (out.length >= CHUNK_MESSAGES) {
          yield out;
          out = [];
        }
        lineStart = nl + 1;
      }
      if (out.length) yield out;
      carry = lineStart < buf.length ? buf.subarray(lineStart) : null;
      carryStart += lineStart;
      if (carry && carry.length > MAX_LINE) {
        oversize ??= {
          offset: carryStart,
          head: `${carry.toString('utf8', 0, 4096)}... [line cut: over ${MAX_LINE} bytes]`,
        };
        carryStart += carry.length;
        carry = null;
      }
    }
    const partial = (carry?.length ?? 0) > 0 || oversize !== null;
    // Reading resumes at the start of the unfinished line, if any.
    pos = oversize ? oversize.offset : carryStart;
    if (opts.untilIdle) {
      if (!partial) return;
      // A last line without its newline may still be being written: read on if the file grows.
      await sleep(PARTIAL_LINE_WAIT_MS);
      if ((await stat(path)).size > carryStart + (carry?.length ?? 0)) continue;
      const value = oversize ? oversize.head : carry!.toString('utf8');
      const offset = oversize ? oversize.offset : carryStart;
      yield [{ partition: 0, offset, next: carryStart + (carry?.length ?? 0), key: null, value }];
      return;
    }
    try {
      await sleep(opts.pollMs ?? 250, undefined, { signal });
    } catch {
      return;
    }
  }
}
