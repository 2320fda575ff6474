// Browser sessions: a key exchanged for a cookie that works like the key, on every route that needs
// one; the cookie's attributes; the same-origin proof on requests that change something; sign-out,
// revocation and expiry ending a session; and neither key nor cookie reaching the logs.
import { createHash, randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { ErrorResponse, RideDetail, RidePage, SessionBody, WhoAmI } from '../src/api/schemas.js';
import { revokeApiKey } from '../src/store/api-keys.repository.js';
import { purgeExpiredSessions } from '../src/store/sessions.repository.js';
import { apiHarness, expectBody, makeKey, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { describeEachDb, rowCounter } from './support/databases.js';

type Method = 'GET' | 'POST' | 'DELETE';

/** The session token a sign-in's Set-Cookie carries, and the whole header. */
function cookieOf(res: LightMyRequestResponse): { token: string; header: string } {
  const header = res.headers['set-cookie'];
  if (typeof header !== 'string') throw new Error(`one Set-Cookie expected: ${String(header)}`);
  const token = /^deloton_session=([^;]*);/.exec(header)?.[1];
  if (token === undefined) throw new Error(`not the session cookie: ${header}`);
  return { token, header };
}

const badKey = () => `dlt_${randomBytes(32).toString('base64url')}`;

describeEachDb('Browser sessions', (get) => {
  let api: ApiHarness | undefined;
  let other: ApiHarness | undefined;
  afterEach(async () => {
    await api?.close();
    await other?.close();
    api = other = undefined;
  });
  const count = rowCounter(get);

  const signIn = (h: ApiHarness, key: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: '/api/session', payload: { key }, headers });
  const withCookie = (
    h: ApiHarness,
    method: Method,
    url: string,
    token: string,
    headers: Record<string, string> = {},
  ) =>
    h.app.inject({
      method,
      url,
      headers: { cookie: `theme=dark; deloton_session=${token}`, ...headers },
    });

  it('signs in with an admin or a viewer key: a site-wide HttpOnly, SameSite=Strict cookie with a lifetime, storing only its hash', async () => {
    let now = Date.UTC(2024, 0, 10, 9);
    api = await apiHarness(get().db, {
      now: () => now,
      sessionLifetime: { idleMs: 3_600_000, maxMs: 86_400_000 },
    });
    for (const [key, role] of [
      [api.admin, 'admin'],
      [api.viewer, 'viewer'],
    ] as const) {
      const res = await signIn(api, key);
      const body = expectBody(res, 201, SessionBody);
      expect(body).toMatchObject({ role, expires_at: new Date(now + 3_600_000).toISOString() });
      expect(body.name).toMatch(new RegExp(`^${role}-`));
      const { token, header } = cookieOf(res);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Plain HTTP: no Secure, which a browser would refuse over it.
      expect(header).toBe(
        `deloton_session=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=86400`,
      );
      expect(res.body).not.toContain(token);
      // The table holds the token's SHA-256, never the token.
      const rows = await get().db.query<Record<string, unknown>>(
        'SELECT * FROM sessions WHERE token_hash = $1',
        [createHash('sha256').update(token).digest('hex')],
      );
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(await get().db.query('SELECT * FROM sessions'))).not.toContain(token);
      // The cookie answers who is signed in.
      expect(expectBody(await withCookie(api, 'GET', '/api/session', token), 200, WhoAmI)).toEqual({
        signed_in: true,
        ...body,
      });
      now += 1000;
    }
    // A key sent explicitly has no session to report.
    expect(
      expectBody(await api.call('GET', '/api/session', api.viewer), 200, WhoAmI),
    ).toMatchObject({ signed_in: true, role: 'viewer', expires_at: null });
    // Nobody signed in is an answer, not an error; a bad key is still refused.
    expect(expectBody(await api.call('GET', '/api/session', null), 200, WhoAmI)).toEqual({
      signed_in: false,
    });
    expect(
      expectBody(await api.call('GET', '/api/session', `dlt_${'x'.repeat(43)}`), 401, ErrorResponse)
        .error.code,
    ).toBe('unauthorized');
  });

  it('marks the cookie Secure when the request came over TLS through a trusted proxy', async () => {
    api = await apiHarness(get().db, { trustProxy: true });
    const tls = await signIn(api, api.viewer, { 'x-forwarded-proto': 'https' });
    expect(cookieOf(tls).header).toMatch(/; Secure$/);
    expect(cookieOf(await signIn(api, api.viewer)).header).not.toMatch(/Secure/);
    // Signing out over TLS clears the cookie with the same attributes.
    const out = await withCookie(api, 'DELETE', '/api/session', cookieOf(tls).token, {
      'x-forwarded-proto': 'https',
      'x-deloton-request': '1',
    });
    expect(out.statusCode).toBe(204);
    expect(out.headers['set-cookie']).toMatch(/^deloton_session=; .*Max-Age=0; Secure$/);
    other = await apiHarness(get().db);
    // An untrusted hop's word is not taken.
    const spoofed = await signIn(other, other.viewer, { 'x-forwarded-proto': 'https' });
    expect(cookieOf(spoofed).header).not.toMatch(/Secure/);
  });

  it('lets the cookie do what its key may: a viewer reads without names and may not delete', async () => {
    await seed(get().db);
    api = await apiHarness(get().db);
    const admin = cookieOf(await signIn(api, api.admin)).token;
    const viewer = cookieOf(await signIn(api, api.viewer)).token;
    const [ride] = await get().db.query<{ ride_id: number }>(
      'SELECT ride_id FROM rides WHERE ended_at IS NOT NULL ORDER BY ride_id LIMIT 1',
    );
    const page = expectBody(await withCookie(api, 'GET', '/api/rides', viewer), 200, RidePage);
    expect(page.data.length).toBeGreaterThan(0);
    const asViewer = expectBody(
      await withCookie(api, 'GET', `/api/rides/${ride!.ride_id}`, viewer),
      200,
      RideDetail,
    );
    expect(asViewer.rider).not.toBeNull();
    expect(asViewer.rider).not.toHaveProperty('first_name');
    const asAdmin = expectBody(
      await withCookie(api, 'GET', `/api/rides/${ride!.ride_id}`, admin),
      200,
      RideDetail,
    );
    expect(asAdmin.rider?.first_name).toEqual(expect.any(String));
    const refused = await withCookie(api, 'DELETE', `/api/rides/${ride!.ride_id}`, viewer, {
      'x-deloton-request': '1',
    });
    expect(expectBody(refused, 403, ErrorResponse).error.code).toBe('forbidden');
    expect(await count('rides WHERE ride_id = $1', [ride!.ride_id])).toBe(1);
    // A bearer key wins over the cookie the browser sends along.
    const both = await api.app.inject({
      url: '/api/session',
      headers: { cookie: `deloton_session=${viewer}`, authorization: `Bearer ${api.admin}` },
    });
    expect(expectBody(both, 200, WhoAmI)).toMatchObject({ role: 'admin', expires_at: null });
  });

  it('refuses a change made with the cookie unless it carries X-Deloton-Request: 1 or its own Origin', async () => {
    await seed(get().db);
    api = await apiHarness(get().db);
    const admin = cookieOf(await signIn(api, api.admin)).token;
    const rides = await get().db.query<{ ride_id: number }>(
      'SELECT ride_id FROM rides WHERE ended_at IS NOT NULL ORDER BY ride_id LIMIT 2',
    );
    const host = { host: 'dash.example:3000' };
    for (const headers of <Record<string, string>[]>[
      {},
      { origin: 'http://evil.example' },
      { origin: 'https://dash.example:3000' },
      { origin: 'null' },
      { 'x-deloton-request': '0' },
    ]) {
      const res = await withCookie(api, 'DELETE', `/api/rides/${rides[0]!.ride_id}`, admin, {
        ...host,
        ...headers,
      });
      expect({ headers, status: res.statusCode }).toEqual({ headers, status: 403 });
      expect(expectBody(res, 403, ErrorResponse).error.code).toBe('csrf');
    }
    expect(await count('rides WHERE ride_id = $1', [rides[0]!.ride_id])).toBe(1);
    // Sign-out is a change too.
    expect((await withCookie(api, 'DELETE', '/api/session', admin)).statusCode).toBe(403);
    // Reads need no proof; a key needs none either (no browser sends it by itself).
    expect((await withCookie(api, 'GET', '/api/rides', admin)).statusCode).toBe(200);
    const sameOrigin = await withCookie(api, 'DELETE', `/api/rides/${rides[0]!.ride_id}`, admin, {
      ...host,
      origin: 'http://DASH.example:3000',
    });
    expect(sameOrigin.statusCode).toBe(200);
    const withHeader = await withCookie(api, 'DELETE', `/api/rides/${rides[1]!.ride_id}`, admin, {
      'x-deloton-request': '1',
    });
    expect(withHeader.statusCode).toBe(200);
    expect(
      await count('rides WHERE ride_id IN ($1, $2)', [rides[0]!.ride_id, rides[1]!.ride_id]),
    ).toBe(0);
  });

  it('signs out: 204, the cookie cleared, and the session gone for good on every server', async () => {
    api = await apiHarness(get().db);
    other = await apiHarness(get().db);
    const { token } = cookieOf(await signIn(api, api.viewer));
    expect((await withCookie(api, 'GET', '/api/rides', token)).statusCode).toBe(200);
    expect((await withCookie(other, 'GET', '/api/rides', token)).statusCode).toBe(200);
    const out = await withCookie(api, 'DELETE', '/api/session', token, {
      'x-deloton-request': '1',
    });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expect(out.headers['set-cookie']).toBe(
      'deloton_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
    );
    expect(await count('sessions')).toBe(0);
    const after = await withCookie(api, 'GET', '/api/rides', token);
    expect(expectBody(after, 401, ErrorResponse).error.code).toBe('unauthorized');
    // The browser is told again to forget a cookie that no longer works.
    expect(after.headers['set-cookie']).toMatch(/^deloton_session=; .*Max-Age=0/);
    // The other server had it cached: NOTIFY reaches it well inside the cache's 10 s.
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 3000) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await withCookie(other, 'GET', '/api/rides', token)).statusCode;
    }
    expect(status).toBe(401);
  });

  it('ends every session of a revoked key at once, on every server', async () => {
    api = await apiHarness(get().db);
    other = await apiHarness(get().db);
    const key = await makeKey(get().db, 'wall-screen', 'viewer');
    const { token } = cookieOf(await signIn(api, key));
    const second = cookieOf(await signIn(other, key)).token;
    // Both servers have the sessions cached now.
    expect((await withCookie(api, 'GET', '/api/rides', token)).statusCode).toBe(200);
    expect((await withCookie(other, 'GET', '/api/rides', token)).statusCode).toBe(200);
    expect((await withCookie(other, 'GET', '/api/rides', second)).statusCode).toBe(200);
    await revokeApiKey(get().db, 'wall-screen');
    expect(await count('sessions')).toBe(0);
    // NOTIFY reaches the caches asynchronously; well inside their 10 s lifetime.
    const started = Date.now();
    const statuses = async () =>
      [
        (await withCookie(api!, 'GET', '/api/rides', token)).statusCode,
        (await withCookie(other!, 'GET', '/api/rides', token)).statusCode,
        (await withCookie(other!, 'GET', '/api/rides', second)).statusCode,
      ].join();
    let seen = await statuses();
    while (seen !== '401,401,401' && Date.now() - started < 3000) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await statuses();
    }
    expect(seen).toBe('401,401,401');
    // Nor can the revoked key sign in again.
    expect((await signIn(api, key)).statusCode).toBe(401);
  });

  it('refuses a session whose key was revoked, even if its row survived the revocation', async () => {
    api = await apiHarness(get().db);
    const key = await makeKey(get().db, 'kiosk', 'viewer');
    const { token } = cookieOf(await signIn(api, key));
    // As a sign-in that raced the revocation would leave it: the key revoked, the row still there.
    await get().db.query("UPDATE api_keys SET revoked_at = now() WHERE name = 'kiosk'");
    other = await apiHarness(get().db);
    expect((await withCookie(other, 'GET', '/api/rides', token)).statusCode).toBe(401);
    expect(await count('sessions')).toBe(1);
  });

  it('refuses a session left unused too long, or too old however used; each use moves its end on', async () => {
    const t0 = Date.UTC(2024, 0, 10, 9);
    let now = t0;
    const s = 1000;
    api = await apiHarness(get().db, {
      now: () => now,
      sessionLifetime: { idleMs: 60 * s, maxMs: 300 * s },
    });
    const signed = await signIn(api, api.viewer);
    expect(cookieOf(signed).header).toMatch(/Max-Age=300;|Max-Age=300$/);
    const idle = cookieOf(signed).token;
    const endOf = async (token: string) =>
      (
        expectBody(await withCookie(api!, 'GET', '/api/session', token), 200, WhoAmI) as {
          expires_at: string;
        }
      ).expires_at;
    now = t0 + 50 * s;
    expect(await endOf(idle)).toBe(new Date(t0 + 110 * s).toISOString());
    now = t0 + 100 * s;
    expect(await endOf(idle)).toBe(new Date(t0 + 160 * s).toISOString());
    // A second server reads the moved end from the database.
    other = await apiHarness(get().db, {
      now: () => now,
      sessionLifetime: { idleMs: 60 * s, maxMs: 300 * s },
    });
    expect(
      (
        expectBody(await withCookie(other, 'GET', '/api/session', idle), 200, WhoAmI) as {
          expires_at: string;
        }
      ).expires_at,
    ).toBe(new Date(t0 + 160 * s).toISOString());
    now = t0 + 160 * s;
    const ended = await withCookie(api, 'GET', '/api/rides', idle);
    expect(expectBody(ended, 401, ErrorResponse).error.code).toBe('unauthorized');
    expect((await withCookie(other, 'GET', '/api/rides', idle)).statusCode).toBe(401);
    // Used every 50 s, a session still ends 300 s after sign-in.
    const t1 = now;
    const busy = cookieOf(await signIn(api, api.viewer)).token;
    for (now = t1 + 50 * s; now < t1 + 300 * s; now += 50 * s)
      expect((await withCookie(api, 'GET', '/api/rides', busy)).statusCode).toBe(200);
    now = t1 + 250 * s;
    expect(await endOf(busy)).toBe(new Date(t1 + 300 * s).toISOString());
    now = t1 + 300 * s;
    expect((await withCookie(api, 'GET', '/api/rides', busy)).statusCode).toBe(401);
    // Ended sessions are purged by the next sign-in (the idle one went at the busy one's), or by
    // the store function.
    expect(await count('sessions')).toBe(1);
    const last = cookieOf(await signIn(api, api.admin)).token;
    expect(await count('sessions')).toBe(1);
    expect((await withCookie(api, 'GET', '/api/session', last)).statusCode).toBe(200);
    expect(await purgeExpiredSessions(get().db, new Date(now + 59 * s))).toBe(0);
    expect(await purgeExpiredSessions(get().db, new Date(now + 60 * s))).toBe(1);
  });

  it('refuses bad keys and bodies, counting bad keys against the address like bearer keys', async () => {
    const still = Date.UTC(2024, 0, 10, 9);
    api = await apiHarness(get().db, { now: () => still });
    const bad = await signIn(api, badKey());
    expect(expectBody(bad, 401, ErrorResponse).error.code).toBe('unauthorized');
    expect(bad.headers['set-cookie']).toBeUndefined();
    for (const payload of [
      {},
      { key: 42 },
      { key: api.admin, role: 'admin' },
      [api.admin],
      { key: 'x'.repeat(300) },
    ]) {
      const res = await api.app.inject({ method: 'POST', url: '/api/session', payload });
      expect({ payload, status: res.statusCode }).toEqual({ payload, status: 400 });
      expect(expectBody(res, 400, ErrorResponse).error.code).toBe('invalid_input');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const form = await api.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `key=${api.admin}`,
    });
    expect(expectBody(form, 415, ErrorResponse).error.code).toBe('unsupported_media_type');
    // A page on another site can post text/plain without a preflight: it is not a sign-in.
    const plain = await api.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ key: api.admin }),
    });
    expect(plain.statusCode).toBe(400);
    // 120 bad keys a minute from one address, then 429; a good key from there waits too.
    for (let i = 1; i < 120; i++) expect((await signIn(api, badKey())).statusCode).toBe(401);
    const limited = await signIn(api, badKey());
    expect(expectBody(limited, 429, ErrorResponse).error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signIn(api, 'not a key')).statusCode).toBe(429);
    // Bad cookies draw on the same budget.
    expect((await withCookie(api, 'GET', '/api/rides', 'A'.repeat(43))).statusCode).toBe(429);
  });

  it('answers a bad cookie with 401 and tells the browser to drop it', async () => {
    api = await apiHarness(get().db);
    for (const token of ['A'.repeat(43), 'short', '']) {
      const res = await withCookie(api, 'GET', '/api/rides', token);
      expect({ token, status: res.statusCode }).toEqual({ token, status: 401 });
      expectBody(res, 401, ErrorResponse);
    }
    expect(
      (await withCookie(api, 'GET', '/api/rides', 'A'.repeat(43))).headers['set-cookie'],
    ).toMatch(/Max-Age=0/);
  });

  it('writes neither the key nor the cookie to any log, failures included', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (l: string) => void lines.push(l) });
    api = await apiHarness(get().db, { logger });
    const { token } = cookieOf(await signIn(api, api.admin));
    await withCookie(api, 'GET', '/api/rides', token);
    await withCookie(api, 'GET', '/api/rides?limit=nope', token);
    await withCookie(api, 'DELETE', '/api/rides/1', token);
    await withCookie(api, 'GET', '/api/nowhere', token);
    await api.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/json' },
      payload: `{"key": ${api.viewer}}`,
    });
    await api.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { key: api.viewer, extra: api.admin },
    });
    await withCookie(api, 'DELETE', '/api/session', token, { 'x-deloton-request': '1' });
    // The capture works: the audit lines are there, naming the key by its name.
    expect(lines.join('')).toMatch(/"msg":"signed in"/);
    expect(lines.join('')).toMatch(/"msg":"signed out"/);
    for (const secret of [token, api.admin, api.viewer])
      expect(lines.join('')).not.toContain(secret);
  });

  it('documents the three session routes and the cookie scheme', async () => {
    api = await apiHarness(get().db);
    const doc = (await api.call('GET', '/api/openapi.json', null)).json<{
      paths: Record<string, Record<string, { tags?: string[]; security?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    }>();
    const ops = doc.paths['/api/session']!;
    expect(Object.keys(ops).sort()).toEqual(['delete', 'get', 'post']);
    for (const op of Object.values(ops)) expect(op.tags).toEqual(['session']);
    expect(ops.post!.security).toEqual([]);
    expect(ops.get!.security).toEqual([{ bearer: [] }, { session: [] }, {}]);
    expect(doc.paths['/api/rides']!.get!.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(doc.components.securitySchemes.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'deloton_session',
    });
  });
});
