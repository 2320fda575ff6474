import type { Logger } from 'pino';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../domain/heart-rate.js';
import { RideAlertDetector } from '../domain/ride-alerts.js';
import type { Db } from '../store/db.js';
import type { IngestBatch } from '../store/ingest-batch.js';
import { loadPositions } from '../store/offsets.repository.js';
import { claimPartitions } from '../store/partition-owners.repository.js';
import { RideIds } from '../store/ride-ids.js';
import { BatchBuilder } from './batch-builder.js';
import { BatchCommitter } from './batch-committer.js';
import { intake } from './intake.js';
import { waitingOutOutages } from './outage-wait.js';
import { PipelineInputs } from './pipeline-inputs.js';
import { newPipelineStats, type PipelineStats } from './pipeline-stats.js';
import { restoreRideState, type RideState } from './ride-state.js';
import { RideTracker } from '../domain/ride-tracker.js';
import type { Source, SourceMessage } from './source.js';

export type { PipelineStats } from './pipeline-stats.js';

export interface PipelineOptions {
  readonly db: Db;
  readonly source: Source;
  /** IANA zone of the bikes' clocks. */
  readonly feedTimeZone: string;
  /** A batch is written once it holds this many messages... */
  readonly maxBatchMessages: number;
  /** ...or once its first message has waited this long. */
  readonly maxBatchWaitMs: number;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Heart-rate alert settings; without them no alerts are detected. */
  readonly alerts?: AlertSettings;
  /** Called after each committed batch (progress, metrics). */
  readonly onCommit?: (batch: IngestBatch, stats: PipelineStats) => void;
}

/**
 * Runs source → parse → track → batched transactional writes until the source ends or `signal`
 * aborts. Each step owns its state: the tracker its rides, the detector its heart-rate runs, the
 * builder the batch being filled, the committer the batch being written, the store its ride ids.
 *
 * Whenever the source is given partitions (its start, a rebalance) they are claimed in the
 * database and every batch carries the claims' epochs: a batch of a partition another process
 * has claimed since is refused whole (fenced). A consumer-group member then drops what it reads
 * until its next assignment, which follows at once (it has lost its place in the group), and
 * rebuilds from the database; any other source has one owner, so its run ends with the error.
 */
export async function runPipeline(o: PipelineOptions): Promise<PipelineStats> {
  const stats = newPipelineStats();
  const detector = o.alerts ? new RideAlertDetector(o.alerts) : null;
  const restore = (): Promise<RideState> =>
    restoreRideState({
      db: o.db,
      formula,
      detector,
      logger: o.logger,
      signal: o.signal,
    });
  const formula = (o.alerts ?? DEFAULT_ALERT_SETTINGS).formula;
  // Rebuilt from the database once the source's partitions are claimed, before it reads any.
  let rides: RideState = { tracker: new RideTracker({ formula }), ids: new RideIds() };
  let epochs: ReadonlyMap<number, number> = new Map();
  const builder = new BatchBuilder(o.source.name, detector);
  const inputs = new PipelineInputs(
    o.source,
    (partitions) =>
      waitingOutOutages(
        'loading positions',
        () => loadPositions(o.db, o.source.name, partitions),
        o,
      ),
    o.signal,
    o.maxBatchWaitMs,
  );
  const committer = new BatchCommitter({
    db: o.db,
    source: o.source,
    logger: o.logger,
    signal: o.signal,
    stats,
    onCommit: o.onCommit,
    onFailure: (e) => inputs.fail(e),
    onRefused: (refused) => {
      for (const ride of refused) rides.tracker.ignore(ride);
    },
    onFenced: (e) => {
      if (!o.source.group) inputs.fail(e);
    },
  });
  const claim = (partitions: readonly number[]): Promise<Map<number, number>> =>
    waitingOutOutages(
      'claiming partitions',
      () => claimPartitions(o.db, o.source.name, partitions),
      o,
    );

  /** Hands the batch built so far to the write stage (waiting for the one before it). */
  const flush = async (): Promise<void> => {
    // Built on the rows of a fenced batch: dropped, its lines are read again after the rebuild.
    if (committer.fenced) builder.discard();
    if (builder.count > 0)
      await committer.submit(builder.seal(rides.tracker.checkpoint(), epochs), rides.ids);
  };
  const take = async (messages: readonly SourceMessage[]): Promise<void> => {
    for (const msg of messages) {
      if (committer.fenced) break;
      intake(msg, rides.tracker, builder, o.feedTimeZone);
      if (builder.isFull(o.maxBatchMessages)) await flush();
    }
    // Parsing is synchronous: let the in-flight write's replies in between chunks, or every
    // round trip of that write waits for a whole read-ahead buffer to be parsed.
    await new Promise((resolve) => setImmediate(resolve));
    if (builder.count > 0 && Date.now() - builder.firstAtMs >= o.maxBatchWaitMs) await flush();
  };

  try {
    for (;;) {
      const input = await inputs.next({
        count: builder.count,
        firstAtMs: builder.firstAtMs,
        writing: committer.writing,
      });
      switch (input.kind) {
        case 'messages':
          await take(input.messages);
          break;
        case 'due':
          await flush();
          break;
        case 'rebuild':
          await flush();
          await committer.drain();
          // Claimed before the rides are read: a batch of a former owner either committed
          // before the claim (and is read) or is fenced.
          epochs = await claim(input.partitions);
          rides = await restore();
          committer.unfence();
          inputs.rebuilt();
          break;
        case 'failed':
          throw input.error;
        case 'end':
          await flush();
          await committer.drain();
          return stats;
      }
    }
  } finally {
    await inputs.close();
    // Whatever ended the loop, the batch being written is finished before anyone closes the database.
    await committer.drain().catch(() => undefined);
  }
}
