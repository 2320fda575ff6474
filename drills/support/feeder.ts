// A fleet in real time: the simulator's messages, each written when its time comes, to a file
// (the envelope with the key inside) or a Kafka topic. Its readings carry wall-clock times, so
// the feed lag the platform reports (now minus the newest reading) means what it says.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { simulateFleet, type SimMessage } from '../../src/simulator/fleet.js';
import { fileLine } from '../../bench/support/feed.js';
import { onCleanup } from '../../bench/support/cleanup.js';
import { log } from './drill.js';

export type FeedTarget =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'kafka'; readonly brokers: string; readonly topic: string };

export interface FeederOptions {
  readonly target: FeedTarget;
  readonly bikes: number;
  readonly seed: number;
  /** Share of rides whose heart rate goes out of bounds (alerts). */
  readonly abnormalShare: number;
  /** Seconds of feed written at once before real time begins (a backlog to start on). */
  readonly backlogS: number;
}

export interface Feeder {
  /** Messages written so far. */
  readonly written: () => number;
  /** Stops at a message boundary; resolves with the number written once the last is out. */
  stop(): Promise<number>;
}

/** Starts writing; short rides (40-70 s) so rides end and start, and alerts fire, in a drill. */
export function startFeeder(o: FeederOptions): Feeder {
  const fleet = simulateFleet({
    bikes: o.bikes,
    seed: o.seed,
    abnormalShare: o.abnormalShare,
    startMs: Date.now() - o.backlogS * 1000,
    rideSeconds: [40, 70],
  });
  let written = 0;
  let stopping = false;
  const write = o.target.kind === 'file' ? fileWriter(o.target.path) : kafkaWriter(o.target);
  const loop = (async () => {
    let batch: SimMessage[] = [];
    for (const m of fleet) {
      if (stopping) break;
      const wait = m.atMs - Date.now();
      if (wait > 0) {
        await write.send(batch);
        written += batch.length;
        batch = [];
        await sleep(wait);
        if (stopping) break;
      }
      batch.push(m);
    }
    await write.send(batch);
    written += batch.length;
    await write.close();
  })();
  const stop = async (): Promise<number> => {
    stopping = true;
    await loop;
    return written;
  };
  onCleanup('stop the feeder', async () => {
    await stop().catch(() => undefined);
  });
  return { written: () => written, stop };
}

interface Writer {
  send(messages: readonly SimMessage[]): Promise<void>;
  close(): Promise<void>;
}

function fileWriter(path: string): Writer {
  return {
    send: (messages) => {
      // Whole lines in one write: the file source never sees half a message for long.
      if (messages.length) appendFileSync(path, messages.map(fileLine).join(''));
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

function kafkaWriter(t: { brokers: string; topic: string }): Writer {
  const kafka = new Kafka({
    clientId: 'drill-feeder',
    brokers: [t.brokers],
    logLevel: logLevel.NOTHING,
  });
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: false,
  });
  const connected = producer.connect();
  return {
    send: async (messages) => {
      await connected;
      if (!messages.length) return;
      await producer.send({
        topic: t.topic,
        messages: messages.map((m) => ({ key: m.key, value: m.value })),
      });
    },
    close: async () => {
      await connected.catch(() => undefined);
      await producer.disconnect();
      log('feeder: producer disconnected');
    },
  };
}
