// Tiles colour heart rates with the charts' zone colours: one palette for the dashboard, its
// charts and the PDF report. Set as CSS variables (through CSSOM, which the CSP allows).

import { ZONE_COLOURS } from '../charts/palette.js';
import { currentTheme } from './chart-panel.js';

const dark = matchMedia('(prefers-color-scheme: dark)');

function apply(): void {
  const theme = currentTheme();
  const style = document.documentElement.style;
  for (const [id, colour] of Object.entries(ZONE_COLOURS))
    style.setProperty(`--zone-${id}`, colour[theme]);
}

/** Keeps the zone colours in step with the system's theme. */
export function useZoneColours(): void {
  apply();
  dark.addEventListener('change', apply);
}
