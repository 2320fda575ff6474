// One palette for the dashboard and the PDF report: a category has the same colour everywhere.
// Every colour is also text-safe (at least 4.5:1 on its theme's background: the tiles print
// heart rates in their zone colour), and colours shown side by side differ in lightness, so a
// greyscale print still tells them apart (palette.test.ts proves both).
import { AGE_BANDS } from '../domain/age.js';
import type { HeartRateZone } from '../domain/heart-rate-zones.js';
import type { Gender } from '../domain/rider.js';

/** The two themes: the dashboard follows the system; the PDF is light. */
export type ThemeName = 'light' | 'dark';

/** What a chart needs to know about its surroundings. */
export interface ChartTheme {
  readonly name: ThemeName;
  readonly background: string;
  readonly text: string;
  /** Secondary text (subtitles, axis names): still at least 4.5:1. */
  readonly mutedText: string;
  /** Split lines behind the data: quiet on purpose. */
  readonly gridLine: string;
  readonly axisLine: string;
  readonly fontFamily: string;
}

// Single quotes only: ECharts writes the family into an SVG style attribute as it stands.
const SYSTEM_FONTS =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'Liberation Sans', sans-serif";

/** The light and dark themes. */
export const CHART_THEMES: Readonly<Record<ThemeName, ChartTheme>> = {
  light: {
    name: 'light',
    background: '#ffffff',
    text: '#1f2328',
    mutedText: '#59636e',
    gridLine: '#d8dee4',
    axisLine: '#818b98',
    fontFamily: SYSTEM_FONTS,
  },
  dark: {
    name: 'dark',
    background: '#0d1117',
    text: '#e6edf3',
    mutedText: '#9198a1',
    gridLine: '#262c36',
    axisLine: '#656c76',
    fontFamily: SYSTEM_FONTS,
  },
};

/** The theme of this name. */
export function themeOf(name: ThemeName): ChartTheme {
  return CHART_THEMES[name];
}

/** One colour, in its light-theme and dark-theme shade. */
export interface ThemedColour {
  readonly light: string;
  readonly dark: string;
}

/** The shade of a colour for a theme. */
export function colourIn(colour: ThemedColour, theme: ChartTheme): string {
  return colour[theme.name];
}

/** Genders, in the order charts stack them; lightness steps apart in both themes. */
export const GENDER_COLOURS: Readonly<Record<Gender, ThemedColour>> = {
  female: { light: '#590e68', dark: '#f3d0fb' },
  male: { light: '#02648c', dark: '#53b6eb' },
  other: { light: '#723902', dark: '#feb354' },
  unknown: { light: '#747474', dark: '#929292' },
};

/** The order genders are stacked and listed in. */
export const GENDER_ORDER: readonly Gender[] = ['female', 'male', 'other', 'unknown'];

/** The key of the riders whose age is not known. */
export const UNKNOWN_AGE_BAND = 'unknown';

// Neighbouring bands alternate dark and light, so adjacent bars differ in greyscale too.
const AGE_BAND_SHADES: readonly ThemedColour[] = [
  { light: '#57288f', dark: '#a87eeb' },
  { light: '#0f74c5', dark: '#afd5fe' },
  { light: '#095255', dark: '#05adb4' },
  { light: '#308639', dark: '#92ee95' },
  { light: '#6c4701', dark: '#cf9a35' },
  { light: '#b45c03', dark: '#fdc39c' },
  { light: '#8f0641', dark: '#eb648a' },
];

/** A colour per age band, keyed by the labels of `AGE_BANDS`, and `unknown`. */
export const AGE_BAND_COLOURS: Readonly<Record<string, ThemedColour>> = Object.freeze({
  ...Object.fromEntries(
    AGE_BANDS.map((band, i) => [band.label, AGE_BAND_SHADES[i % AGE_BAND_SHADES.length]!]),
  ),
  [UNKNOWN_AGE_BAND]: { light: '#737373', dark: '#cacaca' },
});

/** The colour of an age band (by its label), or of `unknown` for a label not in `AGE_BANDS`. */
export function ageBandColour(label: string): ThemedColour {
  return AGE_BAND_COLOURS[label] ?? AGE_BAND_COLOURS[UNKNOWN_AGE_BAND]!;
}

/**
 * Heart-rate zones in the colours riders know from their watches (zone 1 grey, 2 blue, 3 green,
 * 4 orange, 5 red, above the maximum a stronger red); neighbouring zones alternate in lightness.
 */
export const ZONE_COLOURS: Readonly<Record<HeartRateZone['id'], ThemedColour>> = {
  rest: { light: '#667584', dark: '#a2b7cd' },
  z1: { light: '#525252', dark: '#868686' },
  z2: { light: '#0675c9', dark: '#83c0ff' },
  z3: { light: '#1a6323', dark: '#3fac4a' },
  z4: { light: '#ba5702', dark: '#fec077' },
  z5: { light: '#a70511', dark: '#fc7a73' },
  above: { light: '#69040d', dark: '#f73332' },
};

/**
 * Rides whose zone is unknown (no age, so no maximum; or no heart-rate contact): a grey set apart
 * in lightness from the deep red of `above`, the bar beside it.
 */
export const UNKNOWN_ZONE_COLOUR: ThemedColour = { light: '#737373', dark: '#cacaca' };

/** Colours of measures drawn on their own (no category): chosen apart from the zone hues. */
export const MEASURE_COLOURS = {
  power: { light: '#5644b4', dark: '#a9a5fd' },
  energy: { light: '#5644b4', dark: '#a9a5fd' },
  /** Rides counted over time: a teal apart from the energy's violet, drawn on the same pages. */
  rides: { light: '#0b5f73', dark: '#6cc5d9' },
  /** A heart rate with no personal maximum to colour it by zone. */
  heartRate: { light: '#374a5d', dark: '#abc0d7' },
} as const satisfies Record<string, ThemedColour>;
