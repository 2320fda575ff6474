// Kafka adapter: kafkajs pushes batches, the pipeline pulls chunks; positions come from the database.
import {
  Kafka,
  logLevel,
  type Consumer,
  type EachBatchPayload,
  type LogEntry,
  type logCreator,
} from 'kafkajs';
import type { Logger } from 'pino';
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
}

/** A Kafka read failed in a way the adapter cannot recover from. */
export class KafkaSourceError extends Error {
  override readonly name = 'KafkaSourceError';
}

/** A batch parked between kafkajs's push loop and the pulling iterator. */
interface Handoff {
  readonly generation: number;
  readonly messages: readonly SourceMessage[];
  /** true: handed to the iterable's consumer; false: dropped (stale, or the read is ending). */
  settle(yielded: boolean): void;
}

interface ActiveRead {
  readonly consumer: Consumer;
  assigned: readonly number[];
  shutdown(): Promise<void>;
}

// kafkajs's wire value for "earliest"; the offset manager turns it into a fetch from the log start.
const EARLIEST = '-2';
const HEARTBEAT_POLL_MS = 1000;
const FETCH_MAX_WAIT_MS = 1000;

/** Routes kafkajs's own log lines (warn and above, set on the client) into pino. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields: Record<string, unknown> = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
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
  const sessionTimeout = opts.sessionTimeoutMs ?? 30_000;
  let active: ActiveRead | null = null;

  async function* read(
    loadPositions: PositionLoader,
    signal: AbortSignal,
  ): AsyncGenerator<readonly SourceMessage[]> {
    if (active) throw new KafkaSourceError(`${name} is already being read`);
    const consumer = kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout,
      heartbeatInterval: Math.min(3000, Math.floor(sessionTimeout / 3)),
      // Stopping waits for the in-flight fetch; the 5 s default long poll made every shutdown slow.
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    });
    let generation = 0;
    let ready: Promise<boolean> = Promise.resolve(false);
    let joined = false;
    let lastActivity = Date.now();
    let failure: Error | null = null;
    let ending = false;
    const queue: Handoff[] = [];
    let wake: (() => void) | null = null;
    const poke = (): void => {
      const w = wake;
      wake = null;
      w?.();
    };
    const dropQueued = (): void => {
      for (const item of queue.splice(0)) item.settle(false);
    };
    const fail = (err: Error): void => {
      failure ??= err;
      poke();
    };

    let stopping: Promise<void> | null = null;
    const shutdown = (): Promise<void> => {
      stopping ??= (async () => {
        ending = true;
        signal.removeEventListener('abort', onAbort);
        // Release a parked eachBatch first: kafkajs's stop waits for it.
        dropQueued();
        poke();
        const started = Date.now();
        try {
          await consumer.disconnect();
          log.debug({ ms: Date.now() - started }, 'kafka consumer disconnected');
        } catch (err) {
          log.warn({ err }, 'kafka consumer did not disconnect cleanly');
        }
      })();
      return stopping;
    };
    const onAbort = (): void => void shutdown();
    const run: ActiveRead = { consumer, assigned: [], shutdown };
    active = run;

    const seekToStored = async (gen: number, partitions: readonly number[]): Promise<boolean> => {
      try {
        const positions = await loadPositions(partitions);
        if (gen !== generation || ending) return false;
        const resume: Record<number, number | 'earliest'> = {};
        for (const partition of partitions) {
          const pos = positions.get(partition);
          // The database is the truth: group offsets are only a mirror for lag tooling.
          consumer.seek({ topic: opts.topic, partition, offset: pos === undefined ? EARLIEST : String(pos) });
          resume[partition] = pos ?? 'earliest';
        }
        log.info({ groupId: opts.groupId, generation: gen, partitions, resume }, 'joined consumer group');
        joined = true;
        lastActivity = Date.now();
        poke();
        return true;
      } catch (err) {
        fail(new KafkaSourceError(`${name}: loading stored positions failed`, { cause: err }));
        return false;
      }
    };

    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      generation += 1;
      const partitions = [...(payload.memberAssignment[opts.topic] ?? [])].sort((a, b) => a - b);
      run.assigned = partitions;
      // Batches parked under the previous assignment may be for partitions about to be re-seeked.
      dropQueued();
      ready = seekToStored(generation, partitions);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) fail(new KafkaSourceError(`${name}: consumer crashed`, { cause: payload.error }));
    });

    const handOff = (gen: number, messages: readonly SourceMessage[], payload: EachBatchPayload) =>
      new Promise<boolean>((resolve, reject) => {
        let settled = false;
        const finish = (): boolean => {
          if (settled) return false;
          settled = true;
          clearInterval(beat);
          const at = queue.indexOf(item);
          if (at >= 0) queue.splice(at, 1);
          return true;
        };
        const item: Handoff = {
          generation: gen,
          messages,
          settle: (yielded) => {
            if (finish()) resolve(yielded);
          },
        };
        // kafkajs heartbeats only from its own loop, which this wait blocks; a slow consumer of the
        // iterable would otherwise be evicted. A failed heartbeat (rebalance) must reach kafkajs.
        const beat = setInterval(() => {
          payload.heartbeat().catch((err: unknown) => {
            if (finish()) reject(err instanceof Error ? err : new KafkaSourceError(String(err)));
          });
        }, HEARTBEAT_POLL_MS);
        queue.push(item);
        lastActivity = Date.now();
        poke();
      });

    const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
      const gen = generation;
      const seeked = await ready;
      // A batch fetched before the seek to the stored positions is stale: kafkajs refetches from the
      // seek once this returns without resolving offsets.
      if (!seeked || ending || gen !== generation || payload.isStale() || !payload.isRunning()) return;
      const { batch } = payload;
      const messages = batch.messages.map((m): SourceMessage => {
        const offset = Number(m.offset);
        return {
          partition: batch.partition,
          offset,
          next: offset + 1,
          key: m.key?.toString('utf8') ?? null,
          value: m.value?.toString('utf8') ?? '',
        };
      });
      if (messages.length === 0) return;
      if (!(await handOff(gen, messages, payload))) return;
      payload.resolveOffset(batch.lastOffset());
      await payload.heartbeat();
    };

    const waitForWake = async (timeoutMs: number | undefined): Promise<void> => {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (timeoutMs !== undefined) timer = setTimeout(resolve, Math.max(0, timeoutMs));
      });
      clearTimeout(timer);
    };

    if (signal.aborted) {
      active = null;
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      try {
        await consumer.connect();
        log.info({ brokers: opts.brokers, groupId: opts.groupId }, 'connected to kafka');
        await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
        await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
      } catch (err) {
        if (ending) return;
        throw new KafkaSourceError(`${name}: cannot start consumer`, { cause: err });
      }
      for (;;) {
        if (failure) throw failure;
        if (ending) return;
        const item = queue.shift();
        if (item) {
          // Stale batches are dropped rather than yielded; the pipeline's inserts are idempotent
          // anyway, since a rebalance can hand a partition over while its last batch is in flight.
          if (item.generation !== generation) {
            item.settle(false);
            continue;
          }
          item.settle(true);
          yield item.messages;
          // Idle time counts only while waiting for Kafka, not while the pipeline stores a chunk.
          lastActivity = Date.now();
          continue;
        }
        let timeout: number | undefined;
        if (opts.untilIdle && joined) {
          const idleFor = Date.now() - lastActivity;
          if (idleFor >= opts.untilIdle.idleMs) {
            log.info({ idleMs: opts.untilIdle.idleMs }, 'no messages while idle; ending read');
            return;
          }
          timeout = opts.untilIdle.idleMs - idleFor;
        }
        await waitForWake(timeout);
      }
    } finally {
      await shutdown();
      if (active === run) active = null;
    }
  }

  return {
    name,
    read,
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
      await active?.shutdown();
    },
  };
}
