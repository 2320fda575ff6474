import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { buildTds } from '../domain/tableau-datasource.js';
import { DelotonError } from '../domain/errors.js';
import { ANALYTICS_KEYS, analyticsViews } from '../store/analytics-catalog.repository.js';
import { analystRoleState, grantAnalyst, revokeAnalyst } from '../store/bi-roles.repository.js';
import type { Db } from '../store/db.js';
import { scramSha256Verifier } from '../store/scram-verifier.js';
import { openDatabase } from './open-db.js';

export type BiAction =
  | { kind: 'grant'; user: string; password: string | null }
  | { kind: 'revoke'; user: string }
  | { kind: 'tds'; user: string; host: string | null; port: number | null; out: string | null };

/** Where analysts connect: the server of DATABASE_URL, or `deloton bi serve` on this machine. */
interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly sslmode: string | null;
}

/** The `bi serve` default, for the embedded database. */
const BI_SERVE_PORT = 5433;

function endpointOf(databaseUrl: string | null): Endpoint {
  if (!databaseUrl)
    return { host: '127.0.0.1', port: BI_SERVE_PORT, database: 'postgres', sslmode: null };
  const u = new URL(databaseUrl);
  const sslmode =
    u.searchParams.get('sslmode') ?? (u.searchParams.get('ssl') === 'true' ? 'require' : null);
  return {
    host: decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: u.port ? Number(u.port) : 5432,
    database:
      decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || 'postgres',
    sslmode,
  };
}

const POSTGRES_ONLY =
  'deloton bi grant and revoke manage PostgreSQL roles and need DATABASE_URL; the embedded database has no roles: use deloton bi serve to give tools read-only access to it';

function requirePostgres(config: Config): string {
  if (!config.databaseUrl) throw new DelotonError('cli_usage', POSTGRES_ONLY);
  return config.databaseUrl;
}

async function refuseForeignRole(
  db: Db,
  user: string,
  verb: string,
): Promise<'absent' | 'analyst'> {
  const state = await analystRoleState(db, user);
  if (state.kind === 'other')
    throw new DelotonError(
      'cli_usage',
      `will not ${verb} role "${user}": ${state.why}; choose another --user`,
    );
  return state.kind;
}

/** A libpq keyword value, quoted when it needs to be. */
const kw = (v: string | number): string =>
  /^[\w.:-]+$/.test(String(v)) ? String(v) : `'${String(v).replace(/[\\']/g, '\\$&')}'`;

function connectionDetails(
  user: string,
  password: string,
  at: Endpoint,
  created: boolean,
  replica: Endpoint | null,
): string {
  const host = at.host.includes(':') ? `[${at.host}]` : at.host;
  const params = new URLSearchParams(at.sslmode ? { sslmode: at.sslmode } : {}).toString();
  const url = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${at.port}/${encodeURIComponent(at.database)}${params ? `?${params}` : ''}`;
  const psql = `psql "host=${kw(at.host)} port=${at.port} dbname=${kw(at.database)} user=${kw(user)}${at.sslmode ? ` sslmode=${kw(at.sslmode)}` : ''}"`;
  return [
    `${created ? 'Created' : 'Updated'} analyst role "${user}": it reads the analytics schema and nothing else.`,
    `The password is shown only now; store it.`,
    ``,
    `  host      ${at.host}`,
    `  port      ${at.port}`,
    `  database  ${at.database}`,
    `  user      ${user}`,
    `  password  ${password}`,
    `  schema    analytics`,
    ...(at.sslmode ? [`  sslmode   ${at.sslmode}`] : []),
    ``,
    `  ${psql}    (asks for the password)`,
    `  ${url}`,
    ``,
    `The host is the one in DATABASE_URL; analysts may need the server's public name instead.`,
    ...(replica
      ? [
          `Roles replicate: the login works on the read replica too (${replica.host}:${replica.port}, DATABASE_READ_URL), where deloton bi tds points.`,
        ]
      : []),
    `A Tableau data source file: deloton bi tds --user ${user}`,
    ``,
  ].join('\n');
}

async function grant(db: Db, config: Config, user: string, given: string | null): Promise<string> {
  await refuseForeignRole(db, user, 'change');
  // 24 random bytes: 192 bits, URL-safe, so the URL above needs no escaping.
  const password = given ?? randomBytes(24).toString('base64url');
  const done = await grantAnalyst(db, user, scramSha256Verifier(password));
  if (done.excess.length > 0) {
    const publicCreate = done.excess.includes('CREATE on schema public');
    throw new DelotonError(
      'bi_access_refused',
      [
        `did not grant "${user}": on this database the role could also do more than read analytics:`,
        ...done.excess.map((e) => `  ${e}`),
        publicCreate
          ? 'PostgreSQL 14 and older let every role create objects in schema public, which lets a role plant functions the platform may run. Run `REVOKE CREATE ON SCHEMA public FROM PUBLIC;` (the default since PostgreSQL 15; the platform owns its tables and does not need it), then grant again.'
          : 'Revoke those rights from PUBLIC (or from the role), then grant again.',
      ].join('\n'),
    );
  }
  return connectionDetails(
    user,
    password,
    endpointOf(requirePostgres(config)),
    done.created,
    config.databaseReadUrl ? endpointOf(config.databaseReadUrl) : null,
  );
}

async function revoke(db: Db, user: string): Promise<string> {
  if ((await refuseForeignRole(db, user, 'revoke')) === 'absent')
    return `No role "${user}": nothing to revoke.\n`;
  const done = await revokeAnalyst(db, user);
  if (done.kind === 'dropped')
    return `Revoked: role "${user}" no longer reads analytics and is dropped; it cannot log in.\n`;
  return [
    `Role "${user}" no longer reads analytics in this database, but it is kept (and can still log in),`,
    `because other objects or rights depend on it:`,
    done.detail,
    `Run deloton bi revoke against those databases too, or remove them, then run it again.`,
    '',
  ].join('\n');
}

async function tds(db: Db, config: Config, a: Extract<BiAction, { kind: 'tds' }>): Promise<string> {
  // Analysts' queries belong on the replica when there is one (roles replicate physically).
  const at = endpointOf(config.databaseReadUrl ?? config.databaseUrl);
  const xml = buildTds({
    caption: 'Deloton analytics',
    server: a.host ?? at.host,
    port: a.port ?? at.port,
    database: at.database,
    username: a.user,
    schema: 'analytics',
    requireSsl: at.sslmode !== null && !['disable', 'allow', 'prefer'].includes(at.sslmode),
    tables: await analyticsViews(db),
    keys: ANALYTICS_KEYS,
  });
  const out = resolve(a.out ?? `deloton-analytics-${a.user}.tds`);
  await writeFile(out, xml);
  return `Wrote ${out}: Tableau opens it and asks for ${a.user}'s password.\n`;
}

/** `deloton bi grant|revoke|tds`: analyst roles on PostgreSQL, and a Tableau data source for them. */
export async function runBi(config: Config, logger: Logger, a: BiAction): Promise<void> {
  if (a.kind !== 'tds') requirePostgres(config);
  const db = await openDatabase(config, logger);
  try {
    const text =
      a.kind === 'grant'
        ? await grant(db, config, a.user, a.password)
        : a.kind === 'revoke'
          ? await revoke(db, a.user)
          : await tds(db, config, a);
    process.stdout.write(text);
  } finally {
    await db.close();
  }
}
