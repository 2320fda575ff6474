// A role of the CLI started with METRICS_PORT=0, and reading the Prometheus text it serves.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnCli } from './cli.js';

/** A running role: its child, its logs (stderr JSON lines), and where it serves its metrics. */
export async function role(args: string[], env: Record<string, string>) {
  const child = spawnCli(args, { LOG_LEVEL: 'info', METRICS_PORT: '0', ...env });
  const logs: Record<string, unknown>[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('{')) logs.push(JSON.parse(l) as (typeof logs)[0]);
  });
  const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  let metricsUrl: string | undefined;
  for (let i = 0; i < 600 && !metricsUrl; i++) {
    metricsUrl = logs.find((l) => l.msg === 'ops server listening')?.metrics as string | undefined;
    if (child.exitCode !== null) throw new Error(`${args[0]} exited: ${stderr}`);
    await sleep(50);
  }
  if (!metricsUrl) throw new Error('no metrics address logged');
  const base = metricsUrl.replace(/\/metrics$/, '');
  return {
    child,
    exited,
    base,
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
    health: async () => {
      const res = await fetch(`${base}/health`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
  };
}

/** The value of one sample in Prometheus text, or null when it is absent. */
export function sample(text: string, name: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : null;
}
