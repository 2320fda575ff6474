// The arithmetic the palette is checked by: WCAG contrast (text must reach 4.5:1) and CIE
// lightness (colours shown together must still differ when printed or seen in greyscale).

/** The sRGB channels of a `#rrggbb` colour, 0-255. */
function channelsOf(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of a `#rrggbb` colour, 0 (black) to 1 (white). */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = channelsOf(hex);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG 2 contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** CIE L* lightness, 0 to 100: how light the colour looks once its hue is gone (greyscale). */
export function lightness(hex: string): number {
  const y = relativeLuminance(hex);
  return y > 216 / 24389 ? 116 * Math.cbrt(y) - 16 : (24389 / 27) * y;
}

/** A `#rrggbb` colour with an alpha, as `rgba(...)` (a tint for bands behind a line). */
export function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = channelsOf(hex);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
