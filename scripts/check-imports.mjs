#!/usr/bin/env node
// Enforces the one-way layering of docs/architecture.md: a folder may import only the folders listed for it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', 'src');
const LANE_BASE = ['domain', 'store'];
const ALLOWED = {
  domain: [],
  simulator: ['domain'],
  store: ['domain'],
  mail: ['domain', 'store'],
  charts: ['domain'],
  ingest: [...LANE_BASE, 'simulator'],
  alerts: [...LANE_BASE, 'mail'],
  live: LANE_BASE,
  // The API shows alert mails as the mail worker renders them.
  api: [...LANE_BASE, 'mail'],
  reports: [...LANE_BASE, 'charts', 'mail'],
  web: ['domain', 'charts'],
  config: ['domain'],
  app: ['*'],
  cli: ['*'],
};
// Packages that would smuggle I/O into the pure core.
const DOMAIN_FORBIDDEN_PACKAGES = /^(node:|pg|@electric-sql|kafkajs|pino|fastify|nodemailer)/;

function layerOf(file) {
  const rel = relative(SRC, file).split(sep);
  if (rel.length === 1) return rel[0].replace(/(\.test)?\.(ts|js)$/, '');
  return rel[0];
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const problems = [];
for (const file of walk(SRC)) {
  const from = layerOf(file);
  const allowed = ALLOWED[from];
  if (!allowed) {
    problems.push(`${relative(SRC, file)}: folder '${from}' is not in the layer map`);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(
    /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) {
      if (from === 'domain' && DOMAIN_FORBIDDEN_PACKAGES.test(spec))
        problems.push(`${relative(SRC, file)}: domain/ must stay pure but imports '${spec}'`);
      continue;
    }
    const target = layerOf(resolve(dirname(file), spec));
    if (target === from || allowed.includes('*') || allowed.includes(target)) continue;
    problems.push(`${relative(SRC, file)}: '${from}' may not import '${target}' (${spec})`);
  }
}
if (problems.length) {
  console.error(`Layering violations (see docs/architecture.md):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('imports: layering ok');
