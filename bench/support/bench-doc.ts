// The generated part of docs/benchmarks.md: the benchmarks' JSON lines and their targets as one
// table per area, and the machine they ran on. Pure (no I/O), so it can be tested on its own.
import type { Bound, FigureSpec } from './targets.js';

export const BEGIN_MARKER = '<!-- bench:begin -->';
export const END_MARKER = '<!-- bench:end -->';

/** A benchmark's JSON line, parsed. */
export type BenchLine = { readonly bench: string } & { readonly [key: string]: unknown };

/** Where and how the figures were measured. */
export interface RunInfo {
  readonly command: string;
  readonly quick: boolean;
  readonly date: string;
  readonly commit: string;
  readonly cpu: string;
  readonly cores: number;
  readonly ramGb: number;
  readonly node: string;
  readonly postgres: string;
  /** 1, 5 and 15-minute load averages before and after the run: other work on the machine. */
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly minutes: number;
}

/** The section could not be placed: the document lacks a marker, or has them out of order. */
export class BenchDocError extends Error {
  override readonly name = 'BenchDocError';
  readonly code = 'bench_doc_markers';
}

/** The value at a dotted path of a JSON line, if it is a finite number. */
export function figureAt(line: BenchLine | undefined, path: string): number | null {
  let v: unknown = line;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[key];
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const fmt = (n: number): string =>
  n.toLocaleString('en-GB', { maximumFractionDigits: Math.abs(n) >= 100 ? 0 : 2 });
const withUnit = (n: number, unit: string): string =>
  unit === '×' ? `${fmt(n)} ×` : `${fmt(n)} ${unit}`;
const holds = (v: number, b: Bound): boolean => (b.op === '>=' ? v >= b.value : v <= b.value);
const symbol = (b: Bound): string => (b.op === '>=' ? '≥' : '≤');

/** One table row: figure, value, target, ceiling, share of it, met. */
function row(spec: FigureSpec, lines: ReadonlyMap<string, BenchLine>): string {
  const line = lines.get(spec.bench);
  const value = figureAt(line, spec.path);
  const aims: string[] = [];
  if (spec.target) aims.push(`${symbol(spec.target)} ${withUnit(spec.target.value, spec.unit)}`);
  if (spec.ceiling?.minShare !== undefined)
    aims.push(`≥ ${Math.round(spec.ceiling.minShare * 100)} % of ${spec.ceiling.label}`);
  const ceilingLine = spec.ceiling ? lines.get(spec.ceiling.bench) : undefined;
  const ceiling = spec.ceiling ? figureAt(ceilingLine, spec.ceiling.path) : null;
  const ceilingText = !spec.ceiling
    ? ''
    : ceiling === null
      ? `${spec.ceiling.label}: not measured`
      : `${spec.ceiling.label}: ${withUnit(ceiling, spec.unit)}`;
  const share = value !== null && ceiling ? value / ceiling : null;
  let valueText: string;
  let met: string;
  if (value !== null) {
    valueText = withUnit(value, spec.unit);
    const checks: boolean[] = [];
    if (spec.target) checks.push(holds(value, spec.target));
    if (spec.ceiling?.minShare !== undefined && share !== null)
      checks.push(share >= spec.ceiling.minShare);
    met = checks.length === 0 ? '' : checks.every(Boolean) ? 'yes' : '**no**';
  } else {
    const error = typeof line?.error === 'string' ? line.error : null;
    valueText = !line ? 'not run' : error ? `failed: ${error.replace(/\|/g, '\\|')}` : 'missing';
    met = '';
  }
  const shareText = share === null ? '' : `${Math.round(share * 100)} %`;
  return `| ${spec.label} | ${valueText} | ${aims.join('; ')} | ${ceilingText} | ${shareText} | ${met} |`;
}

/** The generated section, markers included, for these JSON lines and figures. */
export function renderSection(
  lines: readonly BenchLine[],
  specs: readonly FigureSpec[],
  run: RunInfo,
): string {
  const byBench = new Map(lines.map((l) => [l.bench, l]));
  const out: string[] = [
    BEGIN_MARKER,
    '<!-- Written by `npm run bench` (bench/run-all.ts); edits between the markers are lost. -->',
    '',
    `**${run.quick ? 'Quick run' : 'Full run'}** \`${run.command}\` on ${run.date}, commit \`${run.commit}\`, ` +
      `${Math.round(run.minutes)} minutes.` +
      (run.quick
        ? ' Quick runs use small sizes (`--quick` in bench/run-all.ts), so figures that need ' +
          'volume or time (RSS flatness, heap trend, tails) mean less than in a full run.'
        : ''),
    '',
    `Machine: ${run.cpu}, ${run.cores} cores, ${run.ramGb} GB RAM; Node.js ${run.node}; ` +
      `PostgreSQL ${run.postgres} on the same machine; load average (1 / 5 / 15 min) ${run.loadBefore} ` +
      `before the run, ${run.loadAfter} after it.`,
  ];
  for (const area of [...new Set(specs.map((s) => s.area))]) {
    out.push(
      '',
      `#### ${area}`,
      '',
      '| figure | value | target | ceiling (same run) | % of ceiling | met |',
      '|---|---|---|---|---|---|',
    );
    for (const spec of specs.filter((s) => s.area === area)) out.push(row(spec, byBench));
  }
  const failed = lines.filter((l) => typeof l.error === 'string').map((l) => l.bench);
  if (failed.length) out.push('', `Failed in this run: ${failed.join(', ')}.`);
  out.push('', END_MARKER);
  return out.join('\n');
}

/** `doc` with the text between its markers (markers included) replaced by `section`. */
export function replaceSection(doc: string, section: string): string {
  const begin = doc.indexOf(BEGIN_MARKER);
  const end = doc.indexOf(END_MARKER);
  if (begin < 0 || end < 0 || end < begin)
    throw new BenchDocError(`the document needs ${BEGIN_MARKER} followed by ${END_MARKER}`);
  return doc.slice(0, begin) + section + doc.slice(end + END_MARKER.length);
}

/** The JSON lines of a run's stdout (anything else on it is ignored). */
export function parseBenchLines(stdout: string): BenchLine[] {
  const out: BenchLine[] = [];
  for (const text of stdout.split('\n')) {
    if (!text.startsWith('{')) continue;
    try {
      const v = JSON.parse(text) as unknown;
      if (v && typeof v === 'object' && typeof (v as { bench?: unknown }).bench === 'string')
        out.push(v as BenchLine);
    } catch {
      // A truncated line from a crashed benchmark: it shows as "missing".
    }
  }
  return out;
}
