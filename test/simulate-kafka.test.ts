// `deloton simulate --to kafka --realtime` sends the bikes' messages in lingered batches, as a
// Kafka producer with linger.ms does, not a produce request per message: a broker that returns
// one record batch per partition per fetch (the librdkafka mock) would otherwise need a fetch per
// message, and a consumer slowed for a moment never caught up (the 2,000-bike soak lost messages).
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_LINGER_MS } from '../src/app/simulate.js';
import { spawnCli } from './support/cli.js';
import { startKafkaMock, type KafkaMock } from './support/kafka-mock.js';
import { waitUntil } from './support/wait.js';

let mock: KafkaMock;
beforeAll(async () => {
  mock = await startKafkaMock();
});
afterAll(async () => {
  await mock?.stop();
});

describe('deloton simulate --to kafka --realtime', () => {
  it('sends at most one record batch per partition per linger, and every message', async () => {
    const topic = `sim-linger-${process.pid}`;
    const env = { KAFKA_BROKERS: mock.brokers, KAFKA_TOPIC: topic, LOG_LEVEL: 'info' };
    const sim = spawnCli(
      ['simulate', '--to', 'kafka', '--realtime', '--bikes', '300', '--seed', '3'],
      env,
    );
    let stderr = '';
    sim.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => sim.on('exit', (c) => r(c)));
    // Counted from the spawn: start-up only makes the bound below looser.
    const started = Date.now();
    await sleep(6_000);
    sim.kill('SIGTERM');
    expect(await exited).toBe(0);
    const seconds = (Date.now() - started) / 1000;
    const finished = stderr
      .split('\n')
      .filter((l) => l.includes('"simulate finished"'))
      .map((l) => JSON.parse(l) as { messages: number })[0];
    expect(finished?.messages).toBeGreaterThan(1_000);

    // The mock hands out one record batch per partition per fetch: a consumer's batches are the
    // producer's record batches.
    const kafka = new Kafka({ brokers: [mock.brokers], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `count-${process.pid}`, maxWaitTimeInMs: 100 });
    const batches = new Map<number, number>();
    let messages = 0;
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: ({ batch }) => {
          batches.set(batch.partition, (batches.get(batch.partition) ?? 0) + 1);
          messages += batch.messages.length;
          return Promise.resolve();
        },
      });
      await waitUntil(() => messages >= finished!.messages, 'every message read back', {
        timeoutMs: 60_000,
        everyMs: 100,
      });
    } finally {
      await consumer.disconnect();
    }
    expect(messages).toBe(finished!.messages);
    // The run includes start-up, when the fleet's first readings come at once: a few more.
    const most = Math.ceil(seconds * (1000 / KAFKA_LINGER_MS)) + 5;
    for (const [partition, n] of batches) expect(n, `partition ${partition}`).toBeLessThan(most);
    const total = [...batches.values()].reduce((a, b) => a + b, 0);
    // 300 bikes send ~600 messages a second: ~7 per partition per 50 ms.
    expect(messages / total).toBeGreaterThan(3);
  }, 120_000);
});
