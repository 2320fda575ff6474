// A consumer whose broker connections are reset again and again (a flaky network, a broker
// restarting) reconnects each time: it never crashes and rejoins, which would stall its bikes
// for a session timeout, and it delivers every message produced after the last reset.
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafkaSource } from '../src/ingest/kafka-source.js';
import type { SourceMessage } from '../src/ingest/source.js';
import { produce, startKafkaMock, type KafkaMock } from './support/kafka-mock.js';
import { resetConnections } from './support/tcp-reset.js';
import { waitUntil } from './support/wait.js';

const topic = `drops-${process.pid}`;
const logLines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
const messages = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: `SN${String((from + i) % 8).padStart(4, '0')}`,
    value: JSON.stringify({ log: `line ${from + i}\n` }),
  }));

let mock: KafkaMock;
beforeAll(async () => {
  mock = await startKafkaMock();
  await produce(mock.brokers, topic, messages(0, 1000));
});
afterAll(async () => {
  await mock?.stop();
});

// `ss -K` needs root (CAP_NET_ADMIN); CI and this machine run the suite as root.
it.skipIf(process.getuid?.() !== 0)(
  'reconnects after each of eight connection resets without crashing, and reads on',
  async () => {
    let fetches = 0;
    const source = createKafkaSource({
      brokers: [mock.brokers],
      topic,
      groupId: 'drops',
      ssl: false,
      sessionTimeoutMs: 6000,
      logger,
      onFetch: () => fetches++,
    });
    const seen: SourceMessage[] = [];
    const abort = new AbortController();
    const reading = (async () => {
      for await (const chunk of source.read(() => Promise.resolve(new Map()), abort.signal))
        seen.push(...chunk);
    })();
    try {
      await waitUntil(() => seen.length === 1000, 'the first 1,000 messages');
      const port = Number(mock.brokers.split(':')[1]);
      for (let i = 0; i < 8; i++) {
        // Fetches run one after another: the second after the reset is on a new connection.
        await waitUntil(() => resetConnections(process.pid, port) > 0, `connections to reset ${i}`);
        const before = fetches;
        await waitUntil(() => fetches >= before + 2, `fetches after reset ${i}`, {
          timeoutMs: 30_000,
        });
      }
      await produce(mock.brokers, topic, messages(1000, 500));
      await waitUntil(() => seen.length === 1500, 'the 500 messages produced after the resets', {
        timeoutMs: 30_000,
      });
      expect(new Set(seen.map((m) => `${m.partition}:${m.offset}`)).size).toBe(1500);
      expect(logLines.filter((l) => /"Crash|crashed; rejoining/.test(l))).toEqual([]);
    } finally {
      abort.abort();
      await source.close();
      await reading.catch(() => undefined);
    }
  },
  120_000,
);
