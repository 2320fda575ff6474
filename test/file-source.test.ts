// File-specific behaviour of the file source, beyond the Source contract: complete lines only,
// lines over the limit, and files replaced, truncated or rotated at their path.
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createFileSource } from '../src/ingest/file-source.js';
import type { SourceMessage, StoredPosition } from '../src/ingest/source.js';
import { tempFile } from './support/ingest.js';

/** Where a run left off, as the pipeline would store it: the last message's next and identity. */
type Stored = StoredPosition | null;

interface Run {
  readonly values: string[];
  readonly messages: SourceMessage[];
  readonly stored: Stored;
  readonly logs: string[];
}

function capture(): { logger: pino.Logger; logs: string[] } {
  const logs: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
        done();
      },
    }),
  );
  return { logger, logs };
}

/** Reads the file to its end from where `from` left off. */
async function readFrom(path: string, from: Stored = null): Promise<Run> {
  const { logger, logs } = capture();
  const source = createFileSource({ path, untilIdle: true, logger });
  const messages: SourceMessage[] = [];
  for await (const chunk of source.read(
    () => Promise.resolve(new Map(from ? [[0, from]] : [])),
    new AbortController().signal,
  ))
    messages.push(...chunk);
  const last = messages.at(-1);
  return {
    values: messages.map((m) => m.value),
    messages,
    stored: last ? { position: last.next, identity: last.identity ?? null } : from,
    logs,
  };
}

const lines = (prefix: string, n: number): string[] =>
  Array.from(
    { length: n },
    (_, i) => `${prefix} line ${i} of a feed file, dated 2022-07-06 23:29:${i}`,
  );

describe('file source', () => {
  it('leaves a last line without its newline for the next run, and reads it once complete', async () => {
    const path = tempFile(['a']);
    appendFileSync(path, '{"log": "power = 5');
    const first = await readFrom(path);
    expect(first.values).toEqual(['a']);
    expect(first.logs).toContain('the last line has no newline yet: left for the next run');
    appendFileSync(path, '12.5"}\n');
    expect((await readFrom(path, first.stored)).values).toEqual(['{"log": "power = 512.5"}']);
  });

  it('waits for a last line that is still being written', async () => {
    const path = tempFile(['first']);
    appendFileSync(path, '{"log": "half');
    const source = createFileSource({ path, untilIdle: true });
    const chunks = source.read(() => Promise.resolve(new Map()), new AbortController().signal);
    const it = chunks[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done ? [] : first.value.map((m) => m.value)).toEqual(['first']);
    // The reader now waits at the unfinished line: the rest arrives.
    appendFileSync(path, ' and the rest"}\nlast\n');
    const rest: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next())
      rest.push(...r.value.map((m) => m.value));
    expect(rest).toEqual(['{"log": "half and the rest"}', 'last']);
  });

  it('cuts every line over 16 MiB to its head, says how long it was, and goes on after it', async () => {
    const path = tempFile([]);
    const limit = 16 << 20;
    writeFileSync(
      path,
      `before\n${'x'.repeat(limit + 1)}\n--------- beginning of main${' '.repeat(17 << 20)}\nafter\n`,
    );
    const got = (await readFrom(path)).messages;
    expect(got.map((m) => m.value.slice(0, 9))).toEqual([
      'before',
      'xxxxxxxxx',
      '---------',
      'after',
    ]);
    expect(got.map((m) => m.cutFromBytes)).toEqual([
      undefined,
      limit + 1,
      27 + (17 << 20),
      undefined,
    ]);
    expect(got[1]!.value.length).toBe(4096);
    expect(got[3]!.offset).toBe(7 + limit + 2 + 27 + (17 << 20) + 1);
  });

  it('reads a file replaced by a smaller or a larger one from its start, saying so', async () => {
    for (const size of [3, 30]) {
      const path = tempFile(lines('old', 10));
      const first = await readFrom(path);
      writeFileSync(
        path,
        lines('new', size)
          .map((l) => `${l}\n`)
          .join(''),
      );
      const second = await readFrom(path, first.stored);
      expect(second.values).toEqual(lines('new', size));
      expect(second.logs).toEqual([
        size < 10
          ? 'feed file is shorter than the position reached (truncated, or replaced by a shorter file): reading it from its start'
          : 'feed file was replaced since the last run: reading it from its start',
      ]);
      // Positions go on after the old file's: they never move back.
      expect(second.messages[0]!.offset).toBe(first.stored!.position);
      expect(second.stored!.position).toBeGreaterThan(first.stored!.position);
      // And the new file resumes as any other.
      appendFileSync(path, 'more\n');
      expect((await readFrom(path, second.stored)).values).toEqual(['more']);
    }
  });

  it('reads the file it judged: one rotated while positions were loading is read from its position', async () => {
    const path = tempFile(lines('old', 5));
    const first = await readFrom(path);
    appendFileSync(path, `${lines('old', 7).slice(5).join('\n')}\n`);
    const source = createFileSource({ path, untilIdle: true });
    const seen: string[] = [];
    for await (const chunk of source.read(() => {
      // Loading the positions took a while (an outage): meanwhile the file was rotated.
      renameSync(path, `${path}.1`);
      writeFileSync(
        path,
        lines('new', 40)
          .map((l) => `${l}\n`)
          .join(''),
      );
      return Promise.resolve(new Map([[0, first.stored!]]));
    }, new AbortController().signal))
      seen.push(...chunk.map((m) => m.value));
    expect(seen).toEqual(lines('old', 7).slice(5));
  });

  it('resumes a file that only grew, and reads a file truncated in place from its start', async () => {
    const path = tempFile(lines('a', 5));
    const first = await readFrom(path);
    appendFileSync(path, 'grown\n');
    const grown = await readFrom(path, first.stored);
    expect(grown.values).toEqual(['grown']);
    expect(grown.logs).toEqual([]);
    truncateSync(path, 0);
    appendFileSync(path, `${lines('a', 2).join('\n')}\n`);
    const again = await readFrom(path, grown.stored);
    expect(again.values).toEqual(lines('a', 2));
    expect(again.logs).toEqual([
      'feed file is shorter than the position reached (truncated, or replaced by a shorter file): reading it from its start',
    ]);
  });

  it('follows a file rotated while it is read: the old file until it is quiet, then the new one', async () => {
    const path = tempFile(lines('old', 3));
    const { logger, logs } = capture();
    const stop = new AbortController();
    const source = createFileSource({ path, untilIdle: false, pollMs: 20, logger });
    const seen: SourceMessage[] = [];
    for await (const chunk of source.read(() => Promise.resolve(new Map()), stop.signal)) {
      seen.push(...chunk);
      if (seen.length === 3) {
        // Rotated away mid-line; the writer, not yet told, finishes the line and writes one more
        // to the old file, and a line it never finishes. Then the new file gets its lines.
        appendFileSync(path, 'old line 3 begun');
        renameSync(path, `${path}.1`);
        writeFileSync(
          path,
          lines('new', 2)
            .map((l) => `${l}\n`)
            .join(''),
        );
        appendFileSync(`${path}.1`, ' and ended\nold line 4\nnever ended');
      }
      if (seen.length >= 8) stop.abort();
    }
    expect(seen.map((m) => m.value)).toEqual([
      ...lines('old', 3),
      'old line 3 begun and ended',
      'old line 4',
      'never ended',
      ...lines('new', 2),
    ]);
    // The line the old file never finished is marked, to be set aside rather than read.
    expect(seen.map((m) => m.unterminated ?? false)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(logs).toContain('feed file was replaced: reading the new file from its start');
    // Positions never move back across the files.
    const offsets = seen.map((m) => m.offset);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
  });

  it('notices a file truncated and refilled between two polls (copytruncate), by its first bytes', async () => {
    const path = tempFile(lines('first', 4));
    const { logger, logs } = capture();
    const stop = new AbortController();
    const source = createFileSource({ path, untilIdle: false, pollMs: 20, logger });
    const seen: string[] = [];
    for await (const chunk of source.read(() => Promise.resolve(new Map()), stop.signal)) {
      seen.push(...chunk.map((m) => m.value));
      // Emptied and written again, longer than before, before the reader looks again.
      if (seen.length === 4)
        writeFileSync(
          path,
          lines('second', 6)
            .map((l) => `${l}\n`)
            .join(''),
        );
      if (seen.length >= 10) stop.abort();
    }
    expect(seen).toEqual([...lines('first', 4), ...lines('second', 6)]);
    expect(logs).toContain('feed file was truncated: reading the new file from its start');
  });

  it('reads a file from its start when the stored position falls inside a line of it', async () => {
    const path = tempFile(lines('same head', 40));
    const first = await readFrom(path);
    // The same first KiB, then other lines: the old position lands mid-line in the new file.
    writeFileSync(
      path,
      [...lines('same head', 20), ...lines('other tail, longer lines than before', 30)]
        .map((l) => `${l}\n`)
        .join(''),
    );
    const second = await readFrom(path, first.stored);
    expect(second.values[0]).toBe(lines('same head', 1)[0]);
    expect(second.logs).toEqual([
      'feed file was replaced since the last run: reading it from its start',
    ]);
  });

  it('skips the empty lines of a CRLF file', async () => {
    const path = tempFile([]);
    writeFileSync(path, 'a\r\n\r\nb\r\n');
    expect((await readFrom(path)).values).toEqual(['a\r', 'b\r']);
  });
});
