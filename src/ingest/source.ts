/** One raw message from a source: the text of a feed line (or its `{"log": ...}` envelope) and where it sits. */
export interface SourceMessage {
  /** Partition (Kafka) or 0 for single-stream sources. */
  readonly partition: number;
  /** Position of this message within its partition (Kafka offset, file byte offset, simulator sequence). */
  readonly offset: number;
  /** Position to resume from once this message is stored (offset + 1 for Kafka, next line's byte for files). */
  readonly next: number;
  /** Message key (the bike serial), or null where the feed has none. */
  readonly key: string | null;
  /** Raw message value as text. */
  readonly value: string;
  /** Set when the source kept only the head of a line over the size limit: its whole size in bytes. */
  readonly cutFromBytes?: number;
  /** Set for a last line whose newline will never come (its file was rotated or rewritten). */
  readonly unterminated?: true;
  /**
   * What the positions are positions in, for a source whose stream can be replaced under the
   * same name (a file's fingerprint); stored with the position and handed back on resume.
   */
  readonly identity?: string;
}

/** Positions per partition: the `next` of the last stored message. */
export type Positions = ReadonlyMap<number, number>;

/** How far one partition a reader holds is behind the end of its stream. */
export interface PartitionBacklog {
  readonly partition: number;
  /** Messages past the stored position: written to the stream, not stored yet. */
  readonly messages: number;
  /**
   * How long the oldest of them has waited since it was produced: exact when this reader has
   * fetched it, else the time since the reader's last fetch (it came after). 0 when none waits;
   * null before the reader's first fetch.
   */
  readonly seconds: number | null;
}

/** A partition's stored position, with the identity of what it is a position in (or null). */
export interface StoredPosition {
  readonly position: number;
  readonly identity: string | null;
}

/** Where a source asks for the stored positions of the partitions it is about to read. */
export type PositionLoader = (
  partitions: readonly number[],
) => Promise<ReadonlyMap<number, StoredPosition>>;

/** A stream of feed messages with positions; it resumes from positions the pipeline stored. */
export interface Source {
  /** Stable identity used as the `source` column of `source_offsets` and `rejected_messages`. */
  readonly name: string;
  /**
   * One member of a consumer group: partitions move between processes, each arrival through a
   * new position load. A member fenced off a partition waits for that load; a source without a
   * group has one owner, and stops.
   */
  readonly group?: boolean;
  /**
   * Yields chunks of messages, in order within each partition, starting at the stored positions.
   * The iterable ends when the source is exhausted or idle (with `untilIdle`) or when `signal` aborts.
   */
  read(loadPositions: PositionLoader, signal: AbortSignal): AsyncIterable<readonly SourceMessage[]>;
  /** Told after positions were committed to the database, e.g. to mirror them as Kafka group offsets. */
  committed?(positions: Positions): Promise<void>;
  /** The backlog of each partition this reader holds now (none while it holds none). */
  backlog?(): Promise<readonly PartitionBacklog[]>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
