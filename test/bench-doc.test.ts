// The generated part of docs/benchmarks.md: JSON lines and targets rendered into tables, and the
// section replaced between its markers with the hand-written rest of the document kept.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BEGIN_MARKER,
  BenchDocError,
  END_MARKER,
  parseBenchLines,
  renderSection,
  replaceSection,
  type RunInfo,
} from '../bench/support/bench-doc.js';
import { REPORT_FIGURES, TARGETS, type FigureSpec } from '../bench/support/targets.js';

const run: RunInfo = {
  command: 'npm run bench -- --quick',
  quick: true,
  date: '2026-12-04 21:00 UTC',
  commit: 'abc1234',
  cpu: 'Test CPU',
  cores: 2,
  ramGb: 24,
  node: '20.20.2',
  postgres: '15.10',
  loadBefore: '1.0 / 1.0 / 1.0',
  loadAfter: '2.0 / 1.5 / 1.0',
  minutes: 12,
};

const specs: FigureSpec[] = [
  {
    area: 'Ingest',
    label: 'readings written',
    bench: 'ingest-file',
    path: 'pg.readingsPerSec',
    unit: 'rows/s',
    ceiling: { bench: 'ceiling-copy', path: 'rowsPerSec', label: 'bare COPY', minShare: 0.5 },
  },
  {
    area: 'Ingest',
    label: 'peak RSS',
    bench: 'ingest-file',
    path: 'pg.maxRssMb',
    unit: 'MB',
    target: { op: '<=', value: 300 },
  },
  {
    area: 'API',
    label: 'p99',
    bench: 'api',
    path: 'ride_by_id.p99_ms',
    unit: 'ms',
    target: { op: '<=', value: 25 },
  },
];

const rowOf = (section: string, label: string): string[] =>
  (section.split('\n').find((l) => l.startsWith(`| ${label} |`)) ?? '')
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim());

describe('renderSection', () => {
  const lines = parseBenchLines(
    [
      'progress text that is not JSON',
      JSON.stringify({ bench: 'ingest-file', pg: { readingsPerSec: 120_000, maxRssMb: 350 } }),
      JSON.stringify({ bench: 'ceiling-copy', rowsPerSec: 300_000 }),
      JSON.stringify({ bench: 'api', error: 'deloton serve exited 1' }),
    ].join('\n'),
  );
  const section = renderSection(lines, specs, run);

  it('puts each figure beside its ceiling and its share of it, and judges the share', () => {
    expect(rowOf(section, 'readings written')).toEqual([
      'readings written',
      '120,000 rows/s',
      '≥ 50 % of bare COPY',
      'bare COPY: 300,000 rows/s',
      '40 %',
      '**no**',
    ]);
  });

  it('judges a figure against its target', () => {
    expect(rowOf(section, 'peak RSS')).toEqual([
      'peak RSS',
      '350 MB',
      '≤ 300 MB',
      '',
      '',
      '**no**',
    ]);
  });

  it("shows a failed benchmark's error instead of a figure", () => {
    expect(rowOf(section, 'p99')[1]).toBe('failed: deloton serve exited 1');
    expect(section).toContain('Failed in this run: api.');
  });

  it('names the run, the machine and one table per area', () => {
    expect(section.startsWith(BEGIN_MARKER)).toBe(true);
    expect(section.endsWith(END_MARKER)).toBe(true);
    expect(section).toContain('**Quick run** `npm run bench -- --quick`');
    expect(section).toContain('Test CPU, 2 cores, 24 GB RAM; Node.js 20.20.2; PostgreSQL 15.10');
    expect(section).toContain('1.0 / 1.0 / 1.0 before the run, 2.0 / 1.5 / 1.0 after it');
    expect(section.match(/^#### /gm)).toHaveLength(2);
  });

  it('says "not run" for a benchmark without a line', () => {
    const alone = renderSection([], specs, { ...run, quick: false });
    expect(rowOf(alone, 'peak RSS')[1]).toBe('not run');
    expect(alone).toContain('**Full run**');
  });
});

describe('replaceSection', () => {
  it('replaces only what lies between the markers', () => {
    const doc = `# Title\n\nhand-written\n\n${BEGIN_MARKER}\nold figures\n${END_MARKER}\n\nafter\n`;
    const out = replaceSection(doc, `${BEGIN_MARKER}\nnew\n${END_MARKER}`);
    expect(out).toBe(`# Title\n\nhand-written\n\n${BEGIN_MARKER}\nnew\n${END_MARKER}\n\nafter\n`);
  });

  it('refuses a document without both markers in order', () => {
    expect(() => replaceSection(`${END_MARKER}\n${BEGIN_MARKER}`, 'x')).toThrow(BenchDocError);
    expect(() => replaceSection('no markers', 'x')).toThrow(BenchDocError);
  });
});

describe('the report figures', () => {
  it('point at the targets of bench/support/targets.ts', () => {
    const rss = REPORT_FIGURES.find((f) => f.path === 'pg.maxRssMb');
    expect(rss?.target?.value).toBe(TARGETS.ingestFile.maxRssMb);
    const kafka = REPORT_FIGURES.find((f) => f.bench === 'ingest-kafka');
    expect(kafka?.ceiling?.minShare).toBe(TARGETS.ingestKafka.shareOfBare);
  });

  it('docs/benchmarks.md has the markers the run rewrites between', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'benchmarks.md'), 'utf8');
    expect(doc.indexOf(BEGIN_MARKER)).toBeGreaterThan(0);
    expect(doc.indexOf(END_MARKER)).toBeGreaterThan(doc.indexOf(BEGIN_MARKER));
  });
});
