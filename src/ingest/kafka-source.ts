// Kafka adapter: kafkajs pushes batches, the pipeline pulls chunks; positions come from the database.
import { Kafka, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { pinoLogCreator } from './kafka-log.js';
import type { PositionLoader, Positions, Source, SourceMessage } from './source.js';

export interface KafkaSourceOptions {
  brokers: readonly string[];
  topic: string;
  groupId: string;
  /** When set, the connection uses TLS with SASL/PLAIN (what the production cluster requires). */
  sasl?: { username: string; password: string };
  ssl: boolean;
  clientId?: string;
  /** End the iterable when no message arrived for `idleMs` after the group was joined. */
  untilIdle?: { idleMs: number };
  sessionTimeoutMs?: number;
  logger: Logger;
  /** Told of every fetch the consumer makes (for instrumentation, and tests that wait for one). */
  onFetch?: () => void;
}

/** A Kafka read failed in a way the adapter cannot recover from. */
export class KafkaSourceError extends Error {
  override readonly name = 'KafkaSourceError';
  /** The consumer died but a new one may well join: the source rejoins instead of failing. */
  rejoinable = false;
}

/** A batch parked between kafkajs's push loop and the pulling iterator; settle(false) drops it. */
interface Handoff {
  readonly generation: number;
  readonly messages: readonly SourceMessage[];
  settle(yielded: boolean): void;
}

// kafkajs's "earliest": it fetches from 0, and an out-of-range reply moves it to the log start.
const EARLIEST = '-2';
const HEARTBEAT_POLL_MS = 1000;
const FETCH_MAX_WAIT_MS = 200;
// kafkajs's consumer counts every failure of its fetch loop against one retrier that is never
// reset while the loop runs: each dropped broker connection waited twice as long as the one
// before (300 ms ... 12 s), and the sixth crashed the consumer, whose rejoin then waited out the
// session timeout (the kafka-drop drill, docs/drills.md). Short waits and no give-up: a
// dropped connection costs at most 2 s, and a broker outage is waited out as a database one is.
const CONSUMER_RETRY = {
  initialRetryTime: 300,
  maxRetryTime: 2_000,
  retries: Number.MAX_SAFE_INTEGER,
} as const;

/** One `read()` call: a consumer group member whose pushed batches are pulled by the iterable. */
class KafkaRead {
  assigned: readonly number[] = [];
  private generation = 0;
  private ready: Promise<boolean> = Promise.resolve(false);
  private lastActivity = Date.now();
  private lastFetch = 0;
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
      // Batches parked under the previous assignment may be for partitions about to be re-seeked.
      this.dropQueued();
      this.ready = this.seekToStored(this.generation, partitions);
    });
    consumer.on(consumer.events.FETCH, () => {
      opts.onFetch?.();
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

/** Creates a `Source` that reads one topic through a kafkajs consumer group. */
export function createKafkaSource(opts: KafkaSourceOptions): Source {
  const name = `kafka:${opts.topic}`;
  const log = opts.logger.child({ source: name });
  const kafka = new Kafka({
    clientId: opts.clientId ?? 'deloton',
    brokers: [...opts.brokers],
    ssl: opts.sasl ? true : opts.ssl,
    ...(opts.sasl ? { sasl: { mechanism: 'plain' as const, ...opts.sasl } } : {}),
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(log),
  });
  const sessionTimeout = opts.sessionTimeoutMs ?? 7_000;
  let active: KafkaRead | null = null;
  let closed = false;

  return {
    name,
    group: true,
    async *read(loadPositions, signal) {
      if (active) throw new KafkaSourceError(`${name} is already being read`);
      // A crashed consumer (kafkajs gives up on some broker errors during a rebalance) is
      // replaced by a new member; its first position load makes the pipeline rebuild its state.
      closed = false;
      for (let rejoins = 0; !signal.aborted && !closed; rejoins++) {
        const consumer = kafka.consumer({
          groupId: opts.groupId,
          sessionTimeout,
          // Frequent heartbeats cost nothing and let the live members learn of a rebalance (a
          // member died) within a second, so its bikes move on soon after the session timeout.
          heartbeatInterval: Math.min(1000, Math.floor(sessionTimeout / 3)),
          // Stopping waits for the in-flight fetch; the 5 s default long poll made every stop slow.
          // The mock cluster answers a fetch only when its wait ends, however soon data arrives:
          // at 1 s the soak's lag was 0.3-1.4 s (p50) and 2-2.6 s (p99), at 200 ms 0.2-0.4 s
          // and under 1.2 s. A real broker answers as data comes; 5 idle fetches a second cost
          // nothing.
          maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
          retry: CONSUMER_RETRY,
        });
        const run = new KafkaRead(consumer, opts, log, loadPositions);
        active = run;
        const onAbort = (): void => void run.shutdown();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          yield* run.messages();
          return;
        } catch (e) {
          if (!(e instanceof KafkaSourceError && e.rejoinable) || signal.aborted) throw e;
          const waitMs = Math.min(1_000 * 2 ** rejoins, 30_000);
          log.warn(
            { err: (e.cause as Error | undefined)?.message, waitMs },
            'kafka consumer crashed; rejoining',
          );
          await sleep(waitMs, undefined, { signal }).catch(() => undefined);
        } finally {
          signal.removeEventListener('abort', onAbort);
          await run.shutdown();
          if (active === run) active = null;
        }
      }
    },
    async committed(positions: Positions): Promise<void> {
      const run = active;
      if (!run) return;
      const offsets = [...positions]
        .filter(([partition]) => run.assigned.includes(partition))
        .map(([partition, pos]) => ({ topic: opts.topic, partition, offset: String(pos) }));
      if (offsets.length === 0) return;
      try {
        await run.consumer.commitOffsets(offsets);
      } catch (err) {
        log.warn({ err, offsets }, 'mirroring positions to consumer group offsets failed');
      }
    },
    async close(): Promise<void> {
      closed = true;
      await active?.shutdown();
    },
  };
}
