/** What the limiter decided for one request. */
export type RateDecision =
  { kind: 'allow'; remaining: number } | { kind: 'deny'; retryAfterS: number };

/**
 * A token bucket per key: `perMinute` requests a minute, in bursts of up to as many. In memory,
 * so each server process limits on its own (documented; a shared store would cost a round trip).
 */
export class RateLimiter {
  private readonly buckets = new Map<number | string, { tokens: number; atMs: number }>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Seconds until `keyId` has a token again, or null if it has one now; takes none. */
  blockedFor(keyId: number | string): number | null {
    const b = this.buckets.get(keyId);
    if (!b) return null;
    const tokens = Math.min(this.perMinute, b.tokens + (this.now() - b.atMs) * this.perMs);
    return tokens >= 1 ? null : Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }

  /** Takes one token for `keyId` (a key's id, or a client address). */
  take(keyId: number | string): RateDecision {
    const now = this.now();
    let b = this.buckets.get(keyId);
    if (!b) {
      // Keys are few; the bound only guards against a pathological number of them.
      if (this.buckets.size > 100_000) this.buckets.clear();
      b = { tokens: this.perMinute, atMs: now };
      this.buckets.set(keyId, b);
    }
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.atMs) * this.perMs);
    b.atMs = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { kind: 'allow', remaining: Math.floor(b.tokens) };
    }
    return {
      kind: 'deny',
      retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000)),
    };
  }
}
