import { execFileSync } from 'node:child_process';

/**
 * Resets every established TCP connection of process `pid` to loopback `port` (`ss -K`, as a
 * broker restart or a network blip would); returns how many. Needs root and SOCK_DESTROY.
 */
export function resetConnections(pid: number, port: number): number {
  const lines = execFileSync('ss', ['-tnpH', 'state', 'established', `( dport = :${port} )`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`));
  for (const line of lines) {
    const local = line.trim().split(/\s+/)[2] ?? '';
    const sport = local.slice(local.lastIndexOf(':') + 1);
    execFileSync('ss', ['-K', 'dst', '127.0.0.1', `( dport = :${port} and sport = :${sport} )`], {
      stdio: 'ignore',
    });
  }
  return lines.length;
}
