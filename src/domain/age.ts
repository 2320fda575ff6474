// Age, and the age bands every view groups riders by: defined once, here.

/** Whole years from a `YYYY-MM-DD` birth date to an instant (UTC calendar). */
export function ageOn(birthDate: string, atMs: number): number {
  const at = new Date(atMs);
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = at.getUTCFullYear() - y;
  const beforeBirthday =
    at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}

/** An age band: its label and the ages it holds (`max` null: and older). */
export interface AgeBand {
  readonly label: string;
  readonly min: number;
  readonly max: number | null;
}

/** The bands the dashboard, the report and the BI views group riders by, youngest first. */
export const AGE_BANDS: readonly AgeBand[] = [
  { label: 'under 18', min: 0, max: 17 },
  { label: '18-24', min: 18, max: 24 },
  { label: '25-34', min: 25, max: 34 },
  { label: '35-44', min: 35, max: 44 },
  { label: '45-54', min: 45, max: 54 },
  { label: '55-64', min: 55, max: 64 },
  { label: '65+', min: 65, max: null },
];

/** The band an age falls in; null for an unknown age. */
export function ageBandOf(age: number | null): AgeBand | null {
  if (age === null) return null;
  return AGE_BANDS.find((b) => age >= b.min && (b.max === null || age <= b.max)) ?? null;
}
