/** Running totals of a pipeline, also its health. */
export interface PipelineStats {
  messages: number;
  readings: number;
  rejects: number;
  batches: number;
  replayedBatches: number;
  /** Batches refused because another process had claimed one of their partitions. */
  fencedBatches: number;
  /** Set while the database is failing; cleared by the next commit. */
  lastError: string | null;
  lastCommitAtMs: number | null;
}

/** Totals of a pipeline that has done nothing yet. */
export function newPipelineStats(): PipelineStats {
  return {
    messages: 0,
    readings: 0,
    rejects: 0,
    batches: 0,
    replayedBatches: 0,
    fencedBatches: 0,
    lastError: null,
    lastCommitAtMs: null,
  };
}
