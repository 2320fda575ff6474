import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';
import { simulateFleet, type FleetOptions, type SimMessage } from '../simulator/fleet.js';

/**
 * How long a real-time run holds messages for Kafka before sending them (a producer's linger.ms).
 * Sent as they come (at 2,000 bikes, ~1,000 produce requests a second of one message per
 * partition), they made a record batch each, and a broker that returns one batch per partition
 * per fetch (the librdkafka mock) then needs a fetch per message: a consumer slowed for a moment
 * never caught up. 50 ms adds at most that to the feed's lag.
 */
export const KAFKA_LINGER_MS = 50;

/** The fleet's messages as paced: a message, or a pause of `ms` before the next one. */
type Paced =
  | { readonly kind: 'message'; readonly m: SimMessage }
  | { readonly kind: 'pause'; readonly ms: number };

export interface SimulateOptions extends FleetOptions {
  readonly realtime: boolean;
  readonly target: { readonly kind: 'file'; readonly path: string } | { readonly kind: 'kafka' };
}

/** Runs the fleet into a file (one `{"log","key"}` envelope per line) or a Kafka topic keyed by bike. */
export async function runSimulation(
  opts: SimulateOptions,
  config: Config,
  logger: Logger,
  signal: AbortSignal,
): Promise<number> {
  const log = logger.child({ lane: 'simulate' });
  const messages = paced(simulateFleet(opts), opts.realtime, signal);
  const started = Date.now();
  let count = 0;
  const report = setInterval(() => {
    const rate = Math.round((count * 1000) / Math.max(1, Date.now() - started));
    log.info({ messages: count, perSecond: rate }, 'simulate progress');
  }, 5_000);
  try {
    if (opts.target.kind === 'file')
      count = await toFile(messages, opts.target.path, (n) => (count = n));
    else count = await toKafka(messages, config, (n) => (count = n));
  } finally {
    clearInterval(report);
  }
  log.info({ messages: count, seconds: (Date.now() - started) / 1000 }, 'simulate finished');
  return count;
}

async function* paced(
  gen: Iterable<SimMessage>,
  realtime: boolean,
  signal: AbortSignal,
): AsyncGenerator<Paced> {
  for (const m of gen) {
    if (signal.aborted) return;
    if (realtime) {
      const wait = m.atMs - Date.now();
      if (wait > 0) {
        // Said before the pause, so that a writer can send what it holds rather than sit on it.
        yield { kind: 'pause', ms: wait };
        try {
          await sleep(wait, undefined, { signal });
        } catch {
          return;
        }
      }
    }
    yield { kind: 'message', m };
  }
}

/** The file form carries the key inside the envelope, since a file has no message keys. */
function withKey(m: SimMessage): string {
  return `${m.value.slice(0, -1)},"key":${JSON.stringify(m.key)}}\n`;
}

async function toFile(
  messages: AsyncIterable<Paced>,
  path: string,
  onCount: (n: number) => void,
): Promise<number> {
  const out = createWriteStream(path, { flags: 'a' });
  let n = 0;
  let buf = '';
  for await (const p of messages) {
    if (p.kind === 'message') {
      buf += withKey(p.m);
      n++;
    }
    if (buf.length > 1 << 16 || (p.kind === 'pause' && buf)) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
      onCount(n);
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return n;
}

async function toKafka(
  messages: AsyncIterable<Paced>,
  config: Config,
  onCount: (n: number) => void,
): Promise<number> {
  if (config.kafka.brokers.length === 0)
    throw new DelotonError(
      'config_invalid',
      '--to kafka needs KAFKA_BROKERS (host:port[,host:port])',
    );
  const kafka = new Kafka({
    clientId: 'deloton-simulator',
    brokers: [...config.kafka.brokers],
    ssl: config.kafka.ssl,
    ...(config.kafka.sasl ? { sasl: { mechanism: 'plain' as const, ...config.kafka.sasl } } : {}),
    logLevel: logLevel.ERROR,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let n = 0;
  let batch: { key: string; value: string }[] = [];
  let heldSince = 0;
  const send = async (): Promise<void> => {
    if (!batch.length) return;
    await producer.send({ topic: config.kafka.topic, messages: batch });
    batch = [];
    onCount(n);
  };
  try {
    for await (const p of messages) {
      if (p.kind === 'message') {
        if (!batch.length) heldSince = Date.now();
        batch.push({ key: p.m.key, value: p.m.value });
        n++;
      }
      // Held until the pause would take the oldest message past the linger.
      const due = p.kind === 'pause' && Date.now() + p.ms - heldSince >= KAFKA_LINGER_MS;
      if (batch.length >= 1_000 || due) await send();
    }
    await send();
  } finally {
    await producer.disconnect();
  }
  return n;
}
