// `deloton keys` and `deloton serve` as people and scripts use them.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './support/cli.js';
import { createPgDatabase } from './support/databases.js';
import { tryConnect } from './support/raw-http.js';

/** Starts `deloton serve` and resolves with its address once it listens. */
async function serve(env: Record<string, string>) {
  const child = spawnCli(['serve'], { PORT: '0', LOG_LEVEL: 'info', ...env });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  for (let i = 0; i < 600; i++) {
    const m = /"address":"([^"]+)"[^\n]*"msg":"http server listening"/.exec(err);
    if (m) return { child, exited, address: m[1]!, stderr: () => err };
    if (child.exitCode !== null) throw new Error(`serve exited: ${err}`);
    await sleep(50);
  }
  throw new Error(`serve did not listen: ${err}`);
}

describe('deloton keys and serve', () => {
  let pg: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    pg = await createPgDatabase();
  });
  afterAll(async () => pg.drop());

  it('creates, lists and revokes keys; the key is printed once, alone on the last line', async () => {
    const env = { DATABASE_URL: pg.url };
    const made = await runCli(['keys', 'create', '--role', 'viewer', '--name', 'grafana'], env);
    expect(made.code).toBe(0);
    const key = made.stdout.trimEnd().split('\n').pop()!;
    expect(key).toMatch(/^dlt_[A-Za-z0-9_-]{43}$/);
    const list = await runCli(['keys', 'list'], env);
    expect(list.stdout).toMatch(/grafana\s+viewer\s+dlt_/);
    expect(list.stdout).not.toContain(key);
    const json = JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout) as {
      name: string;
      revoked_at: string | null;
    }[];
    expect(json.find((k) => k.name === 'grafana')).toMatchObject({ revoked_at: null });

    const twice = await runCli(['keys', 'create', '--role', 'admin', '--name', 'grafana'], env);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/a key named "grafana" exists already/);
    const badRole = await runCli(['keys', 'create', '--role', 'boss', '--name', 'x'], env);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/--role.*boss.*viewer, admin/s);
    const badName = await runCli(
      ['keys', 'create', '--role', 'admin', '--name', "x'; DROP TABLE api_keys;--"],
      env,
    );
    expect(badName.code).not.toBe(0);
    expect(badName.stderr).toMatch(/--name/);
    // `keys revoke 2024` means key id 2024, so a name may not be all digits.
    const digits = await runCli(['keys', 'create', '--role', 'admin', '--name', '2024'], env);
    expect(digits.code).not.toBe(0);
    expect(digits.stderr).toMatch(/must not be digits only/);

    const s = await serve(env);
    try {
      const get = (path: string) =>
        fetch(`${s.address}${path}`, { headers: { authorization: `Bearer ${key}` } });
      expect((await get('/api/rides')).status).toBe(200);
      expect((await get('/api/docs')).headers.get('content-type')).toMatch(/text\/html/);
      expect((await (await get('/api/openapi.json')).json()) as { openapi: string }).toMatchObject({
        openapi: '3.0.3',
      });
      const revoked = await runCli(['keys', 'revoke', 'grafana'], env);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toMatch(/Revoked key "grafana"/);
      let status = 200;
      for (let i = 0; i < 150 && status === 200; i++) {
        await sleep(20);
        status = (await get('/api/rides')).status;
      }
      expect(status).toBe(401);
      expect((await runCli(['keys', 'revoke', 'nobody'], env)).stderr).toMatch(
        /no API key with id or name "nobody"/,
      );
    } finally {
      s.child.kill('SIGINT');
    }
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toMatch(/stopped cleanly/);
  });

  it('serves on the address HOST names, and only there', async () => {
    const s = await serve({ DATABASE_URL: pg.url, HOST: '127.0.0.2' });
    try {
      expect(s.address).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
      expect((await fetch(`${s.address}/health`)).status).toBe(200);
      // The default address, on the same port, has no listener.
      expect(await tryConnect('127.0.0.1', Number(new URL(s.address).port))).toBe('ECONNREFUSED');
    } finally {
      s.child.kill('SIGINT');
    }
    expect(await s.exited).toBe(0);
  });

  it('refuses a second process on the embedded database instead of corrupting it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deloton-lock-'));
    const s = await serve({ DATA_DIR: dataDir });
    try {
      const second = await runCli(['keys', 'create', '--role', 'admin', '--name', 'x'], {
        DATA_DIR: dataDir,
      });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`in use by process ${s.child.pid}`));
    } finally {
      s.child.kill('SIGINT');
    }
    expect(await s.exited).toBe(0);
    // Once it has stopped, the directory is free again.
    const after = await runCli(['keys', 'create', '--role', 'admin', '--name', 'x'], {
      DATA_DIR: dataDir,
    });
    expect(after.code).toBe(0);
    // A lock left by a crash whose pid now belongs to another process (another start time) is
    // taken over.
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dataDir, 'pgdata.lock'), `${other.pid} 12345`);
      const stale = await runCli(['keys', 'create', '--role', 'admin', '--name', 'y'], {
        DATA_DIR: dataDir,
      });
      expect(stale.stderr).toBe('');
      expect(stale.code).toBe(0);
    } finally {
      other.kill();
    }
  });
});
