import { InvalidArgumentError, type Command } from 'commander';
import type { Logger } from 'pino';
import type { BiAction } from '../app/bi-command.js';
import { isListenHost, type Config } from '../config.js';
import { int } from './args.js';

/** What a command needs to run: the settings, a logger, and the signal that stops it. */
export type CommandContext = () => { config: Config; logger: Logger; signal: AbortSignal };

// Analyst roles: lower-case names need no quoting in tools; pg_ names are PostgreSQL's own.
const analystName = (v: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(v) || /^pg_/.test(v) || ['public', 'none'].includes(v))
    throw new InvalidArgumentError(
      'must be 1-63 lower-case letters, digits or _, not starting with pg_ or a digit',
    );
  return v;
};
const analystPassword = (v: string): string => {
  if (!/^[\x21-\x7e]{12,100}$/.test(v))
    throw new InvalidArgumentError('must be 12-100 printable ASCII characters without spaces');
  return v;
};
const listenHost = (v: string): string => {
  if (!isListenHost(v)) throw new InvalidArgumentError('must be an IP address or a host name');
  return v;
};

/** `deloton bi grant | revoke | tds | serve`, each importing its modules when it runs. */
export function addBiCommands(program: Command, context: CommandContext): void {
  const bi = program
    .command('bi')
    .description('BI access: analyst roles, Tableau data source, the embedded database served');
  const runBi = async (a: BiAction): Promise<void> => {
    const { config, logger } = context();
    await (await import('../app/bi-command.js')).runBi(config, logger, a);
  };
  bi.command('grant')
    .description('create or update a PostgreSQL login role that reads the analytics schema only')
    .requiredOption('--user <name>', 'the role name', analystName)
    .option('--password <p>', 'its password (default: a random one, printed once)', analystPassword)
    .action((f: { user: string; password?: string }) =>
      runBi({ kind: 'grant', user: f.user, password: f.password ?? null }),
    );
  bi.command('revoke')
    .description('remove an analyst role made by bi grant')
    .requiredOption('--user <name>', 'the role name', analystName)
    .action((f: { user: string }) => runBi({ kind: 'revoke', user: f.user }));
  bi.command('tds')
    .description('write a Tableau data source (.tds) for the analytics views, without password')
    .requiredOption('--user <name>', 'the analyst role Tableau logs in as', analystName)
    .option(
      '--host <host>',
      'server name analysts reach (default: from DATABASE_READ_URL, else DATABASE_URL)',
    )
    .option(
      '--port <port>',
      'server port (default: from DATABASE_READ_URL, else DATABASE_URL)',
      int('--port', 1, 65_535),
    )
    .option('--out <file.tds>', 'where to write it (default: deloton-analytics-USER.tds)')
    .action((f: { user: string; host?: string; port?: number; out?: string }) =>
      runBi({
        kind: 'tds',
        user: f.user,
        host: f.host ?? null,
        port: f.port ?? null,
        out: f.out ?? null,
      }),
    );
  bi.command('serve')
    .description(
      'serve the embedded database read-only over the PostgreSQL protocol (psql, BI tools)',
    )
    .option('--port <n>', 'port (default: BI_PORT, else 5433)', int('--port', 0, 65_535))
    .option(
      '--host <address>',
      'address to listen on (default: BI_HOST, else 127.0.0.1)',
      listenHost,
    )
    .action(async (f: { port?: number; host?: string }) => {
      const { config, logger, signal } = context();
      const { runBiServe } = await import('../app/bi-serve.js');
      await runBiServe(
        config,
        logger,
        { host: f.host ?? config.bi.host, port: f.port ?? config.bi.port ?? 5433 },
        signal,
      );
    });
}
