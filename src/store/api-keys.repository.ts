import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from './db.js';

export type ApiRole = 'viewer' | 'admin';

/** A key as stored: never the key itself. */
export interface ApiKeyRow {
  readonly key_id: number;
  readonly name: string;
  readonly role: ApiRole;
  readonly prefix: string;
  readonly created_at: Date;
  readonly last_used_at: Date | null;
  readonly revoked_at: Date | null;
}

/** NOTIFY channel: a revocation or sign-out reaches every server's key and session caches. */
export const API_KEYS_CHANNEL = 'deloton_api_keys';

const KEY_PREFIX = 'dlt_';

/** The hash under which a key is stored and looked up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Whether a string has the shape of one of our keys (cheap check before any lookup). */
export function looksLikeApiKey(key: string): boolean {
  return /^dlt_[A-Za-z0-9_-]{43}$/.test(key);
}

/** Creates a key; returns the stored row and the key itself, which exists nowhere else. */
export async function createApiKey(
  db: Queryable,
  name: string,
  role: ApiRole,
): Promise<{ row: ApiKeyRow; key: string } | { kind: 'name_taken' }> {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const rows = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (name, role, prefix, hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO NOTHING
     RETURNING key_id, name, role, prefix, created_at, last_used_at, revoked_at`,
    [name, role, key.slice(0, 10), hashApiKey(key)],
  );
  const row = rows[0];
  return row ? { row, key } : { kind: 'name_taken' };
}

/** Every key, newest first, revoked ones included. */
export async function listApiKeys(db: Queryable): Promise<ApiKeyRow[]> {
  return db.query<ApiKeyRow>(
    `SELECT key_id, name, role, prefix, created_at, last_used_at, revoked_at
     FROM api_keys ORDER BY key_id DESC`,
  );
}

/**
 * Revokes a key by id or name and ends its sessions; tells every server at once. Null when there
 * is no such key.
 */
export async function revokeApiKey(db: Db, idOrName: string): Promise<ApiKeyRow | null> {
  return db.transaction(async (tx) => {
    const byId = /^\d{1,15}$/.test(idOrName);
    const rows = await tx.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
       WHERE ${byId ? 'key_id = $1::bigint' : 'name = $1'}
       RETURNING key_id, name, role, prefix, created_at, last_used_at, revoked_at`,
      [idOrName],
    );
    if (rows[0]) {
      // Its browser sessions end with it. Lookups refuse a revoked key's sessions anyway; this
      // keeps them from lingering in the table until they expire.
      await tx.query('DELETE FROM sessions WHERE key_id = $1', [rows[0].key_id]);
      await tx.query(`SELECT pg_notify('${API_KEYS_CHANNEL}', $1)`, [String(rows[0].key_id)]);
    }
    return rows[0] ?? null;
  });
}

/** The active key with this hash, or null. */
export async function findActiveKey(db: Queryable, hash: string): Promise<ApiKeyRow | null> {
  const rows = await db.query<ApiKeyRow>(
    `SELECT key_id, name, role, prefix, created_at, last_used_at, revoked_at
     FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`,
    [hash],
  );
  return rows[0] ?? null;
}

/** Records that a key was used (callers throttle this; it is for `keys list`, not auditing). */
export async function touchApiKey(db: Queryable, keyId: number): Promise<void> {
  await db.query('UPDATE api_keys SET last_used_at = now() WHERE key_id = $1', [keyId]);
}

/**
 * Creates an admin key named `name` if no key was ever created, so that a new installation can
 * be tried at once. Returns the key only to the one process that created it.
 */
export async function createFirstAdminKey(db: Db, name: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    // Two servers starting together: the lock makes the emptiness check and the insert one step.
    await tx.query('LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE');
    const [existing] = await tx.query('SELECT 1 FROM api_keys LIMIT 1');
    if (existing) return null;
    const made = await createApiKey(tx, name, 'admin');
    return 'key' in made ? made.key : null;
  });
}
