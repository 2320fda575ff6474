// The CPU the soak's browser takes: on these 2 cores it shares the machine with the platform it
// watches. Chromium runs as several processes (browser, zygotes, renderers), found by ancestry.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100;

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** utime + stime, in seconds. */
  readonly cpuS: number;
}

function processes(): Proc[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const cpuS = (Number(rest[11]) + Number(rest[12])) / TICKS_PER_S;
        return [{ pid: Number(d), ppid: Number(rest[1]), comm, cpuS }];
      } catch {
        return []; // gone while listed
      }
    });
}

/** The Chromium processes this process started (directly or through Chromium's own). */
export function chromiumOfMine(): Proc[] {
  const all = processes();
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
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
