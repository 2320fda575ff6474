import {
  simulateFleet,
  type FleetOptions,
  type RideTruth,
  type SimMessage,
} from '../../src/simulator/fleet.js';

/** A small deterministic fleet's messages; `onRide` hears the truth about every ride. */
export function simMessages(
  opts: Partial<FleetOptions> = {},
  onRide?: (t: RideTruth) => void,
): SimMessage[] {
  return [
    ...simulateFleet(
      {
        bikes: 5,
        ridesPerBike: 1,
        seed: 42,
        startMs: Date.UTC(2022, 6, 6, 8),
        abnormalShare: 0.2,
        ...opts,
      },
      onRide,
    ),
  ];
}

/** The file form of a message: the envelope with the key inside (files have no message keys). */
export const fileLine = (m: SimMessage): string =>
  `${m.value.slice(0, -1)},"key":${JSON.stringify(m.key)}}`;

/** A small fleet as file lines, with the simulator's truth about every ride. */
export function simFileFeed(opts: Partial<FleetOptions>): { lines: string[]; truths: RideTruth[] } {
  const truths: RideTruth[] = [];
  const lines = simMessages(opts, (t) => truths.push(t)).map(fileLine);
  return { lines, truths };
}
