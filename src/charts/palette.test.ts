import { describe, expect, it } from 'vitest';
import { AGE_BANDS } from '../domain/age.js';
import { HEART_RATE_ZONES } from '../domain/heart-rate-zones.js';
import { contrastRatio, lightness, relativeLuminance } from './colour.js';
import {
  AGE_BAND_COLOURS,
  ageBandColour,
  CHART_THEMES,
  GENDER_COLOURS,
  GENDER_ORDER,
  MEASURE_COLOURS,
  themeOf,
  UNKNOWN_AGE_BAND,
  UNKNOWN_ZONE_COLOUR,
  ZONE_COLOURS,
  type ThemedColour,
  type ThemeName,
} from './palette.js';

const THEMES: readonly ThemeName[] = ['light', 'dark'];
const ALL: Record<string, Readonly<Record<string, ThemedColour>>> = {
  gender: GENDER_COLOURS,
  'age band': AGE_BAND_COLOURS,
  zone: { ...ZONE_COLOURS, unknown: UNKNOWN_ZONE_COLOUR },
  measure: MEASURE_COLOURS,
};

/** The colour's hue in a word, as someone naming it would (HSL hue bands). */
function hueName(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r!, g!, b!);
  const spread = max - Math.min(r!, g!, b!);
  if (spread < 0.05) return 'grey';
  const sector =
    max === r ? (g! - b!) / spread : max === g ? (b! - r!) / spread + 2 : (r! - g!) / spread + 4;
  const hue = (sector * 60 + 360) % 360;
  const bands: [number, string][] = [
    [15, 'red'],
    [45, 'orange'],
    [170, 'green'],
    [260, 'blue'],
    [345, 'other'],
  ];
  return bands.find(([upTo]) => hue < upTo)?.[1] ?? 'red';
}

/** The smallest lightness step between neighbours in a list of colours. */
function smallestStep(colours: readonly string[]): number {
  return Math.min(
    ...colours.slice(1).map((c, i) => Math.abs(lightness(c) - lightness(colours[i]!))),
  );
}

describe('colour arithmetic', () => {
  it('computes WCAG luminance and contrast as the standard gives them', () => {
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 6);
    expect(relativeLuminance('#000000')).toBe(0);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
    // The darkest grey that still passes on white, a textbook figure.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(lightness('#777777')).toBeCloseTo(50.0, 0);
    expect(() => relativeLuminance('red')).toThrow(/#rrggbb/);
  });
});

describe('themes', () => {
  it.each(THEMES)('%s: text and muted text reach 4.5:1 on the background', (name) => {
    const t = themeOf(name);
    expect(t).toBe(CHART_THEMES[name]);
    expect(contrastRatio(t.text, t.background)).toBeGreaterThanOrEqual(7);
    expect(contrastRatio(t.mutedText, t.background)).toBeGreaterThanOrEqual(4.5);
    // Grid lines stay quiet: well below the text, but visible.
    expect(contrastRatio(t.gridLine, t.background)).toBeLessThan(2);
    expect(contrastRatio(t.gridLine, t.background)).toBeGreaterThan(1.15);
    // A font family goes into an SVG style attribute as it stands: no double quotes.
    expect(t.fontFamily).not.toContain('"');
    expect(t.fontFamily).toMatch(/system-ui.*sans-serif$/);
  });
});

describe('palette', () => {
  it('has a colour for every gender, age band and zone the domain defines', () => {
    expect(Object.keys(GENDER_COLOURS).sort()).toEqual([...GENDER_ORDER].sort());
    expect(Object.keys(AGE_BAND_COLOURS)).toEqual([
      ...AGE_BANDS.map((b) => b.label),
      UNKNOWN_AGE_BAND,
    ]);
    expect(Object.keys(ZONE_COLOURS)).toEqual(HEART_RATE_ZONES.map((z) => z.id));
    expect(ageBandColour('25-34')).toBe(AGE_BAND_COLOURS['25-34']);
    expect(ageBandColour('no such band')).toBe(AGE_BAND_COLOURS[UNKNOWN_AGE_BAND]);
  });

  for (const [kind, colours] of Object.entries(ALL))
    it.each(THEMES)(`every ${kind} colour is text-safe (4.5:1) on the %s background`, (name) => {
      const bg = themeOf(name).background;
      for (const [key, c] of Object.entries(colours))
        expect({ key, ratio: contrastRatio(c[name], bg) >= 4.5 }).toEqual({ key, ratio: true });
    });

  it.each(THEMES)('%s: the genders of one stacked bar differ clearly in greyscale', (name) => {
    const l = GENDER_ORDER.map((g) => lightness(GENDER_COLOURS[g][name]));
    for (let i = 0; i < l.length; i++)
      for (let j = i + 1; j < l.length; j++)
        expect(Math.abs(l[i]! - l[j]!), `${GENDER_ORDER[i]} vs ${GENDER_ORDER[j]}`).toBeGreaterThan(
          8,
        );
  });

  it.each(THEMES)(
    '%s: neighbouring zones, and neighbouring age bands, differ clearly in greyscale',
    (name) => {
      // Neighbouring zones meet on the heart-rate line; neighbouring bands stand side by side.
      expect(smallestStep(HEART_RATE_ZONES.map((z) => ZONE_COLOURS[z.id][name]))).toBeGreaterThan(
        11,
      );
      // The zones chart puts the rides of unknown zone beside those above the maximum.
      expect(smallestStep([ZONE_COLOURS.above[name], UNKNOWN_ZONE_COLOUR[name]])).toBeGreaterThan(
        11,
      );
      expect(smallestStep(Object.values(AGE_BAND_COLOURS).map((c) => c[name]))).toBeGreaterThan(15);
    },
  );

  it('keeps the zone hues riders know: grey, blue, green, orange, red, a stronger red', () => {
    const ids = ['z1', 'z2', 'z3', 'z4', 'z5', 'above'] as const;
    for (const name of THEMES) {
      expect(ids.map((id) => hueName(ZONE_COLOURS[id][name]))).toEqual([
        'grey',
        'blue',
        'green',
        'orange',
        'red',
        'red',
      ]);
      // The stronger red is the deeper one.
      expect(lightness(ZONE_COLOURS.above[name])).toBeLessThan(lightness(ZONE_COLOURS.z5[name]));
    }
  });
});
