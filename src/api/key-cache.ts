import type { Db } from '../store/db.js';
import {
  API_KEYS_CHANNEL,
  findActiveKey,
  hashApiKey,
  touchApiKey,
  type ApiRole,
} from '../store/api-keys.repository.js';

/** Who a request is, once its key checked out. */
export interface Caller {
  readonly keyId: number;
  readonly name: string;
  readonly role: ApiRole;
}

const TTL_MS = 10_000;
const TOUCH_EVERY_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Resolves keys to callers with a short-lived cache, so a hot key costs no query. A revocation
 * clears the cache at once through NOTIFY; should that be missed, the TTL bounds the delay.
 */
export class KeyCache {
  private readonly entries = new Map<string, { caller: Caller | null; expiresMs: number }>();
  private readonly touched = new Map<number, number>();
  // Bumped by every revocation: a lookup that started before one must not cache what it read.
  private generation = 0;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly dependents: { invalidate(): void }[] = [];

  constructor(
    private readonly db: Db,
    private readonly onTouchError: (e: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Subscribes to revocations. */
  async start(): Promise<void> {
    this.unlisten = await this.db.listen(API_KEYS_CHANNEL, () => this.invalidate());
  }

  /** Forgets every cached key (a key was revoked, or notifications may have been missed). */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
    for (const d of this.dependents) d.invalidate();
  }

  /**
   * Empties `cache` whenever this one is emptied: what it holds (sessions) rests on keys, and one
   * listening connection per server is enough.
   */
  alsoEmpty(cache: { invalidate(): void }): void {
    this.dependents.push(cache);
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }

  /** What the cache alone knows of a key: a caller, null (known bad), or undefined (unknown). */
  cached(key: string): Caller | null | undefined {
    const hit = this.entries.get(hashApiKey(key));
    return hit && hit.expiresMs > this.now() ? hit.caller : undefined;
  }

  /** The caller a key stands for, or null for an unknown or revoked key. */
  async resolve(key: string): Promise<Caller | null> {
    const hash = hashApiKey(key);
    const now = this.now();
    const hit = this.entries.get(hash);
    let caller: Caller | null;
    if (hit && hit.expiresMs > now) {
      caller = hit.caller;
      // Used keys move to the back, so that evicting the oldest spares them.
      this.entries.delete(hash);
      this.entries.set(hash, hit);
    } else {
      const generation = this.generation;
      const row = await findActiveKey(this.db, hash);
      caller = row && { keyId: row.key_id, name: row.name, role: row.role };
      if (generation === this.generation) {
        // Unknown keys are cached too, so repeating a bad key costs no query. Past the bound the
        // oldest entry goes (a Map iterates in insertion order), not the valid keys with it.
        this.entries.delete(hash);
        this.entries.set(hash, { caller, expiresMs: now + TTL_MS });
        if (this.entries.size > MAX_ENTRIES) {
          const oldest = this.entries.keys().next().value;
          if (oldest !== undefined) this.entries.delete(oldest);
        }
      }
    }
    if (caller && now - (this.touched.get(caller.keyId) ?? 0) > TOUCH_EVERY_MS) {
      this.touched.set(caller.keyId, now);
      touchApiKey(this.db, caller.keyId).catch(this.onTouchError);
    }
    return caller;
  }
}
