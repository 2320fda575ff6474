import type { Command } from 'commander';
import { openDatabase } from '../app/open-db.js';
import type { CommandContext } from './bi-commands.js';

/** `deloton db migrate | maintain`. */
export function addDbCommands(program: Command, context: CommandContext): void {
  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply pending migrations')
    .action(async () => {
      const { config, logger } = context();
      const conn = await openDatabase(config, logger);
      await conn.close();
    });
  db.command('maintain')
    .description(
      "create this and next month's readings partitions; drop those past READINGS_RETENTION",
    )
    .action(async () => {
      const { config, logger } = context();
      const { runMaintain } = await import('../app/maintain-command.js');
      await runMaintain(config, logger);
    });
}
