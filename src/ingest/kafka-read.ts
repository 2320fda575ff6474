// One member's read of the topic: kafkajs pushes batches from its own loop, the iterable pulls
// them one at a time, and positions come from the database at every assignment.
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { KafkaSourceError, type KafkaSourceOptions } from './kafka-options.js';
import { ProducedTimes } from './produced-times.js';
import type { PositionLoader, Positions, SourceMessage } from './source.js';

/** A batch parked between kafkajs's push loop and the pulling iterator; settle(false) drops it. */
interface Handoff {
  readonly generation: number;
  readonly messages: readonly SourceMessage[];
  settle(yielded: boolean): void;
}

// kafkajs's "earliest": it fetches from 0, and an out-of-range reply moves it to the log start.
const EARLIEST = '-2';
const HEARTBEAT_POLL_MS = 1000;
/** One `read()` call: a consumer group member whose pushed batches are pulled by the iterable. */
export class KafkaRead {
  assigned: readonly number[] = [];
  /** Where each assigned partition's stored messages reach: loaded at the join, then committed. */
  readonly stored = new Map<number, number>();
  /** When the fetched messages not yet stored were produced. */
  readonly produced = new ProducedTimes();
  private generation = 0;
  private ready: Promise<boolean> = Promise.resolve(false);
  private lastActivity = Date.now();
  private lastFetch = 0;
  /** When this member last had a fetch answered (0: never). */
  lastFetchAtMs = 0;
  private seekedGeneration = 0;
  private failure: Error | null = null;
  private ending = false;
  private readonly queue: Handoff[] = [];
  private wake: (() => void) | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    readonly consumer: Consumer,
    private readonly opts: KafkaSourceOptions,
    private readonly log: Logger,
    private readonly loadPositions: PositionLoader,
  ) {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.generation += 1;
      const partitions = [...(payload.memberAssignment[opts.topic] ?? [])].sort((a, b) => a - b);
      this.assigned = partitions;
      this.stored.clear();
      this.produced.clear();
      // Batches parked under the previous assignment may be for partitions about to be re-seeked.
      this.dropQueued();
      this.ready = this.seekToStored(this.generation, partitions);
    });
    consumer.on(consumer.events.FETCH, () => {
      opts.onFetch?.();
      this.lastFetchAtMs = Date.now();
      // Fetches from before the seek (still loading positions) say nothing about the stored positions.
      if (this.seekedGeneration === this.generation) this.lastFetch = Date.now();
      this.poke();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) {
        const err = new KafkaSourceError('consumer crashed', { cause: payload.error });
        err.rejoinable = true;
        this.fail(err);
      }
    });
  }

  /** Connects, joins the group and yields chunks until idle, failure or shutdown. */
  async *messages(): AsyncGenerator<readonly SourceMessage[]> {
    try {
      await this.consumer.connect();
      this.log.info(
        { brokers: this.opts.brokers, groupId: this.opts.groupId },
        'connected to kafka',
      );
      await this.consumer.subscribe({ topic: this.opts.topic, fromBeginning: true });
      const eachBatch = (payload: EachBatchPayload) => this.eachBatch(payload);
      await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
    } catch (err) {
      if (this.ending) return;
      throw new KafkaSourceError('cannot start the kafka consumer', { cause: err });
    }
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.ending) return;
      const item = this.queue.shift();
      if (item) {
        // Stale batches are dropped rather than yielded. The pipeline's inserts must stay idempotent
        // all the same: a rebalance can hand a partition over while its last chunk is being stored.
        if (item.generation !== this.generation) {
          item.settle(false);
          continue;
        }
        item.settle(true);
        yield item.messages;
        // Idle time counts only while waiting for Kafka, not while the pipeline stores a chunk.
        this.lastActivity = Date.now();
        continue;
      }
      // Idle means Kafka kept answering with nothing for idleMs; time spent rejoining the group
      // (no fetches) does not count, or an eviction would end the read half-way.
      const idleMs = this.opts.untilIdle?.idleMs;
      if (idleMs !== undefined && this.lastFetch - this.lastActivity >= idleMs) {
        this.log.info({ idleMs }, 'no messages while idle; ending read');
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Notes positions the pipeline committed, for the partitions this member still holds. */
  noteCommitted(positions: Positions): void {
    for (const [partition, next] of positions) {
      this.produced.storedUpTo(partition, next);
      if (this.assigned.includes(partition)) this.stored.set(partition, next);
    }
  }

  /** Stops and disconnects the consumer once; the iterable ends at its next step. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.ending = true;
      // Release a parked eachBatch first: kafkajs's stop waits for it.
      this.dropQueued();
      this.poke();
      try {
        await this.consumer.disconnect();
      } catch (err) {
        this.log.warn({ err }, 'kafka consumer did not disconnect cleanly');
      }
    })();
    return this.stopping;
  }

  private async seekToStored(gen: number, partitions: readonly number[]): Promise<boolean> {
    try {
      const positions = await this.loadPositions(partitions);
      if (gen !== this.generation || this.ending) return false;
      const resume: Record<number, number | 'earliest'> = {};
      for (const partition of partitions) {
        const pos = positions.get(partition)?.position;
        // The database is the truth: group offsets are only a mirror for lag tooling.
        const offset = pos === undefined ? EARLIEST : String(pos);
        this.consumer.seek({ topic: this.opts.topic, partition, offset });
        if (pos !== undefined) this.stored.set(partition, pos);
        resume[partition] = pos ?? 'earliest';
      }
      const { groupId } = this.opts;
      this.log.info({ groupId, generation: gen, partitions, resume }, 'joined consumer group');
      this.seekedGeneration = gen;
      this.lastActivity = Date.now();
      this.poke();
      return true;
    } catch (err) {
      this.fail(new KafkaSourceError('loading stored positions failed', { cause: err }));
      return false;
    }
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const gen = this.generation;
    const seeked = await this.ready;
    // A batch fetched before the seek to the stored positions is stale: kafkajs refetches from the
    // seek once this returns without resolving offsets.
    const stale = gen !== this.generation || payload.isStale() || !payload.isRunning();
    if (!seeked || stale || this.ending) return;
    const { batch } = payload;
    const messages = batch.messages.map((m): SourceMessage => {
      const offset = Number(m.offset);
      const key = m.key?.toString('utf8') ?? null;
      const value = m.value?.toString('utf8') ?? '';
      return { partition: batch.partition, offset, next: offset + 1, key, value };
    });
    if (messages.length === 0) return;
    this.produced.add(
      batch.partition,
      batch.messages.map((m) => ({ offset: Number(m.offset), producedAtMs: Number(m.timestamp) })),
    );
    if (!(await this.handOff(gen, messages, payload))) return;
    payload.resolveOffset(batch.lastOffset());
    await payload.heartbeat();
  }

  /** Parks a batch until the iterable pulls it (true) or it is dropped (false). */
  private async handOff(gen: number, messages: SourceMessage[], payload: EachBatchPayload) {
    let item!: Handoff;
    const settled = new Promise<boolean>(
      (settle) => (item = { generation: gen, messages, settle }),
    );
    this.queue.push(item);
    this.lastActivity = Date.now();
    this.poke();
    try {
      for (;;) {
        const tick = sleep(HEARTBEAT_POLL_MS, null, { ref: false });
        const outcome = await Promise.race([settled, tick]);
        if (outcome !== null) return outcome;
        // kafkajs heartbeats only from its own loop, which this wait blocks: without this a slow
        // consumer of the iterable gets evicted. A failed heartbeat (rebalance) must reach kafkajs.
        await payload.heartbeat();
      }
    } finally {
      const at = this.queue.indexOf(item);
      if (at >= 0) this.queue.splice(at, 1);
    }
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private dropQueued(): void {
    for (const item of this.queue.splice(0)) item.settle(false);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.poke();
  }
}
