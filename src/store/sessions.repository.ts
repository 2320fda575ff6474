import { createHash, randomBytes } from 'node:crypto';
import { API_KEYS_CHANNEL, type ApiRole } from './api-keys.repository.js';
import type { Db, Queryable } from './db.js';

/** A live session with the key it stands for; never the token itself. */
export interface SessionRow {
  readonly key_id: number;
  readonly name: string;
  readonly role: ApiRole;
  readonly created_at: Date;
  readonly expires_at: Date;
  readonly last_seen_at: Date;
}

/** NOTIFY payload on `API_KEYS_CHANNEL` when a session ends by sign-out. */
export const SESSION_ENDED = 'session';

/** The hash under which a session token is stored and looked up. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether a string has the shape of one of our session tokens (cheap check before any lookup). */
export function looksLikeSessionToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/**
 * Opens a session for a key that is not revoked, ending `expiresAt` at the latest; returns the
 * token (which exists nowhere else) and the row, or null when the key is revoked or unknown.
 */
export async function createSession(
  db: Queryable,
  keyId: number,
  now: Date,
  expiresAt: Date,
): Promise<{ token: string; row: SessionRow } | null> {
  const token = randomBytes(32).toString('base64url');
  // FOR SHARE waits for a revocation under way, then sees it: no session outlives its key's
  // revocation by starting while it commits.
  const rows = await db.query<SessionRow>(
    `WITH k AS (
       SELECT key_id, name, role FROM api_keys
       WHERE key_id = $2 AND revoked_at IS NULL FOR SHARE
     ), s AS (
       INSERT INTO sessions (token_hash, key_id, created_at, expires_at, last_seen_at)
       SELECT $1, key_id, $3, $4, $3 FROM k
       RETURNING key_id, created_at, expires_at, last_seen_at
     )
     SELECT s.key_id, k.name, k.role, s.created_at, s.expires_at, s.last_seen_at
     FROM s JOIN k USING (key_id)`,
    [hashSessionToken(token), keyId, now, expiresAt],
  );
  const row = rows[0];
  return row ? { token, row } : null;
}

/** The session with this token hash, if it has not ended and its key is not revoked. */
export async function findSession(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<SessionRow | null> {
  const rows = await db.query<SessionRow>(
    `SELECT s.key_id, k.name, k.role, s.created_at, s.expires_at, s.last_seen_at
     FROM sessions s JOIN api_keys k USING (key_id)
     WHERE s.token_hash = $1 AND s.expires_at > $2 AND k.revoked_at IS NULL`,
    [tokenHash, now],
  );
  return rows[0] ?? null;
}

/**
 * Records a session's use and moves its end to `expiresAt` (never back). Returns the new end, or
 * null when the session has ended meanwhile (signed out, expired, purged).
 */
export async function touchSession(
  db: Queryable,
  tokenHash: string,
  now: Date,
  expiresAt: Date,
): Promise<Date | null> {
  const rows = await db.query<{ expires_at: Date }>(
    `UPDATE sessions SET last_seen_at = $2, expires_at = greatest(expires_at, $3)
     WHERE token_hash = $1 AND expires_at > $2
     RETURNING expires_at`,
    [tokenHash, now, expiresAt],
  );
  return rows[0]?.expires_at ?? null;
}

/** Ends a session (sign-out) and tells every server at once. */
export async function deleteSession(db: Db, tokenHash: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query('DELETE FROM sessions WHERE token_hash = $1 RETURNING 1', [
      tokenHash,
    ]);
    if (rows.length) await tx.query(`SELECT pg_notify('${API_KEYS_CHANNEL}', $1)`, [SESSION_ENDED]);
    return rows.length > 0;
  });
}

/** Deletes the sessions that ended before `now`; returns how many. */
export async function purgeExpiredSessions(db: Queryable, now = new Date()): Promise<number> {
  const rows = await db.query('DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1', [now]);
  return rows.length;
}
