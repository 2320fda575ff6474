// A fleet of bikes merged into one time-ordered stream. Every bike emits on a fixed 0.5 s grid
// shifted by its own start offset, so sorting the bikes once by that sub-tick phase and walking a
// shared clock tick by tick yields global time order with no heap and O(1) work per message.
import {
  MAIN_MARKER,
  RIDE_MARKER,
  TimestampFormatter,
  hostTag,
  markerValue,
  rideValue,
  systemValue,
  telemetryValue,
  userLookupValue,
} from './feed-format.js';
import { createRider, type Rider } from './people.js';
import { RideModel, type Abnormality } from './physiology.js';
import { createRng, type Rng } from './rng.js';

/** What to simulate; equal options give an identical stream. */
export interface FleetOptions {
  bikes: number; // N bikes, serials SN0000, SN0001, ...
  ridesPerBike?: number; // undefined = endless
  seed: number;
  startMs: number; // simulated clock start (epoch ms)
  abnormalShare: number; // 0..1 share of rides with abnormal heart rate
  rideSeconds?: readonly [number, number]; // ride length range, default [480, 560]
  firstUserId?: number; // default 100
}

/** One feed message: the bike serial as key, the `{"log": ...}` value, and its simulated time. */
export interface SimMessage {
  key: string;
  value: string;
  atMs: number;
}

/** Ground truth of a ride, reported as it starts; `startedAtMs` is the time of its [SYSTEM] line. */
export interface RideTruth {
  bikeSerial: string;
  userId: number;
  startedAtMs: number;
  seconds: number;
  abnormal: 'high' | 'low' | null;
}

const TICK_MS = 500;
// Bikes start within this window so their lines interleave instead of landing in one tick.
const STAGGER_MS = 5_000;
// Chance the previous rider stays on for another ride (the recorded feed shows repeat rides).
const REPEAT_RIDER = 0.3;

interface Bike {
  readonly serial: string;
  readonly host: string;
  readonly rng: Rng;
  readonly firstTick: number;
  readonly phaseMs: number;
  readonly microBase: number;
  seq: number;
  /** Position within the current ride: 0 = markers + lookup, 1 = SYSTEM, then Ride/Telemetry. */
  slot: number;
  rides: number;
  started: boolean;
  done: boolean;
  rider: Rider | null;
  ride: RideModel | null;
}

function validate(opts: FleetOptions): readonly [number, number] {
  const range = opts.rideSeconds ?? [480, 560];
  if (!Number.isInteger(opts.bikes) || opts.bikes < 0)
    throw new RangeError(`bikes must be a whole number ≥ 0, got ${opts.bikes}`);
  if (
    opts.ridesPerBike !== undefined &&
    (!Number.isInteger(opts.ridesPerBike) || opts.ridesPerBike < 0)
  )
    throw new RangeError(`ridesPerBike must be a whole number ≥ 0, got ${opts.ridesPerBike}`);
  if (!(opts.abnormalShare >= 0 && opts.abnormalShare <= 1))
    throw new RangeError(`abnormalShare must be within 0..1, got ${opts.abnormalShare}`);
  if (!Number.isFinite(opts.startMs)) throw new RangeError(`startMs must be finite`);
  const [lo, hi] = range;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo)
    throw new RangeError(`rideSeconds must be whole numbers 1 ≤ min ≤ max, got [${lo}, ${hi}]`);
  return range;
}

function createBikes(opts: FleetOptions): Bike[] {
  const fleetRng = createRng(opts.seed, 0);
  const bikes: Bike[] = [];
  for (let i = 0; i < opts.bikes; i++) {
    const offset = i === 0 ? 0 : fleetRng.int(0, STAGGER_MS - 1);
    bikes.push({
      serial: `SN${String(i).padStart(4, '0')}`,
      host: hostTag(i),
      rng: createRng(opts.seed, i + 1),
      firstTick: Math.floor(offset / TICK_MS),
      phaseMs: offset % TICK_MS,
      microBase: fleetRng.int(0, 999),
      seq: 0,
      slot: 0,
      rides: 0,
      started: false,
      done: false,
      rider: null,
      ride: null,
    });
  }
  // Within a tick every bike emits at its phase, so this order is the global time order.
  return bikes.slice().sort((a, b) => a.phaseMs - b.phaseMs);
}

/** Simulates the fleet as one stream of feed messages in global time order, deterministic per seed. */
export function* simulateFleet(
  opts: FleetOptions,
  onRide?: (truth: RideTruth) => void,
): Generator<SimMessage> {
  const [minSeconds, maxSeconds] = validate(opts);
  const order = createBikes(opts);
  const clock = new TimestampFormatter();
  let nextUserId = opts.firstUserId ?? 100;
  let active = order.length;

  // Sub-millisecond digits drift a little per message, like the real bike's clock.
  const stamp = (bike: Bike, atMs: number): string =>
    clock.format(atMs, (bike.microBase + 13 * bike.seq++) % 1000);

  const startRide = (bike: Bike, startedAtMs: number): RideModel => {
    const rng = bike.rng;
    if (bike.rider === null || !rng.chance(REPEAT_RIDER))
      bike.rider = createRider(rng, nextUserId++, bike.serial, startedAtMs);
    const rider = bike.rider;
    const seconds = rng.int(minSeconds, maxSeconds);
    const wanted: Abnormality = rng.chance(opts.abnormalShare)
      ? rng.chance(0.5)
        ? 'high'
        : 'low'
      : null;
    const traits = { age: rider.age, fitness: rider.fitness, weightKg: rider.record.weight_kg };
    const ride = new RideModel(rng, traits, seconds, wanted);
    bike.rides++;
    onRide?.({
      bikeSerial: bike.serial,
      userId: rider.record.user_id,
      startedAtMs,
      seconds,
      abnormal: ride.abnormal,
    });
    return ride;
  };

  for (let tick = 0; active > 0; tick++) {
    const tickMs = opts.startMs + tick * TICK_MS;
    for (const bike of order) {
      if (bike.done || tick < bike.firstTick) continue;
      const atMs = tickMs + bike.phaseMs;
      const key = bike.serial;
      const slot = bike.slot++;
      if (slot === 0) {
        if (opts.ridesPerBike !== undefined && bike.rides >= opts.ridesPerBike) {
          bike.done = true;
          active--;
          continue;
        }
        // The [SYSTEM] line, half a second after the lookup, is the ride's reference time.
        bike.ride = startRide(bike, atMs + TICK_MS);
        if (!bike.started) {
          bike.started = true;
          yield { key, value: markerValue(MAIN_MARKER), atMs };
        }
        yield { key, value: markerValue(RIDE_MARKER), atMs };
        yield { key, value: userLookupValue(stamp(bike, atMs), bike.host), atMs };
        continue;
      }
      const ride = bike.ride;
      const rider = bike.rider;
      if (ride === null || rider === null) throw new Error('bike has no ride after its lookup');
      if (slot === 1) {
        yield { key, value: systemValue(stamp(bike, atMs), bike.host, rider.json), atMs };
      } else if ((slot & 1) === 0) {
        ride.advance();
        const value = rideValue(stamp(bike, atMs), bike.host, ride.second, ride.resistance);
        yield { key, value, atMs };
      } else {
        const ts = stamp(bike, atMs);
        const value = telemetryValue(ts, bike.host, ride.hrt, ride.rpm, ride.power);
        // The next ride follows at once: its lookup takes the next slot.
        if (ride.second >= ride.seconds) bike.slot = 0;
        yield { key, value, atMs };
      }
    }
  }
}
