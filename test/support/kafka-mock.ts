// A throwaway Kafka for tests: librdkafka's mock cluster, hosted by a `kcat` process (see TOOL-FACTS.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { Kafka, Partitioners, logLevel } from 'kafkajs';

/** The mock did not come up (kcat missing, exited early, or never printed its port). */
export class KafkaMockError extends Error {
  override readonly name = 'KafkaMockError';
}

export interface KafkaMock {
  /** The mock's brokers, as `127.0.0.1:PORT[,127.0.0.1:PORT...]` (KAFKA_BROKERS' form). */
  readonly brokers: string;
  stop(): Promise<void>;
}

const KCAT = '/usr/bin/kcat';
const START_TIMEOUT_MS = 10_000;
const PORT_LINE = /bootstrap\.servers=(127\.0\.0\.1:\d+(?:,127\.0\.0\.1:\d+)*)/;

/** Starts a mock Kafka cluster (one broker unless told) that lives until `stop()`. */
export async function startKafkaMock(opts: { brokers?: number } = {}): Promise<KafkaMock> {
  // The broker address is ignored once the mock is enabled; `-d mock` is what makes it print its port.
  const child = spawn(
    KCAT,
    [
      '-C',
      '-b',
      '127.0.0.1:1',
      '-t',
      'warmup',
      '-X',
      `test.mock.num.brokers=${opts.brokers ?? 1}`,
      '-d',
      'mock',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // A crashed test run must not leave brokers behind; 'exit' handlers may only do synchronous work.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  try {
    const brokers = await waitForPort(child);
    return {
      brokers,
      stop: async () => {
        process.removeListener('exit', killOnExit);
        await killAndWait(child);
      },
    };
  } catch (err) {
    process.removeListener('exit', killOnExit);
    await killAndWait(child);
    throw err;
  }
}

function waitForPort(child: ChildProcess): Promise<string> {
  const stderr = child.stderr;
  if (!stderr) return Promise.reject(new KafkaMockError('kcat started without a stderr pipe'));
  return new Promise<string>((resolve, reject) => {
    // Only the unfinished last line is kept: the debug log runs to megabytes.
    let partial = '';
    let head = '';
    const finish = (result: { port: string } | { error: KafkaMockError }): void => {
      clearTimeout(timer);
      stderr.removeListener('data', onData);
      child.removeListener('error', onError);
      child.removeListener('exit', onExit);
      // Keep draining, or kcat blocks once the pipe buffer fills.
      stderr.resume();
      if ('port' in result) resolve(result.port);
      else reject(result.error);
    };
    const onData = (chunk: Buffer): void => {
      const fresh = chunk.toString('utf8');
      if (head.length < 2000) head += fresh.slice(0, 2000 - head.length);
      const text = partial + fresh;
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const match = PORT_LINE.exec(line);
        if (match?.[1]) return finish({ port: match[1] });
      }
    };
    const onError = (err: Error): void => {
      finish({ error: new KafkaMockError(`cannot run ${KCAT}: ${err.message}`, { cause: err }) });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      finish({
        error: new KafkaMockError(
          `kcat exited (code ${code ?? '-'}, signal ${signal ?? '-'}) before reporting a port:\n${head}`,
        ),
      });
    };
    const timer = setTimeout(() => {
      finish({
        error: new KafkaMockError(
          `kcat printed no bootstrap.servers within ${START_TIMEOUT_MS} ms:\n${head}`,
        ),
      });
    }, START_TIMEOUT_MS);
    stderr.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** Produces messages in order (batches of 1,000) with a kafkajs producer, for tests. */
export async function produce(
  brokers: string,
  topic: string,
  messages: readonly { key: string | null; value: string }[],
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-producer',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  // An explicit partitioner keeps kafkajs from printing its partitioner-change warning.
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: false,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({ topic, messages: messages.slice(i, i + 1000) });
    }
  } finally {
    await producer.disconnect();
  }
}
