// A rebalance whose rebuild fails must end the pipeline, not leave it hanging: a Kafka source's
// shutdown waits for the position load that the rebalance started.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { Source } from '../src/ingest/source.js';
import { runPipeline } from '../src/ingest/pipeline.js';
import type { Db } from '../src/store/db.js';
import { describeEachDb } from './support/databases.js';
import { silent } from './support/ingest.js';

describeEachDb('pipeline rebuild at a rebalance', (get) => {
  it('fails the run, and lets the waiting source finish, when the open rides cannot be loaded', async () => {
    const real = get().db;
    let openRideLoads = 0;
    // The real database, with the second load of open rides (the rebuild) hitting a schema fault.
    const db: Db = {
      ...real,
      query: (sql, params) => {
        if (sql.includes('WHERE r.ended_at IS NULL') && ++openRideLoads >= 2) {
          const e = Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
          return Promise.reject(e);
        }
        return real.query(sql, params);
      },
    };
    let sourceFinished = false;
    // Behaves as the Kafka source does at a rebalance: asks for positions again, and its shutdown
    // waits for that request to be answered.
    const source: Source = {
      name: 'rebalancing',
      async *read(load, signal) {
        await load([0]);
        yield [
          { partition: 0, offset: 0, next: 1, key: 'B1', value: '--------- beginning of main' },
        ];
        const rejoin = load([0]).catch(() => undefined);
        try {
          await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
        } finally {
          await rejoin;
          sourceFinished = true;
        }
      },
      close: () => Promise.resolve(),
    };
    const stop = new AbortController();
    const run = runPipeline({
      db,
      source,
      feedTimeZone: 'UTC',
      maxBatchMessages: 10,
      maxBatchWaitMs: 10,
      logger: silent,
      signal: stop.signal,
    });
    const settled = run.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    const outcome = await Promise.race([settled, sleep(3_000, 'still running')]);
    stop.abort();
    expect(outcome).toMatch(/relation "x" does not exist/);
    expect(openRideLoads).toBe(2);
    expect(sourceFinished).toBe(true);
  });
});
