// Where each partition of a topic begins and ends, asked of the brokers (ListOffsets) rather than
// taken from a member's fetches: a member that stopped fetching would otherwise see no backlog.
import type { Admin, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaSourceError } from './kafka-options.js';

/** A partition's first and next offsets. */
export interface PartitionEnds {
  readonly low: number;
  readonly high: number;
}

/** A backlog asked for more often than this reuses the ends read last. */
const TTL_MS = 1_000;
const TIMEOUT_MS = 2_000;

/** The ends of one topic's partitions, read at most once a second through one admin client. */
export class TopicEnds {
  private admin: { client: Admin; connected: Promise<void> } | null = null;
  private last: { at: number; ends: Promise<Map<number, PartitionEnds>> } | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  /** The ends by partition; rejects when the brokers do not answer within 2 s. */
  read(): Promise<Map<number, PartitionEnds>> {
    const now = Date.now();
    if (this.last && now - this.last.at < TTL_MS) return this.last.ends;
    const timeout = sleep(TIMEOUT_MS, undefined, { ref: false }).then(() => {
      throw new KafkaSourceError(`no partition ends from the brokers in ${TIMEOUT_MS} ms`);
    });
    const ends = Promise.race([this.fetch(), timeout]);
    // A failure is not kept: the next scrape asks again, over a new connection.
    ends.catch(() => {
      if (this.last?.ends === ends) this.last = null;
      void this.close();
    });
    this.last = { at: now, ends };
    return ends;
  }

  /** Disconnects the admin client, if one was connected. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.client.disconnect().catch(() => undefined);
  }

  private async fetch(): Promise<Map<number, PartitionEnds>> {
    if (!this.admin) {
      const client = this.kafka.admin();
      this.admin = { client, connected: client.connect() };
    }
    const { client, connected } = this.admin;
    await connected;
    const list = await client.fetchTopicOffsets(this.topic);
    return new Map(list.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  }
}
