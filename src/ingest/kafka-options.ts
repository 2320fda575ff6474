// What the Kafka adapter is given, and the error it fails with.
import type { Logger } from 'pino';

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
