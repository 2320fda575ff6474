// Power as the bikes report it: a deterministic function of the cadence (rpm) and the resistance
// printed on the Ride line just before the Telemetry line.
//
// How it was derived (fixtures/real-feed, 96 distinct (resistance, rpm) pairs at resistances 0,
// 30, 99 and 170; no pair ever maps to two powers, across rides and riders):
// - rpm 0 (or resistance 0) gives exactly 0, printed `0.0`.
// - Every other value carries 10 significant digits and is often one ulp off the nearest double of
//   that decimal (9.737739856000001), so the bikes round and then do more float arithmetic; no
//   closed form tried (power laws, polynomials, saturating torque, drag, exp/log mixes, separable
//   f(rpm)·g(res)) reproduces them to the last bit. Power is not separable: its rpm elasticity
//   falls from ~1.74 (30 @ 13 rpm) to ~1.23 (170 @ 138 rpm) and differs between resistances.
// - So the model is a smooth fitted surface plus the recorded values themselves:
//     ln P = Σ_{i=0..3} Σ_{j=0..2} C[i][j] · (ln rpm)^i · (ln(resistance / 60))^j
//   least squares on the fixture pairs; it is within 0.67 % of every recorded value (2.7e-5 at
//   170) and predicted the independently recorded resistance-60 readings (rpm 29, 30, 32 →
//   10.59, 11.23, 12.55 W) within 0.8 %. Over resistance 30..240 it rises strictly with rpm
//   (1..150) and, from 8 rpm up (the recorded range), with resistance; at resistance 220 and
//   140-150 rpm it gives 1,340-1,450 W, like the outliers the feed shows. Below resistance 30 it
//   is an extrapolation: the simulator never goes there except resistance 0 (0 W).
// - Where a pair was recorded, the recorded double is returned, so replaying the fixture's
//   inputs reproduces its output exactly; elsewhere the surface is rounded to 10 significant
//   digits so simulated values read like recorded ones.

const C: readonly (readonly [number, number, number])[] = [
  [-4.178092186295977, 0.5041016545319429, 1.3871911547152225],
  [2.0333501663443, 0.3513310109426516, -0.7595063297108131],
  [0.0028101299597555196, -0.046841923225548275, 0.22170580894460093],
  [-0.008773325450347758, 0.002005130763491514, -0.022393317919891798],
];

// Recorded (rpm, power) pairs per resistance, verbatim from the real feed.
// prettier-ignore
const RECORDED: readonly (readonly [number, readonly (readonly [number, number])[]])[] = [
  [
    30,
    [
      [8, 0.6259213020000001], [9, 0.7663749259999999], [10, 0.9193655409999999],
      [11, 1.084487005], [12, 1.261346467], [13, 1.449564012], [14, 1.648772319],
      [15, 1.858616315], [16, 2.078752853], [17, 2.30885038], [19, 2.797658311],
      [20, 3.0557608039999997], [21, 3.322607872], [22, 3.59792137], [23, 3.8814329689999996],
      [24, 4.172883875], [25, 4.472024571], [26, 4.778614548], [27, 5.092422057],
      [28, 5.413223856], [30, 6.074958452000001], [31, 6.415485154], [32, 6.7621935010000005],
      [33, 7.114899267999999], [34, 7.473425372], [35, 7.837601654], [36, 8.207264682],
      [37, 8.582257545], [38, 8.962429663], [39, 9.347636596000001], [40, 9.737739856000001],
      [41, 10.13260673], [42, 10.532110099999999], [43, 10.93612828], [44, 11.34454484],
      [45, 11.75724842], [46, 12.17413263], [47, 12.59509583], [48, 13.02004103],
      [49, 13.448875699999999], [50, 13.88151165], [51, 14.31786487], [52, 14.75785543],
      [53, 15.20140731], [54, 15.64844827], [55, 16.09890976], [56, 16.55272673],
      [57, 17.00983757], [58, 17.47018399], [59, 17.93371085], [60, 18.40036609],
      [61, 18.87010062], [62, 19.34286821], [63, 19.81862536], [64, 20.29733125],
      [65, 20.77894758], [66, 21.26343852], [67, 21.75077061], [79, 27.81101596],
      [92, 34.79790408], [100, 39.31111171],
    ],
  ],
  [
    99,
    [
      [24, 15.82393803], [67, 93.10066078], [85, 135.2772649], [95, 160.20736589999999],
    ],
  ],
  [
    170,
    [
      [78, 345.74237469999997], [82, 372.5939204], [84, 386.1208786], [88, 413.3451644],
      [89, 420.1823487], [95, 461.4131346], [97, 475.22033389999996], [98, 482.1331159],
      [100, 495.9741881], [102, 509.8322825], [104, 523.7031902], [107, 544.5248469],
      [109, 558.4106312000001], [110, 565.353575], [114, 593.1157866000001], [115, 600.0519253],
      [116, 606.9855223999999], [118, 620.8436138999999], [119, 627.7673912], [121, 641.6026805],
      [123, 655.4194076], [126, 676.104172], [127, 682.9871382], [129, 696.7334217],
      [131, 710.451692], [133, 724.1398638], [136, 744.6113723], [138, 758.2158258999999],
      [143, 792.0630783],
    ],
  ],
];

// One integer key per pair keeps the hot-path lookup allocation-free.
const pairKey = (resistance: number, rpm: number): number => resistance * 4096 + rpm;

const TABLE = new Map<number, number>();
for (const [resistance, pairs] of RECORDED) {
  for (const [rpm, watts] of pairs) TABLE.set(pairKey(resistance, rpm), watts);
}

/** The fitted surface alone (no recorded values); for resistance and rpm above zero. */
export function fittedPower(resistance: number, rpm: number): number {
  const l = Math.log(rpm);
  const q = Math.log(resistance / 60);
  let lnP = 0;
  let li = 1;
  for (const row of C) {
    lnP += li * (row[0] + q * (row[1] + q * row[2]));
    li *= l;
  }
  return Math.exp(lnP);
}

/** Rounds like the recorded values: 10 significant digits, 9 decimals below 1 W. */
export function roundLikeFeed(watts: number): number {
  return watts < 1 ? Math.round(watts * 1e9) / 1e9 : Number(watts.toPrecision(10));
}

/** Watts for a reading: resistance from the preceding Ride line, rpm from the Telemetry line. */
export function powerFor(resistance: number, rpm: number): number {
  if (rpm <= 0 || resistance <= 0) return 0;
  const key = pairKey(resistance, rpm);
  let watts = TABLE.get(key);
  if (watts === undefined) {
    // Memoised: a ride revisits the same few resistance levels and cadences all the time, and
    // the table stays small because both inputs are bounded integers.
    watts = roundLikeFeed(fittedPower(resistance, rpm));
    TABLE.set(key, watts);
  }
  return watts;
}
