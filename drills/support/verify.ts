// What every drill checks at its end: the database equals the same feed ingested once, cleanly,
// into a fresh database, and the feed lag (as /metrics reports it) is back under 1 s.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../src/store/db.js';
import { readPlatformStats } from '../../src/store/platform-stats.repository.js';
import { snapshot } from '../../test/support/snapshot.js';
import { log, seconds, type Checks } from './drill.js';

/** The lag target of issue 12. */
export const LAG_TARGET_S = 1;

/** The check each drill ends with: the lag measured after recovery is under the target. */
export function checkLagBack(checks: Checks, lagAfterS: number | null, label: string): void {
  checks.check(lagAfterS !== null && lagAfterS < LAG_TARGET_S, `${label} ${lagAfterS} s`);
}

/** The other: the end state equals one clean run of the same feed. */
export function checkSameAsReference(
  checks: Checks,
  cmp: { readonly equal: boolean; readonly diff: readonly string[] },
  what = 'database',
): void {
  checks.check(cmp.equal, `${what} differs from one clean run: ${cmp.diff.join('; ')}`);
}

/** `deloton_feed_lag_seconds`, read the way /metrics reads it (null: no open ride, or down). */
export async function feedLagS(db: Db): Promise<number | null> {
  try {
    return (await readPlatformStats(db)).feedLagS;
  } catch {
    return null;
  }
}

/**
 * Polls the lag from `sinceMs` until a sample is under 1 s, then takes five more, 500 ms apart
 * (readings are a second apart, so one sample alone swings by a second). Returns the seconds
 * from `sinceMs` to the first sample under 1 s and the median of the five (null: never).
 */
export async function lagRecovery(
  db: Db,
  sinceMs: number,
  timeoutMs = 60_000,
): Promise<{ recoveryS: number | null; lagAfterS: number | null }> {
  for (;;) {
    const lag = await feedLagS(db);
    if (lag !== null && lag < LAG_TARGET_S) break;
    if (Date.now() - sinceMs > timeoutMs) {
      log(`lag still ${lag} s after ${timeoutMs / 1000} s`);
      return { recoveryS: null, lagAfterS: lag };
    }
    await sleep(100);
  }
  const recoveryS = seconds(Date.now() - sinceMs);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await sleep(500);
    samples.push((await feedLagS(db)) ?? Infinity);
  }
  samples.sort((a, b) => a - b);
  const lagAfterS = Math.round((samples[2] ?? Infinity) * 1000) / 1000;
  log(`lag under 1 s after ${recoveryS} s; median of five samples after: ${lagAfterS} s`);
  return { recoveryS, lagAfterS };
}

type Tables = Awaited<ReturnType<typeof snapshot>>;
const COMPARED = ['riders', 'rides', 'readings', 'alerts', 'rejected'] as const;

/** The snapshot without what a drill may rightly change: an alert's mail state. */
async function comparable(db: Db): Promise<Pick<Tables, (typeof COMPARED)[number]>> {
  const s = await snapshot(db);
  const alerts = s.alerts.map((a) => {
    const { state: _state, ...rest } = a as Record<string, unknown>;
    return rest;
  });
  return { ...s, alerts };
}

/** Tables that differ between the two databases, each with both row counts. */
async function differences(
  got: Db,
  want: Db,
): Promise<{ diff: string[]; rows: number; counts: Record<string, number> }> {
  const [g, w] = [await comparable(got), await comparable(want)];
  const diff: string[] = [];
  const counts: Record<string, number> = {};
  let rows = 0;
  for (const t of COMPARED) {
    counts[t] = w[t].length;
    rows += w[t].length;
    if (JSON.stringify(g[t]) !== JSON.stringify(w[t]))
      diff.push(`${t}: ${g[t].length} rows, expected ${w[t].length} (or rows differ)`);
  }
  return { diff, rows, counts };
}

/**
 * Waits (up to `timeoutMs`) until `got` holds exactly what `want` holds, table by table: the
 * pipeline may still be catching up when the feed stops. Returns the figures and what differs.
 */
export async function compareWithReference(
  got: Db,
  want: Db,
  timeoutMs = 60_000,
): Promise<{
  equal: boolean;
  rowsCompared: number;
  counts: Record<string, number>;
  diff: string[];
}> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await differences(got, want);
    if (!d.diff.length || Date.now() > deadline) {
      log(d.diff.length ? `differs: ${d.diff.join('; ')}` : `equal: ${JSON.stringify(d.counts)}`);
      return { equal: !d.diff.length, rowsCompared: d.rows, counts: d.counts, diff: d.diff };
    }
    await sleep(1000);
  }
}

/** Alerts by mail state, and what the SMTP server received: one mail per alert, none twice. */
export async function mailFigures(
  db: Db,
  received: readonly { messageId?: string }[],
): Promise<{
  alerts: number;
  mailsSent: number;
  mailsReceived: number;
  mailsDoubled: number;
  unsent: number;
}> {
  const rows = await db.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM alerts GROUP BY state',
  );
  const by = Object.fromEntries(rows.map((r) => [r.state, r.n]));
  const alerts = rows.reduce((n, r) => n + r.n, 0);
  const ids = new Set(received.map((m) => m.messageId));
  return {
    alerts,
    mailsSent: by.sent ?? 0,
    mailsReceived: received.length,
    mailsDoubled: received.length - ids.size,
    unsent: alerts - (by.sent ?? 0),
  };
}

/** Waits until every alert is sent (or `timeoutMs` passes). */
export async function waitForMails(db: Db, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM alerts WHERE state <> 'sent'",
    );
    if (row?.n === 0) return;
    await sleep(500);
  }
}
