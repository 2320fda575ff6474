// compose.yaml, the Dockerfile and docs/operations.md against the CLI and config.ts they describe:
// nothing here can be run without a Docker engine, so what can drift is checked instead.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ENV_VARIABLES, loadConfig } from '../src/config.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/**
 * The CLI's commands that are not long-running roles, and why. Every other command is a role that
 * compose.yaml must run: a new command fails this test until it has a service or a line here.
 */
const NOT_ROLES: Readonly<Record<string, string>> = {
  start: 'every role in one process, for a laptop; compose runs the roles apart',
  report: 'one report on demand',
  'keys create': 'one-shot administration',
  'keys list': 'one-shot administration',
  'keys revoke': 'one-shot administration',
  'bi grant': 'one-shot administration',
  'bi revoke': 'one-shot administration',
  'bi tds': 'writes a file',
  'bi serve': 'the embedded database only: refused with DATABASE_URL',
  'db migrate': 'one-shot, run by the migrate service before the roles',
  'db maintain': 'one-shot from cron; each ingest process does the same hourly',
};

/**
 * Commands and options as `--help` lists them, walked from the top: path → its help text. It asks
 * the built CLI (`npm test` builds first), which is what the image runs, and starts in a fraction
 * of the time the source through tsx takes: a walk is a process per command.
 */
async function walkCli(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const walk = async (path: readonly string[]): Promise<void> => {
    const r = await promisify(execFile)(process.execPath, [
      join(ROOT, 'dist', 'cli.js'),
      ...path,
      '--help',
    ]);
    const section = /\nCommands:\n([\s\S]*?)(\n\n|$)/.exec(r.stdout)?.[1] ?? '';
    // A command's own line starts two spaces in; wrapped descriptions are indented further.
    const subs = [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
      .map((m) => m[1]!)
      .filter((name) => name !== 'help');
    if (subs.length === 0 && path.length > 0) found.set(path.join(' '), r.stdout);
    await Promise.all(subs.map((name) => walk([...path, name])));
  };
  await walk([]);
  return found;
}
let walked: Promise<Map<string, string>> | null = null;
/** The CLI's leaf commands, walked once for the whole file (each `--help` is a process). */
const cliCommands = (): Promise<Map<string, string>> => (walked ??= walkCli());

interface Service {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: unknown;
  readonly environment?: Record<string, unknown>;
  readonly depends_on?: Record<string, { condition?: string }>;
  readonly healthcheck?: { test?: unknown };
  readonly scale?: number;
}

/** The deloton command a service runs, as the CLI's path and the arguments after it. */
function commandOf(
  service: Service,
  commands: ReadonlyMap<string, string>,
): { path: string; args: string[] } | null {
  const argv = service.command;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) return null;
  for (let n = Math.min(2, argv.length); n >= 1; n--) {
    const path = argv.slice(0, n).join(' ');
    if (commands.has(path)) return { path, args: argv.slice(n) };
  }
  return null;
}

const envOf = (s: Service): Record<string, string> =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));

describe('compose.yaml and the Dockerfile', () => {
  let commands: Map<string, string>;
  let services: Record<string, Service>;
  let deloton: [string, Service][];

  beforeAll(async () => {
    commands = await cliCommands();
    const doc = parseDocument(read('compose.yaml'), { merge: true });
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    services = (doc.toJS() as { services: Record<string, Service> }).services;
    deloton = Object.entries(services).filter(([, s]) => s.image === 'deloton:local');
  }, 60_000);

  it('walks the CLI: the commands it knows include the roles', () => {
    for (const role of ['ingest', 'serve', 'alerts', 'reports', 'simulate', 'db migrate'])
      expect(commands.has(role), role).toBe(true);
  });

  it('runs every long-running role of the CLI as a service', () => {
    const roles = [...commands.keys()].filter((c) => !(c in NOT_ROLES));
    const run = new Set(deloton.map(([, s]) => commandOf(s, commands)?.path));
    expect(roles.filter((r) => !run.has(r))).toEqual([]);
    // NOT_ROLES names only commands that exist, so it cannot excuse a role that was renamed.
    expect(Object.keys(NOT_ROLES).filter((c) => !commands.has(c))).toEqual([]);
  });

  it("runs only real CLI commands, with that command's own options", () => {
    expect(deloton.length).toBeGreaterThanOrEqual(6);
    for (const [name, s] of deloton) {
      const cmd = commandOf(s, commands);
      expect(cmd, `${name}: ${JSON.stringify(s.command)}`).not.toBeNull();
      const help = commands.get(cmd!.path)!;
      for (const flag of cmd!.args.filter((a) => a.startsWith('--')))
        expect(help, `${name}: ${flag} is no option of ${cmd!.path}`).toContain(`${flag} `);
    }
  });

  it('sets only variables config.ts knows, with values it accepts', () => {
    const known = new Set(ENV_VARIABLES);
    for (const [name, s] of deloton) {
      const env = envOf(s);
      expect(
        Object.keys(env).filter((k) => !known.has(k)),
        name,
      ).toEqual([]);
      expect(() => loadConfig(env), name).not.toThrow();
    }
  });

  it('points the roles at services of the stack, started in order', () => {
    const hostOf = (url: string): string => new URL(url).hostname;
    for (const [name, s] of deloton) {
      const env = envOf(s);
      const hosts = [
        ...(env.DATABASE_URL ? [hostOf(env.DATABASE_URL)] : []),
        ...(env.SMTP_URL ? [hostOf(env.SMTP_URL)] : []),
        ...(env.KAFKA_BROKERS ?? '')
          .split(',')
          .filter(Boolean)
          .map((b) => b.split(':')[0]!),
      ];
      for (const host of hosts) {
        expect(services[host], `${name} names ${host}`).toBeDefined();
        // A role waits for what it names: healthy, or (the database) migrated first.
        const dep = host === 'postgres' && name !== 'migrate' ? 'migrate' : host;
        expect(s.depends_on?.[dep]?.condition, `${name} depends on ${dep}`).toMatch(
          /^service_(healthy|completed_successfully)$/,
        );
      }
    }
    expect(services.migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const [name, s] of Object.entries(services))
      for (const dep of Object.keys(s.depends_on ?? {}))
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
  });

  it('scales ingest out and checks /health on the port serve listens on', () => {
    const ingest = deloton.filter(([, s]) => commandOf(s, commands)?.path === 'ingest');
    expect(ingest.reduce((n, [, s]) => n + (s.scale ?? 1), 0)).toBeGreaterThanOrEqual(2);
    const serve = deloton.find(([, s]) => commandOf(s, commands)?.path === 'serve')![1];
    const port = loadConfig(envOf(serve)).port;
    expect(JSON.stringify(serve.healthcheck?.test)).toContain(`:${port}/health`);
    expect(loadConfig(envOf(serve)).host).toBe('0.0.0.0');
  });

  it('builds the image that runs dist/cli.js', () => {
    const dockerfile = read('Dockerfile');
    for (const [name, s] of deloton) expect(s.build, name).toBe('.');
    expect(dockerfile).toMatch(/^FROM node:20-slim\b/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(entry ?? 'null') as unknown).toEqual(['node', 'dist/cli.js']);
    // dist/cli.js is what the build makes of src/cli.ts, and what the package names as its bin.
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> };
    expect(pkg.bin.deloton).toBe('dist/cli.js');
    expect(JSON.parse(read('tsconfig.build.json')) as unknown).toMatchObject({
      compilerOptions: { rootDir: 'src', outDir: 'dist' },
    });
  });
});

describe('docs/operations.md', () => {
  const doc = read('docs/operations.md');
  /** Described as planned (issue 12), not built: the guide may name them as such. */
  const PLANNED = {
    variables: [] as string[],
    commands: [] as string[],
  };

  it('places every configuration variable', () => {
    expect(ENV_VARIABLES.filter((v) => !doc.includes(`\`${v}\``))).toEqual([]);
    for (const v of PLANNED.variables) expect(ENV_VARIABLES).not.toContain(v);
  });

  it('names only metrics the platform serves', () => {
    // The metrics are registered in these two files.
    const source = read('src/api/metrics.ts') + read('src/api/backlog-metrics.ts');
    const names = new Set(
      [...doc.matchAll(/\bdeloton_[a-z_]*[a-z]/g)].map((m) =>
        m[0].replace(/_(bucket|sum|count)$/, ''),
      ),
    );
    expect(names.size).toBeGreaterThan(5);
    expect([...names].filter((n) => !source.includes(`'${n}'`))).toEqual([]);
  });

  it('names only commands the CLI has, or planned ones as planned', async () => {
    const commands = await cliCommands();
    const groups = new Set([...commands.keys()].map((c) => c.split(' ')[0]!));
    // In code: `deloton x`, and lines of examples that run it.
    const used = [...doc.matchAll(/(?:`|^|npx )deloton ([a-z]+)(?: ([a-z]+))?/gm)].map((m) =>
      m[2] && !commands.has(m[1]!) ? `${m[1]} ${m[2]}` : m[1]!,
    );
    expect(used.length).toBeGreaterThan(5);
    const unknown = used.filter(
      (c) => !commands.has(c) && !groups.has(c) && !PLANNED.commands.includes(c),
    );
    expect(unknown).toEqual([]);
  }, 60_000);
});
