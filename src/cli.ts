#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createLogger } from './app/logger.js';
import { parseSourceSpec, type SimulatorChoice } from './app/sources.js';
import { loadConfig, type Config } from './config.js';
import { parseCalendarDate } from './domain/calendar-day.js';
import { DelotonError } from './domain/errors.js';
import { int } from './cli/args.js';
import { addBiCommands } from './cli/bi-commands.js';
import { addDbCommands } from './cli/db-commands.js';

const share = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
};
const date = (v: string): number => {
  const ms = Date.parse(v);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(`"${v}" is not a date (e.g. 2022-07-06T00:00:00Z)`);
  return ms;
};
const startOfTodayUtc = (): number => Math.floor(Date.now() / 86_400_000) * 86_400_000;

interface SimFlags {
  bikes: number;
  seed?: number;
  ridesPerBike?: number;
  abnormalShare: number;
  start?: number;
  fast?: boolean;
  realtime?: boolean;
}

function simulatorChoice(f: SimFlags, realtimeDefault: boolean): SimulatorChoice {
  const realtime = f.fast ? false : (f.realtime ?? realtimeDefault);
  return {
    bikes: f.bikes,
    seed: f.seed ?? Math.floor(Math.random() * 2 ** 31),
    realtime,
    abnormalShare: f.abnormalShare,
    startMs: f.start ?? (realtime ? Date.now() : startOfTodayUtc()),
    ...(f.ridesPerBike !== undefined ? { ridesPerBike: f.ridesPerBike } : {}),
  };
}

function simOptions(cmd: Command, bikesDefault: number): Command {
  return cmd
    .option('--bikes <n>', 'simulated bikes', int('--bikes', 1, 100_000), bikesDefault)
    .option(
      '--rides-per-bike <m>',
      'rides per bike (default: endless)',
      int('--rides-per-bike', 1, 1_000_000),
    )
    .option('--seed <n>', 'random seed, for a reproducible fleet', int('--seed', 0, 2 ** 31))
    .option('--abnormal-share <x>', 'share of rides with abnormal heart rate', share, 0.05)
    .option('--start <date>', 'simulated clock start (with --fast)', date)
    .addOption(new Option('--realtime', 'emit at wall-clock pace').conflicts('fast'))
    .addOption(new Option('--fast', 'stamp simulated time and run as fast as possible'));
}

/** Signals end work cleanly: the first one drains and commits, a second one forces exit. */
function shutdownSignal(log: ReturnType<typeof createLogger>): AbortSignal {
  const ac = new AbortController();
  const onSignal = (sig: string): void => {
    if (ac.signal.aborted) {
      log.warn({ signal: sig }, 'second signal: exiting now');
      process.exit(130);
    }
    log.info({ signal: sig }, 'shutting down: finishing the current batch');
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return ac.signal;
}

function context(): {
  config: Config;
  logger: ReturnType<typeof createLogger>;
  signal: AbortSignal;
} {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  return { config, logger, signal: shutdownSignal(logger) };
}

// Each command imports what it runs when it runs: the report's charts, PDF and fonts (a second
// of start-up) are loaded by the commands that make reports, not by `keys list`.
const program = new Command('deloton')
  .description('Deloton data platform: bike feed ingestion, alerts, dashboard, reports and API')
  .showHelpAfterError()
  // Usage mistakes exit 2, as the CLI's own usage errors do; subcommands inherit this.
  .exitOverride();

simOptions(
  program
    .command('start')
    .description('run everything in one process: database, ingest, HTTP server on PORT')
    .option('--source <spec>', 'file:PATH | kafka | simulator', 'simulator'),
  10,
).action(async (f: SimFlags & { source: string }) => {
  const { config, logger, signal } = context();
  const { runStart } = await import('./app/start.js');
  await runStart(config, logger, parseSourceSpec(f.source), simulatorChoice(f, true), signal);
});

simOptions(
  program
    .command('ingest')
    .description('ingest a source into the database')
    .requiredOption('--source <spec>', 'file:PATH | kafka | simulator')
    .option('--until-idle', 'exit 0 once the source has nothing more'),
  10,
).action(async (f: SimFlags & { source: string; untilIdle?: boolean }) => {
  const spec = parseSourceSpec(f.source);
  const { config, logger, signal } = context();
  const { runIngest } = await import('./app/ingest-command.js');
  await runIngest(
    config,
    logger,
    spec,
    { untilIdle: f.untilIdle === true, simulator: simulatorChoice(f, false) },
    signal,
  );
  // A run meant to end at the source's end that was stopped first has not finished its job;
  // say so to whatever scheduled it (everything read so far is committed all the same).
  if (f.untilIdle && signal.aborted) process.exitCode = 130;
});

simOptions(
  program
    .command('simulate')
    .description('write a simulated fleet in the real feed format')
    .option('--out <path>', 'append to this file, one message per line')
    .addOption(
      new Option('--to <target>', 'produce to Kafka (KAFKA_BROKERS, KAFKA_TOPIC)').choices([
        'kafka',
      ]),
    ),
  10,
).action(async (f: SimFlags & { out?: string; to?: 'kafka' }) => {
  if (Boolean(f.out) === Boolean(f.to))
    throw new DelotonError('cli_usage', 'simulate needs exactly one of --out PATH or --to kafka');
  const { config, logger, signal } = context();
  const sim = simulatorChoice(f, false);
  const target = f.out ? ({ kind: 'file', path: f.out } as const) : ({ kind: 'kafka' } as const);
  const { runSimulation } = await import('./app/simulate.js');
  await runSimulation({ ...sim, target }, config, logger, signal);
});

program
  .command('serve')
  .description('serve the staff API, its docs, health and metrics on PORT (no ingest)')
  .action(async () => {
    const { config, logger, signal } = context();
    const { runServe } = await import('./app/serve.js');
    await runServe(config, logger, signal);
  });

const keyName = (v: string): string => {
  if (!/^[\w.@-][\w .@-]{0,63}$/.test(v))
    throw new InvalidArgumentError('must be 1-64 letters, digits, spaces or _ . @ -');
  // `keys revoke` takes an id or a name: an all-digit name would read as an id.
  if (/^\d+$/.test(v)) throw new InvalidArgumentError('must not be digits only (ids are)');
  return v;
};
const keys = program.command('keys').description('API keys: create, list, revoke');
keys
  .command('create')
  .description('create a key; it is printed once, alone on the last line')
  .addOption(
    new Option('--role <role>', 'viewer: reads without personal data; admin: all, and deletes')
      .choices(['viewer', 'admin'])
      .makeOptionMandatory(),
  )
  .requiredOption('--name <name>', 'who or what the key is for (unique)', keyName)
  .action(async (f: { role: 'viewer' | 'admin'; name: string }) => {
    const { config, logger } = context();
    const { runKeys } = await import('./app/keys-command.js');
    await runKeys(config, logger, { kind: 'create', name: f.name, role: f.role });
  });
keys
  .command('list')
  .description('list keys (never the keys themselves)')
  .option('--json', 'as JSON')
  .action(async (f: { json?: boolean }) => {
    const { config, logger } = context();
    const { runKeys } = await import('./app/keys-command.js');
    await runKeys(config, logger, { kind: 'list', json: f.json === true });
  });
keys
  .command('revoke')
  .description('revoke a key by id or name; servers stop accepting it at once')
  .argument('<id-or-name>')
  .action(async (idOrName: string) => {
    const { config, logger } = context();
    const { runKeys } = await import('./app/keys-command.js');
    await runKeys(config, logger, { kind: 'revoke', idOrName });
  });

program
  .command('alerts')
  .description('send queued heart-rate alert mails until stopped (needs SMTP_URL)')
  .action(async () => {
    const { config, logger, signal } = context();
    if (!config.mail.smtpUrl)
      throw new DelotonError('config_invalid', 'deloton alerts needs SMTP_URL (smtp://host:port)');
    const { runAlertsRole } = await import('./app/worker-roles.js');
    await runAlertsRole(config, logger, signal);
  });

const calendarDate = (v: string): string => {
  const parsed = parseCalendarDate(v);
  if (parsed.kind === 'reject') throw new InvalidArgumentError(parsed.reason);
  return parsed.date;
};
const addresses = (v: string): string[] => {
  const list = v.split(',').map((a) => a.trim());
  const bad = list.filter((a) => !/^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/.test(a));
  if (bad.length > 0)
    throw new InvalidArgumentError(`not an email address: ${bad.map((a) => `"${a}"`).join(', ')}`);
  return [...new Set(list)];
};
program
  .command('report')
  .description(
    'build the daily report of one day (DISPLAY_TIMEZONE): write the PDF, mail it, or both',
  )
  .requiredOption('--date <day>', 'the day, as YYYY-MM-DD or DD-MM-YYYY', calendarDate)
  .option('--out <file.pdf>', 'write the PDF here (default without --send: deloton-report-DAY.pdf)')
  .option('--send', 'mail it (SMTP_URL) to --to or REPORT_RECIPIENTS')
  .option('--to <addr,...>', 'recipients instead of REPORT_RECIPIENTS', addresses)
  .action(async (f: { date: string; out?: string; send?: boolean; to?: string[] }) => {
    const { config, logger } = context();
    if (f.to && !f.send) throw new DelotonError('cli_usage', '--to needs --send');
    const { runReportCommand } = await import('./app/report-command.js');
    await runReportCommand(config, logger, {
      date: f.date,
      out: f.out ?? null,
      send: f.send === true,
      to: f.to ?? null,
    });
  });

program
  .command('reports')
  .description('run the daily report schedule (REPORT_CRON, REPORT_RECIPIENTS) until stopped')
  .action(async () => {
    const { config, logger, signal } = context();
    const { runReportsRole } = await import('./app/worker-roles.js');
    await runReportsRole(config, logger, signal);
  });

addBiCommands(program, context);

addDbCommands(program, context);

program.parseAsync().catch((e: unknown) => {
  // Commander has printed what was wrong (or the help asked for) already.
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (e instanceof DelotonError) {
    process.stderr.write(`deloton: ${e.message}\n`);
    process.exit(e.code === 'cli_usage' || e.code === 'report_day_invalid' ? 2 : 1);
  }
  process.stderr.write(`deloton: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
