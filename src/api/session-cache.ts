import type { Db } from '../store/db.js';
import {
  createSession,
  deleteSession,
  findSession,
  hashSessionToken,
  touchSession,
  type SessionRow,
} from '../store/sessions.repository.js';
import type { Caller } from './key-cache.js';

/** How long a browser session lasts: ended after `idleMs` unused, and `maxMs` after sign-in. */
export interface SessionLifetime {
  readonly idleMs: number;
  readonly maxMs: number;
}

/** 12 hours unused, or 7 days after sign-in, whichever comes first. */
export const DEFAULT_SESSION_LIFETIME: SessionLifetime = {
  idleMs: 12 * 3_600_000,
  maxMs: 7 * 86_400_000,
};

/** A signed-in browser: who it is, and when its session ends unless used again. */
export interface Session {
  readonly caller: Caller;
  readonly tokenHash: string;
  readonly expiresMs: number;
}

interface Live {
  readonly caller: Caller;
  readonly createdMs: number;
  expiresMs: number;
  lastSeenMs: number;
}

const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

function live(row: SessionRow): Live {
  return {
    caller: { keyId: row.key_id, name: row.name, role: row.role },
    createdMs: row.created_at.getTime(),
    expiresMs: row.expires_at.getTime(),
    lastSeenMs: row.last_seen_at.getTime(),
  };
}

/**
 * Resolves session tokens to callers with a short-lived cache, as KeyCache does for keys. It
 * holds no listener of its own: the key cache empties it with itself on every revocation or
 * sign-out (`KeyCache.alsoEmpty`), so a revoked key's sessions end at once.
 */
export class SessionCache {
  private readonly entries = new Map<string, { live: Live | null; cachedUntilMs: number }>();
  private generation = 0;
  // A session's use is written at most this often; the idle timeout is measured from it.
  private readonly touchEveryMs: number;

  constructor(
    private readonly db: Db,
    readonly lifetime: SessionLifetime,
    private readonly now: () => number = Date.now,
  ) {
    this.touchEveryMs = Math.min(60_000, lifetime.idleMs / 10);
  }

  /** Forgets every cached session (a key was revoked, or notifications may have been missed). */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  /** What the cache alone knows of a token: a session, null (known bad), or undefined (unknown). */
  cached(token: string): Session | null | undefined {
    const tokenHash = hashSessionToken(token);
    const hit = this.entries.get(tokenHash);
    if (!hit || hit.cachedUntilMs <= this.now()) return undefined;
    return hit.live && hit.live.expiresMs > this.now() ? this.session(tokenHash, hit.live) : null;
  }

  /** The session a token stands for, or null when it is unknown, ended or its key revoked. */
  async resolve(token: string): Promise<Session | null> {
    const tokenHash = hashSessionToken(token);
    const now = this.now();
    const hit = this.entries.get(tokenHash);
    let found: Live | null;
    if (hit && hit.cachedUntilMs > now) found = hit.live;
    else {
      const generation = this.generation;
      const row = await findSession(this.db, tokenHash, new Date(now));
      found = row && live(row);
      if (generation === this.generation) this.remember(tokenHash, found, now);
    }
    if (!found || found.expiresMs <= now) return null;
    if (now - found.lastSeenMs >= this.touchEveryMs) {
      const extended = Math.min(now + this.lifetime.idleMs, found.createdMs + this.lifetime.maxMs);
      const ends = await touchSession(this.db, tokenHash, new Date(now), new Date(extended));
      if (!ends) {
        this.entries.delete(tokenHash);
        return null;
      }
      found.lastSeenMs = now;
      found.expiresMs = ends.getTime();
    }
    return this.session(tokenHash, found);
  }

  /** Opens a session for a caller; null when its key was revoked meanwhile. */
  async open(caller: Caller): Promise<{ token: string; session: Session } | null> {
    const now = this.now();
    const ends = now + Math.min(this.lifetime.idleMs, this.lifetime.maxMs);
    const made = await createSession(this.db, caller.keyId, new Date(now), new Date(ends));
    if (!made) return null;
    const tokenHash = hashSessionToken(made.token);
    const found = live(made.row);
    return { token: made.token, session: this.session(tokenHash, found) };
  }

  /** Ends a session (sign-out), here at once and on other servers through NOTIFY. */
  async close(session: Session): Promise<void> {
    this.entries.delete(session.tokenHash);
    await deleteSession(this.db, session.tokenHash);
  }

  private session(tokenHash: string, found: Live): Session {
    return { caller: found.caller, tokenHash, expiresMs: found.expiresMs };
  }

  private remember(tokenHash: string, found: Live | null, now: number): void {
    // Unknown tokens are cached too, so a repeated bad cookie costs no query; past the bound the
    // oldest entry goes (a Map iterates in insertion order).
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, { live: found, cachedUntilMs: now + TTL_MS });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
