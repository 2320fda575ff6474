// CPU use from /proc (Linux), since pidusage is not installed: one process's user + system time,
// and the whole machine's busy share, over a measured window.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

// USER_HZ: the unit of /proc's CPU times; 100 on every Linux this runs on.
const TICKS_PER_S = 100;

/** A process as /proc/PID/stat tells it: its parent, its command name and its CPU seconds. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** utime + stime, in seconds. */
  readonly cpuS: number;
}

/** One process's /proc stat, or null once it is gone. */
export function readProcStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after the command name (which may hold spaces), from field 3 on: ppid is 4, utime
    // 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      pid,
      ppid: Number(rest[1]),
      comm,
      cpuS: (Number(rest[11]) + Number(rest[12])) / TICKS_PER_S,
    };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used, or null once it is gone. */
function processCpuS(pid: number): number | null {
  return readProcStat(pid)?.cpuS ?? null;
}

/** The machine's CPU times (all cores): busy and total, in ticks. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const t = line.trim().split(/\s+/).slice(1).map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  // idle and iowait are not busy.
  const idle = (t[3] ?? 0) + (t[4] ?? 0);
  return { busy: total - idle, total };
}

/** What a window used: per named process, % of one core; the machine, % of all its cores. */
export interface CpuUse {
  readonly processPercentOfCore: Record<string, number>;
  readonly machineBusyPercent: number;
  /** The 1-minute load average at the window's end (2 cores here: above 2 means queued work). */
  readonly loadAvg1: number;
}

/** Starts measuring; `read()` gives the use since then. */
export function startCpuMeter(pids: Record<string, number>): { read(): CpuUse } {
  const t0 = performance.now();
  const m0 = machineTicks();
  const p0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuS(pid)]));
  return {
    read: () => {
      const s = (performance.now() - t0) / 1000;
      const m1 = machineTicks();
      const processPercentOfCore: Record<string, number> = {};
      for (const [k, pid] of Object.entries(pids)) {
        const a = p0[k];
        const b = processCpuS(pid);
        if (a !== null && a !== undefined && b !== null)
          processPercentOfCore[k] = Math.round(((b - a) / s) * 100);
      }
      const total = m1.total - m0.total;
      return {
        processPercentOfCore,
        machineBusyPercent: total > 0 ? Math.round(((m1.busy - m0.busy) / total) * 100) : NaN,
        loadAvg1: Number((loadavg()[0] ?? NaN).toFixed(2)),
      };
    },
  };
}
