// Samples a process's resident memory from /proc (Linux), since the child's own heap statistics
// leave out native memory: pg buffers, PGlite's WebAssembly heap, stream buffers.
import { readFileSync } from 'node:fs';

export interface RssSample {
  /** Milliseconds since sampling started. */
  readonly atMs: number;
  readonly kb: number;
}

/** VmRSS of `pid` in kB, or null once the process is gone. */
export function readRssKb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m?.[1] ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Samples every `everyMs` until `stop()`, which returns the samples. */
export function sampleRss(pid: number, everyMs = 100): { stop(): RssSample[] } {
  const started = Date.now();
  const samples: RssSample[] = [];
  const take = (): void => {
    const kb = readRssKb(pid);
    if (kb !== null) samples.push({ atMs: Date.now() - started, kb });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

/** Peak RSS in MB overall and in each half of the run (by time), to see whether memory grows. */
export function rssSummary(samples: readonly RssSample[]): {
  maxRssMb: number;
  rssFirstHalfMb: number;
  rssSecondHalfMb: number;
} {
  const mb = (kb: number): number => Math.round(kb / 1024);
  const end = samples.at(-1)?.atMs ?? 0;
  let all = 0;
  let first = 0;
  let second = 0;
  for (const s of samples) {
    all = Math.max(all, s.kb);
    if (s.atMs <= end / 2) first = Math.max(first, s.kb);
    else second = Math.max(second, s.kb);
  }
  return { maxRssMb: mb(all), rssFirstHalfMb: mb(first), rssSecondHalfMb: mb(second) };
}
