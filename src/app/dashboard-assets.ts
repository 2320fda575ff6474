import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the dashboard client (Vite's output). */
export const WEB_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

/**
 * As strict as /api/docs and stricter: nothing from another origin, no inline script or style,
 * no framing, no plugins.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "base-uri 'none'",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join('; ');

/** The page paths the client's router answers; each gets the same HTML shell. */
const PAGES = ['/', '/recent', '/alerts', '/reports', '/sign-in', '/rides/:id'];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer | null;
  readonly immutable: boolean;
}

const securityHeaders = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  // The sign-in link carries a key in its fragment; no page ever sends its address on.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

function load(dir: string, prefix: string, immutable: boolean, into: Map<string, Asset>): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) load(p, `${prefix}${e.name}/`, immutable || e.name === 'assets', into);
    else if (e.name !== 'index.html') {
      const body = readFileSync(p);
      const type = TYPES[extname(e.name)] ?? 'application/octet-stream';
      const compressible = /text|javascript|svg|json/.test(type) && body.length > 1024;
      into.set(`${prefix}${e.name}`, {
        type,
        body,
        gzip: compressible ? gzipSync(body, { level: 9 }) : null,
        immutable,
      });
    }
  }
}

/**
 * Serves the dashboard: its pages (one HTML shell, told the display time zone) and its static
 * files. Hashed files under /assets are cached for a year; the shell is revalidated every time,
 * so a new release shows at the next load. Everything is read and compressed once, at start.
 */
export function dashboardRoutes(
  app: FastifyInstance,
  opts: { displayTimeZone: string; webDir?: string },
): void {
  const dir = opts.webDir ?? WEB_DIR;
  const built = existsSync(join(dir, 'index.html'));
  const shell = built
    ? readFileSync(join(dir, 'index.html'), 'utf8').replace(
        '%DISPLAY_TIME_ZONE%',
        opts.displayTimeZone.replace(/[^A-Za-z0-9_/+-]/g, ''),
      )
    : '<!doctype html><title>Deloton</title><p>The dashboard is not built: run <code>npm run build</code>.</p>';
  const files = new Map<string, Asset>();
  if (built) load(dir, '/', false, files);

  const page = (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(built ? 200 : 503)
      .headers({ ...securityHeaders, 'cache-control': 'no-cache' })
      .type('text/html; charset=utf-8')
      .send(shell);
  for (const url of PAGES) app.get(url, { schema: { hide: true } }, page);

  app.get('/*', { schema: { hide: true } }, (req, reply) => {
    const path = req.url.split('?')[0]!;
    const file = files.get(path);
    if (!file) return reply.callNotFound();
    const gzip = file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    void reply.headers({
      ...securityHeaders,
      'content-type': file.type,
      'cache-control': file.immutable
        ? 'public, max-age=31536000, immutable'
        : 'public, max-age=3600',
      vary: 'accept-encoding',
    });
    if (gzip) void reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? file.gzip : file.body);
  });
}
