// File-specific behaviour of the file source, beyond the Source contract.
import { appendFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createFileSource } from '../src/ingest/file-source.js';
import type { SourceMessage } from '../src/ingest/source.js';
import { tempFile } from './support/ingest.js';

async function readAll(path: string): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  const source = createFileSource({ path, untilIdle: true });
  for await (const chunk of source.read(
    () => Promise.resolve(new Map()),
    new AbortController().signal,
  ))
    out.push(...chunk);
  return out;
}

describe('file source', () => {
  it('takes a last line without a newline once the file stops growing', async () => {
    const path = tempFile(['a']);
    appendFileSync(path, 'b');
    expect((await readAll(path)).map((m) => m.value)).toEqual(['a', 'b']);
  });

  it('waits for a last line that is still being written', async () => {
    const path = tempFile(['first']);
    appendFileSync(path, '{"log": "half');
    const reading = readAll(path);
    await sleep(50);
    appendFileSync(path, ' and the rest"}\nlast\n');
    expect((await reading).map((m) => m.value)).toEqual([
      'first',
      '{"log": "half and the rest"}',
      'last',
    ]);
  });

  it('cuts a line over 16 MiB instead of holding it, and goes on after it', async () => {
    const path = tempFile([]);
    writeFileSync(path, `before\n${'x'.repeat(17 << 20)}\nafter\n`);
    const got = await readAll(path);
    expect(got.map((m) => m.value.slice(0, 10))).toEqual(['before', 'xxxxxxxxxx', 'after']);
    expect(got[1]!.value).toMatch(/\[line cut: over 16777216 bytes\]$/);
    expect(got[1]!.value.length).toBeLessThan(5_000);
    expect(got[2]!.offset).toBe(7 + (17 << 20) + 1);
  });
});
