// Fencing tokens: a partition's epoch grows with every claim; a batch commits only under the
// epoch it was read with.
//
// Why an epoch issued by the database rather than kafkajs's group generation: a generation is
// counted per consumer group, so it starts again when the group is deleted, renamed
// (KAFKA_GROUP_ID) or run twice by mistake, and the file and simulator sources have none. The
// epoch lives beside the rows it guards and only grows, whoever claims, so "the latest claim
// wins" holds across group resets and for every kind of source.
import { DelotonError } from '../domain/errors.js';
import type { Queryable } from './db.js';
import type { SourcePosition } from './ingest-batch.js';
import { sql, type Sql } from './sql.js';

/** A batch covered partitions that another claim has taken since: nothing of it was stored. */
export class PartitionFencedError extends DelotonError {
  constructor(
    readonly source: string,
    /** The partitions whose epoch moved on. */
    readonly partitions: readonly number[],
  ) {
    super(
      'partition_fenced',
      `${source}: partition ${partitions.join(', ')} was claimed by another process; ` +
        'this batch was not stored and the partition is left to its new owner',
    );
  }
}

/**
 * Claims the partitions for this process (each epoch + 1; 1 for a first claim) and returns the
 * new epochs. Run it alone, not in a batch's transaction: it must commit before the claimer reads
 * rides and positions. It waits for a batch that holds the old epoch to finish.
 */
export async function claimPartitions(
  db: Queryable,
  source: string,
  partitions: readonly number[],
): Promise<Map<number, number>> {
  if (partitions.length === 0) return new Map();
  // In partition order, so that two claimers of overlapping sets cannot deadlock.
  const rows = await db.query<{ partition: number; epoch: string | number }>(
    `INSERT INTO partition_owners AS o (source, partition, epoch)
     SELECT $1, p, 1 FROM unnest($2::int[]) AS p ORDER BY p
     ON CONFLICT (source, partition) DO UPDATE SET epoch = o.epoch + 1, claimed_at = now()
     RETURNING partition, epoch`,
    [source, [...new Set(partitions)]],
  );
  return new Map(rows.map((r) => [r.partition, Number(r.epoch)]));
}

/**
 * The owner rows still at the batch's epochs, locked FOR SHARE until the batch commits: a claim
 * made meanwhile waits for the batch, and a claim committed first leaves its row out (READ
 * COMMITTED re-reads a row changed under a lock). Selects `partition`; a partition missing from
 * the result is fenced.
 */
export function heldPartitions(
  source: string,
  positions: ReadonlyMap<number, SourcePosition>,
): Sql {
  const entries = [...positions];
  return sql`
    SELECT o.partition FROM partition_owners o
    JOIN unnest(${entries.map(([p]) => p)}::int[], ${entries.map(([, x]) => x.epoch)}::bigint[])
      AS t(partition, epoch) ON o.partition = t.partition AND o.epoch = t.epoch
    WHERE o.source = ${source}
    ORDER BY o.partition
    FOR SHARE OF o`;
}

/** The partitions of `positions` missing from `held`, in order. */
export function fencedOf(
  positions: ReadonlyMap<number, SourcePosition>,
  held: readonly number[],
): number[] {
  const ok = new Set(held);
  return [...positions.keys()].filter((p) => !ok.has(p)).sort((a, b) => a - b);
}
