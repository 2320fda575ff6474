import type { Positions, StoredPosition } from '../../src/ingest/source.js';

/** Positions as the database hands them back, with no identity (Kafka and simulator sources). */
export function asStored(positions: Positions): Map<number, StoredPosition> {
  return new Map([...positions].map(([p, position]) => [p, { position, identity: null }]));
}
