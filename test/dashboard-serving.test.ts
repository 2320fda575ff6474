// What the server sends for the dashboard, read off the wire: the page shell with its content
// security policy, hashed assets cached for a year (compressed), and the live stream by key.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../src/app/http-server.js';
import { openTestDb, type TestDb } from './support/databases.js';
import { silent } from './support/ingest.js';
import { liveFleet, newKey } from './support/live-feed.js';

/** The first `bytes` of a streamed body, then the request is dropped. */
function firstBytes(url: string, headers: Record<string, string>, bytes: number) {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
    (resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.length >= bytes) {
            req.destroy();
            resolve({ status: res.statusCode!, headers: res.headers, text });
          }
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('dashboard serving', () => {
  let t: TestDb & { close(): Promise<void> };
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    t = await openTestDb('pglite');
    app = await buildHttpServer({
      db: t.db,
      logger: silent,
      displayTimeZone: 'America/New_York',
      rateLimitPerMinute: null,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('serves every page as one shell with a strict CSP, told the display time zone', async () => {
    for (const path of ['/', '/recent?range=7d', '/alerts', '/sign-in', '/rides/12']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe|https?:/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await res.text();
      expect(html).toContain('<meta name="deloton-time-zone" content="America/New_York"');
      // No inline script or style: everything comes from our own files.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|style=/);
      expect(html).not.toMatch(/https?:\/\//);
    }
    expect((await fetch(`${base}/no-such-page`)).status).toBe(404);
  });

  it('serves hashed assets cached for a year, compressed, under 400 KB gzipped in all', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    let gzipped = 0;
    for (const path of assets) {
      const res = await firstBytes(`${base}${path}`, { 'accept-encoding': 'gzip' }, Infinity);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-encoding']).toBe('gzip');
      gzipped += Number(res.headers['content-length']);
    }
    expect(gzipped).toBeGreaterThan(10_000);
    expect(gzipped).toBeLessThan(400 * 1024);
  });

  it('streams the live rides to a key sent as a bearer (wall screens, scripts), and to no one else', async () => {
    const { key } = await newKey(t.db, 'viewer');
    await liveFleet(t.db, { bikes: 2, agoS: 60, rideSeconds: [300, 320], ridesPerBike: 1 }).until(
      Date.now(),
    );
    const res = await firstBytes(`${base}/api/live`, { authorization: `Bearer ${key}` }, 200);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toMatch(/^retry: 1000\n\nid: \d+\nevent: snapshot\ndata: \{"kind":"snapshot"/);
    // Health and metrics say how many rides the hub shows and how many browsers watch.
    const health = (await (await fetch(`${base}/health`)).json()) as {
      live: { rides: number; browsers: number };
    };
    expect(health.live.rides).toBe(2);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^deloton_live_rides 2$/m);
    expect(metrics).toMatch(/^deloton_live_dropped_browsers_total 0$/m);
    const none = await fetch(`${base}/api/live`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });
});
