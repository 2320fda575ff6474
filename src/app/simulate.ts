import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';
import { simulateFleet, type FleetOptions, type SimMessage } from '../simulator/fleet.js';

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
): AsyncGenerator<SimMessage | null> {
  for (const m of gen) {
    if (signal.aborted) return;
    if (realtime) {
      const wait = m.atMs - Date.now();
      if (wait > 0) {
        // null: nothing more for now, so whatever is buffered should go out before the pause.
        yield null;
        try {
          await sleep(wait, undefined, { signal });
        } catch {
          return;
        }
      }
    }
    yield m;
  }
}

/** The file form carries the key inside the envelope, since a file has no message keys. */
function withKey(m: SimMessage): string {
  return `${m.value.slice(0, -1)},"key":${JSON.stringify(m.key)}}\n`;
}

async function toFile(
  messages: AsyncIterable<SimMessage | null>,
  path: string,
  onCount: (n: number) => void,
): Promise<number> {
  const out = createWriteStream(path, { flags: 'a' });
  let n = 0;
  let buf = '';
  for await (const m of messages) {
    if (m) {
      buf += withKey(m);
      n++;
    }
    if (buf.length > 1 << 16 || (m === null && buf)) {
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
  messages: AsyncIterable<SimMessage | null>,
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
  const send = async (): Promise<void> => {
    if (!batch.length) return;
    await producer.send({ topic: config.kafka.topic, messages: batch });
    batch = [];
    onCount(n);
  };
  try {
    for await (const m of messages) {
      if (m) {
        batch.push({ key: m.key, value: m.value });
        n++;
      }
      if (batch.length >= 1_000 || m === null) await send();
    }
    await send();
  } finally {
    await producer.disconnect();
  }
  return n;
}
