import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { DelotonError } from '../domain/errors.js';
import { isCollision, isConflict, isTransientDbError, type Db } from '../store/db.js';
import type { RideStart } from '../domain/ride.js';
import type { IngestBatch } from '../store/ingest-batch.js';
import { writeBatch, type WriteResult } from '../store/ingest-writer.js';
import { PartitionFencedError } from '../store/partition-owners.repository.js';
import { isMissingPartition, ReadingsPartitions } from '../store/readings-partitions.repository.js';
import type { RideIds } from '../store/ride-ids.js';
import { backoff } from './outage-wait.js';
import type { PipelineStats } from './pipeline-stats.js';
import type { Source } from './source.js';

export interface CommitterOptions {
  readonly db: Db;
  readonly source: Source;
  readonly logger: Logger;
  /** Stops waiting out an outage; the batch is then left unwritten (its lines are read again). */
  readonly signal: AbortSignal;
  readonly stats: PipelineStats;
  /** Called after each committed batch (progress, metrics). */
  readonly onCommit?: ((batch: IngestBatch, stats: PipelineStats) => void) | undefined;
  /** Called once when a write fails for good, so that whoever waits on the source can stop. */
  readonly onFailure: (err: Error) => void;
  /** Told of rides a committed batch refused to store, to stop tracking them. */
  readonly onRefused?: ((rides: readonly RideStart[]) => void) | undefined;
  /** Told once when a batch is refused by the fence (another process claimed its partitions). */
  readonly onFenced?: ((err: PartitionFencedError) => void) | undefined;
}

const MAX_CONFLICT_RETRIES = 5;

/** What became of a batch handed to the committer. */
type Outcome =
  | { kind: 'committed' }
  | { kind: 'stopped' }
  | { kind: 'fenced'; error: PartitionFencedError }
  | { kind: 'failed'; error: Error };

/**
 * The pipeline's write stage: one batch in flight at a time (so memory stays flat), each written
 * in one transaction with its source positions. Outages are waited out with backoff; any other
 * error fails the pipeline with the batch unwritten, so nothing is lost.
 */
export class BatchCommitter {
  private inFlight: Promise<Outcome> = Promise.resolve({ kind: 'committed' });
  /** Whether a batch is being written now. */
  writing = false;
  /** Set once a write has failed for good. */
  failure: Error | null = null;
  /** Set once a stop left a batch unwritten during an outage. */
  private stopped = false;
  /** Set from a fenced batch until `unfence()`: the batches after it were built on its rows. */
  fenced: PartitionFencedError | null = null;
  /** Months of `readings` known to have their partition. */
  private readonly partitions = new ReadingsPartitions();

  constructor(private readonly o: CommitterOptions) {}

  /** Starts writing `batch` once the one before it is done; throws if that one failed. */
  async submit(batch: IngestBatch, ids: RideIds): Promise<void> {
    await this.drain();
    // Once a batch was left unwritten, no later one may be written: its positions would move
    // past the lines left behind, and they would never be read again.
    if (this.stopped) {
      this.o.logger.warn(
        { messages: batch.messageCount },
        'stopped: this batch is not stored either',
      );
      return;
    }
    // A batch built after a fenced one assumes its rows were stored: it waits for the ride state
    // to be rebuilt from the database, with fresh claims, and its lines are read again.
    if (this.fenced) return;
    this.writing = true;
    this.inFlight = this.commit(batch, ids).finally(() => (this.writing = false));
  }

  /** Accepts batches again once the ride state was rebuilt under new claims. */
  unfence(): void {
    this.fenced = null;
  }

  /** Waits for the batch in flight; throws its failure. */
  async drain(): Promise<void> {
    const outcome = await this.inFlight;
    if (outcome.kind === 'failed') throw outcome.error;
  }

  private async commit(batch: IngestBatch, ids: RideIds): Promise<Outcome> {
    const delays = backoff();
    let tolerant = false;
    let conflicts = 0;
    for (let attempt = 1; ; attempt++) {
      let res: WriteResult;
      try {
        // Outside the batch's transaction: creating a partition locks `readings` briefly.
        await this.partitions.ensureFor(this.o.db, batch.readings);
        // Not durable: positions commit with the rows, so a batch lost in a server crash is read again.
        res = await this.o.db.transaction((tx) => writeBatch(tx, batch, ids, { tolerant }), {
          durable: false,
        });
      } catch (e) {
        if (e instanceof PartitionFencedError) return this.fence(batch, e);
        const err = e as Error & { code?: string };
        if (!tolerant && isCollision(err)) {
          // Rows were stored already in a way the tracker could not know (e.g. the same ride
          // twice in a corrupt feed): write this batch again with every reading through ON CONFLICT.
          tolerant = true;
          this.o.logger.info(
            { code: err.code },
            'batch collided with stored rows; writing it conflict-tolerant',
          );
          continue;
        }
        if (isMissingPartition(err) && ++conflicts <= MAX_CONFLICT_RETRIES) {
          // Its month was dropped (READINGS_RETENTION) since this process saw it: create it again.
          this.partitions.forget();
          this.o.logger.info({ attempt }, 'batch met a dropped readings month; writing it again');
          continue;
        }
        if (isConflict(err) && ++conflicts <= MAX_CONFLICT_RETRIES) {
          // A deadlock with an erasure or the retention round: one side was chosen to give way.
          this.o.logger.info(
            { code: err.code, attempt },
            'batch met a concurrent write; writing it again',
          );
          continue;
        }
        if (!isTransientDbError(err)) return this.fail(batch, err);
        this.o.stats.lastError = err.message;
        const delay = delays.next().value as number;
        this.o.logger.warn(
          { err: err.message, code: err.code, attempt, retryInMs: delay },
          err.code === '25006'
            ? 'database is read-only (a standby, or a primary failing over); batch write waits and retries'
            : String(err.code).startsWith('53')
              ? 'database is out of resources (disk full, memory or connections); batch write waits and retries'
              : 'database unreachable; batch write waits and retries',
        );
        await sleep(delay, undefined, { signal: this.o.signal }).catch(() => undefined);
        if (this.o.signal.aborted) return this.leave(batch);
        continue;
      }
      this.committed(batch, res, ids, attempt);
      break;
    }
    // Outside the retry: the batch is committed, and must not be written again if these throw.
    try {
      this.o.onCommit?.(batch, this.o.stats);
      await this.o.source.committed?.(new Map([...batch.positions].map(([p, x]) => [p, x.next])));
    } catch (e) {
      // Only a mirror (Kafka group offsets for lag tooling) or a progress report: the database
      // holds the positions that count, so ingest goes on.
      this.o.logger.warn({ err: (e as Error).message }, 'after-commit report failed');
    }
    return { kind: 'committed' };
  }

  private committed(batch: IngestBatch, res: WriteResult, ids: RideIds, attempt: number): void {
    ids.learn(res.learned);
    const refused = [...res.learned].filter(([, s]) => s.kind === 'refused').map(([r]) => r);
    if (refused.length > 0) this.o.onRefused?.(refused);
    const s = this.o.stats;
    s.messages += batch.messageCount;
    s.readings += res.readings;
    s.rejects += res.rejects;
    s.batches++;
    if (res.replayed) s.replayedBatches++;
    s.lastCommitAtMs = Date.now();
    if (s.lastError) this.o.logger.info({ attempt }, 'database back; pipeline resumed');
    s.lastError = null;
  }

  /** A stop during an outage: the batch stays unwritten and its lines are read again next time. */
  private leave(batch: IngestBatch): Outcome {
    this.stopped = true;
    this.o.logger.warn(
      { messages: batch.messageCount },
      'stopped while the database was unreachable: the last batch was not stored; its lines are read again on the next start',
    );
    return { kind: 'stopped' };
  }

  /** Another process claimed a partition of the batch: nothing of it was stored; not an error. */
  private fence(batch: IngestBatch, error: PartitionFencedError): Outcome {
    this.fenced = error;
    this.o.stats.fencedBatches++;
    this.o.logger.warn(
      { partitions: error.partitions, messages: batch.messageCount, code: error.code },
      'batch refused: its partitions were claimed by another process; they are left to it',
    );
    this.o.onFenced?.(error);
    return { kind: 'fenced', error };
  }

  private fail(batch: IngestBatch, err: Error & { code?: string }): Outcome {
    const error = new DelotonError(
      'ingest_write_failed',
      `ingest stopped: a batch of ${batch.messageCount} messages could not be written ` +
        `(${err.code ? `SQLSTATE ${err.code}: ` : ''}${err.message}); nothing of it was stored, ` +
        'and its lines will be read again once this is fixed',
      { cause: err },
    );
    this.failure = error;
    this.o.stats.lastError = err.message;
    this.o.logger.error({ err: err.message, code: err.code }, 'batch write failed; ingest stops');
    this.o.onFailure(error);
    return { kind: 'failed', error };
  }
}
