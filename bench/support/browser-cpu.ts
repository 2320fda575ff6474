// The CPU the soak's browser takes: on these 2 cores it shares the machine with the platform it
// watches. Chromium runs as several processes (browser, zygotes, renderers), found by ancestry.
import { readdirSync } from 'node:fs';
import { readProcStat, type ProcStat } from './proc-cpu.js';

function processes(): ProcStat[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => readProcStat(Number(d)) ?? []); // gone while listed: none
}

/** The Chromium processes this process started (directly or through Chromium's own). */
export function chromiumOfMine(): ProcStat[] {
  const all = processes();
  const children = new Map<number, ProcStat[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcStat[] = [];
  const walk = (pid: number): void => {
    for (const c of children.get(pid) ?? []) {
      if (c.comm.startsWith('chrom')) out.push(c);
      walk(c.pid);
    }
  };
  walk(process.pid);
  return out;
}

/** CPU seconds the running Chromium processes of this process have used. */
export function chromiumCpuS(): number {
  return chromiumOfMine().reduce((s, p) => s + p.cpuS, 0);
}
