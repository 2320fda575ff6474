import pg from 'pg';
import type { Db, Queryable } from './db.js';

// Analyst roles: PostgreSQL login roles that read the `analytics` views and nothing else. The
// views run with their owner's rights (the migrating role), so an analyst needs no right on the
// `public` tables behind them. Everything here is PostgreSQL only: PGlite has no roles to speak of.

/** Marks the roles `deloton bi` made, so that it never alters or drops anyone else's role. */
const MARKER = 'deloton analyst';
const SCHEMA = 'analytics';

/** Per-role settings applied at every login: hints for BI tools, and limits on runaway queries. */
export const ANALYST_SETTINGS: Readonly<Record<string, string>> = {
  // Not a security boundary (a session may SET it back): the privileges are. It makes a tool's
  // stray write fail with "read-only transaction" instead of "permission denied" on some table.
  default_transaction_read_only: 'on',
  statement_timeout: '5min',
  idle_in_transaction_session_timeout: '15min',
  // Tools list the first schema of the path first; `public` would only show tables they cannot read.
  search_path: SCHEMA,
};

/** What a role name stands for on this server. */
export type RoleState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'analyst' }
  | { readonly kind: 'other'; readonly why: string };

/** Whether `name` is free, an analyst role made by `deloton bi grant`, or someone else's role. */
export async function analystRoleState(q: Queryable, name: string): Promise<RoleState> {
  const [r] = await q.query<{
    superuser: boolean;
    me: boolean;
    note: string | null;
  }>(
    `SELECT rolsuper AS superuser, rolname = current_user AS me,
       shobj_description(oid, 'pg_authid') AS note
     FROM pg_roles WHERE rolname = $1`,
    [name],
  );
  if (!r) return { kind: 'absent' };
  if (r.me) return { kind: 'other', why: 'it is the role this command connects as' };
  if (r.superuser) return { kind: 'other', why: 'it is a superuser' };
  if (!r.note?.startsWith(MARKER))
    return { kind: 'other', why: 'it exists already and was not made by deloton bi grant' };
  return { kind: 'analyst' };
}

/**
 * Creates or updates the analyst role with a SCRAM verifier (never the password), its settings
 * and its rights: connect, use and read `analytics`, including views later migrations re-create.
 * Returns what the role could reach beyond that; when that is not empty, the whole grant is
 * rolled back (the caller says why), so a role is never left with more than it should have.
 */
export async function grantAnalyst(
  db: Db,
  name: string,
  verifier: string,
): Promise<{ readonly created: boolean; readonly excess: readonly string[] }> {
  const role = pg.escapeIdentifier(name);
  const rollback = new Error('excess rights');
  let outcome: { created: boolean; excess: string[] } | undefined;
  try {
    await db.transaction(async (tx) => {
      const [{ exists, database } = { exists: false, database: '' }] = await tx.query<{
        exists: boolean;
        database: string;
      }>(
        `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1) AS exists,
           current_database() AS database`,
        [name],
      );
      const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
        INHERIT CONNECTION LIMIT 20 PASSWORD ${pg.escapeLiteral(verifier)}`;
      await tx.exec(`${exists ? 'ALTER' : 'CREATE'} ROLE ${role} WITH ${attributes}`);
      await tx.exec(
        `COMMENT ON ROLE ${role} IS ${pg.escapeLiteral(`${MARKER}: reads the ${SCHEMA} schema only (deloton bi grant)`)}`,
      );
      for (const [setting, value] of Object.entries(ANALYST_SETTINGS))
        await tx.exec(`ALTER ROLE ${role} SET ${setting} = ${pg.escapeLiteral(value)}`);
      // PUBLIC has CONNECT by default; granting it too keeps working where an admin revoked that.
      await tx.exec(`GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(database)} TO ${role}`);
      await tx.exec(`GRANT USAGE ON SCHEMA ${SCHEMA} TO ${role}`);
      await tx.exec(`GRANT SELECT ON ALL TABLES IN SCHEMA ${SCHEMA} TO ${role}`);
      // A migration that drops and re-creates a view makes a new object without the grants above;
      // default privileges of the migrating role (this one) grant it at creation.
      await tx.exec(
        `ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA ${SCHEMA} GRANT SELECT ON TABLES TO ${role}`,
      );
      outcome = { created: !exists, excess: await rightsBeyondAnalytics(tx, name) };
      if (outcome.excess.length > 0) throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
  if (!outcome) throw new Error('grantAnalyst: no outcome');
  return outcome;
}

/**
 * Everything `name` may do beyond reading `analytics`: rights on other relations, creating in a
 * schema or the database, security-definer functions (which run with their owner's rights), and
 * memberships. Rights PUBLIC holds count: they are the role's too.
 */
export async function rightsBeyondAnalytics(q: Queryable, name: string): Promise<string[]> {
  const rows = await q.query<{ what: string }>(
    `WITH ns AS (
       SELECT oid, nspname FROM pg_namespace
       WHERE nspname NOT IN ('pg_catalog', 'information_schema')
         AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'
     )
     SELECT format('%s on %I.%I', p.priv, ns.nspname, c.relname) AS what
     FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
     CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p (priv)
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND NOT (ns.nspname = $2 AND p.priv = 'SELECT')
       AND CASE WHEN c.relkind NOT IN ('r', 'p', 'v', 'm', 'f') THEN false
           WHEN p.priv IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
           THEN has_any_column_privilege($1, c.oid, p.priv)
           ELSE has_table_privilege($1, c.oid, p.priv) END
     UNION ALL
     SELECT format('USAGE or UPDATE on sequence %I.%I', ns.nspname, c.relname)
     FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
     -- CASE: the planner may run a condition before the join has filtered the rows.
     WHERE CASE WHEN c.relkind = 'S' THEN has_sequence_privilege($1, c.oid, 'USAGE, UPDATE') END
     UNION ALL
     SELECT format('CREATE on schema %I', nspname) FROM ns WHERE has_schema_privilege($1, oid, 'CREATE')
     UNION ALL
     SELECT format('CREATE on database %I', current_database())
     WHERE has_database_privilege($1, current_database(), 'CREATE')
     UNION ALL
     SELECT format('EXECUTE on security-definer function %s', f.oid::regprocedure)
     FROM pg_proc f JOIN ns ON ns.oid = f.pronamespace
     WHERE f.prosecdef AND has_function_privilege($1, f.oid, 'EXECUTE')
     UNION ALL
     SELECT format('membership of role %I', g.rolname)
     FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
     WHERE u.rolname = $1
     ORDER BY 1`,
    [name, SCHEMA],
  );
  return rows.map((r) => r.what);
}

/** What revoking did: the role is gone, or it stays because something outside this database needs it. */
export type RevokeOutcome =
  { readonly kind: 'dropped' } | { readonly kind: 'kept'; readonly detail: string };

/** Removes the analyst's rights here and its default privileges, then drops the role if nothing else holds it. */
export async function revokeAnalyst(db: Db, name: string): Promise<RevokeOutcome> {
  const role = pg.escapeIdentifier(name);
  return db.transaction(async (tx) => {
    const [{ database } = { database: '' }] = await tx.query<{ database: string }>(
      'SELECT current_database() AS database',
    );
    await tx.exec(
      `ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA ${SCHEMA} REVOKE ALL ON TABLES FROM ${role};
       REVOKE ALL ON ALL TABLES IN SCHEMA ${SCHEMA} FROM ${role};
       REVOKE ALL ON SCHEMA ${SCHEMA} FROM ${role};
       REVOKE ALL ON DATABASE ${pg.escapeIdentifier(database)} FROM ${role};
       SAVEPOINT drop_role`,
    );
    try {
      await tx.exec(`DROP ROLE ${role}`);
      return { kind: 'dropped' } as const;
    } catch (e) {
      // 2BP01: objects or rights elsewhere (another database, another grantor) depend on it.
      const err = e as { code?: string; detail?: string; message: string };
      if (err.code !== '2BP01') throw e;
      await tx.exec('ROLLBACK TO SAVEPOINT drop_role');
      return { kind: 'kept', detail: err.detail ?? err.message } as const;
    }
  });
}
