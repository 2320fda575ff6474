import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeyRow,
  type ApiRole,
} from '../store/api-keys.repository.js';
import type { Db } from '../store/db.js';
import { openDatabase } from './open-db.js';

export type KeysAction =
  | { kind: 'create'; name: string; role: ApiRole }
  | { kind: 'list'; json: boolean }
  | { kind: 'revoke'; idOrName: string };

const when = (d: Date | null): string => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-');

function table(rows: readonly ApiKeyRow[]): string {
  const head = ['ID', 'NAME', 'ROLE', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'];
  const body = rows.map((r) => [
    String(r.key_id),
    r.name,
    r.role,
    `${r.prefix}…`,
    when(r.created_at),
    when(r.last_used_at),
    when(r.revoked_at),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body]
    .map((cols) =>
      cols
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function act(db: Db, a: KeysAction, out: (s: string) => void): Promise<void> {
  switch (a.kind) {
    case 'create': {
      const made = await createApiKey(db, a.name, a.role);
      if (!('key' in made))
        throw new DelotonError(
          'cli_usage',
          `a key named "${a.name}" exists already; choose another name`,
        );
      // The key alone on the last line, so that scripts can take it with `tail -n 1`.
      out(
        `Created ${a.role} key "${a.name}" (id ${made.row.key_id}). It is shown only now; store it:\n${made.key}\n`,
      );
      return;
    }
    case 'list': {
      const rows = await listApiKeys(db);
      if (a.json) out(`${JSON.stringify(rows)}\n`);
      else
        out(
          rows.length
            ? `${table(rows)}\n`
            : 'No API keys yet: deloton keys create --role admin --name NAME\n',
        );
      return;
    }
    case 'revoke': {
      const row = await revokeApiKey(db, a.idOrName);
      if (!row) throw new DelotonError('cli_usage', `no API key with id or name "${a.idOrName}"`);
      out(`Revoked key "${row.name}" (id ${row.key_id}); it no longer works.\n`);
      return;
    }
  }
}

/** `deloton keys create|list|revoke`: manages API keys; a key is printed once, never stored. */
export async function runKeys(config: Config, logger: Logger, a: KeysAction): Promise<void> {
  const db = await openDatabase(config, logger);
  try {
    await act(db, a, (s) => process.stdout.write(s));
  } finally {
    await db.close();
  }
}
