// What /metrics costs and what it says about rejected lines: the count comes from running
// counts kept as rejects are stored and deleted, and stored figures are read at most once per
// ten seconds however many scrape, since the endpoint needs no key.
import { copyFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { Db } from '../src/store/db.js';
import { purgeOldRejects } from '../src/store/rejects.repository.js';
import { apiHarness, type ApiHarness } from './support/api.js';
import { describeEachDb, rowCounter } from './support/databases.js';
import { envelope, ingestFile, tempFile } from './support/ingest.js';
import { simFileFeed } from './support/sim-feed.js';

/** A small fleet with a bad line after every tenth. */
function feedWithRejects(): string {
  const { lines } = simFileFeed({ bikes: 2, ridesPerBike: 1, seed: 3, rideSeconds: [60, 80] });
  return tempFile(lines.flatMap((l, i) => (i % 10 === 0 ? [l, envelope(`bad line ${i}`)] : [l])));
}

describeEachDb('rejected lines and metrics', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());
  const count = rowCounter(get);
  const counted = async (): Promise<number> =>
    (
      await get().db.query<{ n: number }>(
        'SELECT coalesce(sum(stored), 0)::int AS n FROM rejected_counts',
      )
    )[0]!.n;

  it('keeps the running count equal to the table through replays, other sources and retention', async () => {
    const path = feedWithRejects();
    await ingestFile(get().db, path);
    const first = await count('rejected_messages');
    expect(first).toBeGreaterThan(10);
    expect(await counted()).toBe(first);
    // Read again from the same file (nothing new) and from a copy (another source: all again).
    await ingestFile(get().db, path);
    const copy = tempFile([]);
    copyFileSync(path, copy);
    await ingestFile(get().db, copy);
    expect(await count('rejected_messages')).toBe(2 * first);
    expect(await counted()).toBe(2 * first);
    // Retention deletes what is older than it, in slices, and the count follows.
    await get().db.query(
      `UPDATE rejected_messages SET received_at = now() - interval '40 days' WHERE source = $1`,
      [`file:${path}`],
    );
    expect(await purgeOldRejects(get().db, 30 * 86_400_000, 7)).toBe(first);
    expect(await count('rejected_messages')).toBe(first);
    expect(await counted()).toBe(first);
    expect(await purgeOldRejects(get().db, 30 * 86_400_000)).toBe(0);
  });

  it('answers any number of scrapes with one read of the stored figures, which scans no rejected line', async () => {
    await ingestFile(get().db, feedWithRejects());
    const statements: string[] = [];
    const db = get().db;
    const watched: Db = {
      ...db,
      query: (sql, params) => {
        statements.push(sql);
        return db.query(sql, params);
      },
    };
    api = await apiHarness(watched);
    statements.length = 0;
    const bodies = await Promise.all(
      Array.from({ length: 20 }, () => api!.call('GET', '/metrics', null)),
    );
    for (let i = 0; i < 20; i++) bodies.push(await api.call('GET', '/metrics', null));
    const stored = statements.filter((s) => s.includes('rejected_counts'));
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toMatch(/rejected_messages/);
    const rejects = await count('rejected_messages');
    for (const b of bodies) expect(b.body).toContain(`deloton_rejected_messages ${rejects}\n`);
  });
});
