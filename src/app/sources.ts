import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';
import { createFileSource } from '../ingest/file-source.js';
import { createKafkaSource } from '../ingest/kafka-source.js';
import { createSimulatorSource } from '../ingest/simulator-source.js';
import type { Source } from '../ingest/source.js';

/** How the simulator source is set up when it is the chosen source. */
export interface SimulatorChoice {
  readonly bikes: number;
  readonly seed: number;
  readonly realtime: boolean;
  readonly ridesPerBike?: number;
  readonly abnormalShare: number;
  readonly startMs: number;
}

/** Parsed `--source` value. */
export type SourceSpec =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'kafka' }
  | { readonly kind: 'simulator' };

/** Parses `file:PATH`, `kafka` or `simulator`, naming what is wrong otherwise. */
export function parseSourceSpec(text: string): SourceSpec {
  if (text === 'kafka') return { kind: 'kafka' };
  if (text === 'simulator') return { kind: 'simulator' };
  if (text.startsWith('file:') && text.length > 5) return { kind: 'file', path: text.slice(5) };
  throw new DelotonError(
    'cli_usage',
    `--source "${text}" is not one of file:PATH, kafka, simulator`,
  );
}

/** Builds the chosen source from the configuration. */
export function buildSource(
  spec: SourceSpec,
  config: Config,
  opts: { untilIdle: boolean; simulator: SimulatorChoice; logger: Logger },
): Source {
  switch (spec.kind) {
    case 'file':
      return createFileSource({ path: spec.path, untilIdle: opts.untilIdle, logger: opts.logger });
    case 'simulator':
      return createSimulatorSource({ ...opts.simulator });
    case 'kafka':
      if (config.kafka.brokers.length === 0)
        throw new DelotonError(
          'config_invalid',
          '--source kafka needs KAFKA_BROKERS (host:port[,host:port])',
        );
      return createKafkaSource({
        brokers: config.kafka.brokers,
        topic: config.kafka.topic,
        groupId: config.kafka.groupId,
        ssl: config.kafka.ssl,
        sessionTimeoutMs: config.kafka.sessionTimeoutMs,
        ...(config.kafka.sasl ? { sasl: config.kafka.sasl } : {}),
        ...(opts.untilIdle ? { untilIdle: { idleMs: 5_000 } } : {}),
        logger: opts.logger,
      });
  }
}
