// Kafka adapter: kafkajs pushes batches, the pipeline pulls chunks; positions come from the database.
import { Kafka, logLevel } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaSourceError, type KafkaSourceOptions } from './kafka-options.js';
import { pinoLogCreator } from './kafka-log.js';
import { TopicEnds } from './kafka-ends.js';
import { KafkaRead } from './kafka-read.js';
import { RejoinBackoff } from './rejoin-backoff.js';
import type { PartitionBacklog, Positions, Source } from './source.js';

export { KafkaSourceError, type KafkaSourceOptions } from './kafka-options.js';

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
  const ends = new TopicEnds(kafka, opts.topic);

  return {
    name,
    group: true,
    async *read(loadPositions, signal) {
      if (active) throw new KafkaSourceError(`${name} is already being read`);
      // A crashed consumer (kafkajs gives up on some broker errors during a rebalance) is
      // replaced by a new member; its first position load makes the pipeline rebuild its state.
      closed = false;
      const backoff = new RejoinBackoff();
      while (!signal.aborted && !closed) {
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
        const startedAt = Date.now();
        try {
          yield* run.messages();
          return;
        } catch (e) {
          if (!(e instanceof KafkaSourceError && e.rejoinable) || signal.aborted) throw e;
          const waitMs = backoff.next(Date.now() - startedAt);
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
      run.noteCommitted(positions);
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
    async backlog(): Promise<readonly PartitionBacklog[]> {
      const run = active;
      if (!run || run.assigned.length === 0) return [];
      const offsets = await ends.read();
      const now = Date.now();
      return run.assigned.flatMap((partition): PartitionBacklog[] => {
        const end = offsets.get(partition);
        if (!end) return [];
        // Nothing stored yet: the read starts at the log's start.
        const next = run.stored.get(partition) ?? end.low;
        const messages = Math.max(0, end.high - next);
        // Not fetched yet: it came after this member's last fetch was answered.
        const since = run.produced.from(partition, next) ?? (run.lastFetchAtMs || null);
        const seconds =
          messages === 0 ? 0 : since === null ? null : Math.max(0, (now - since) / 1000);
        return [{ partition, messages, seconds }];
      });
    },
    async close(): Promise<void> {
      closed = true;
      await active?.shutdown();
      await ends.close();
    },
  };
}
