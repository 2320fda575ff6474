import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { looksLikeApiKey } from '../store/api-keys.repository.js';
import { looksLikeSessionToken } from '../store/sessions.repository.js';
import { ApiError } from './api-error.js';
import { clearedSessionCookie, cookieValue, SESSION_COOKIE } from './cookies.js';
import type { Caller, KeyCache } from './key-cache.js';
import type { RateLimiter } from './rate-limit.js';
import type { Session, SessionCache } from './session-cache.js';

/** Who may call a route: any valid key, or admin keys only. */
export type Access = 'viewer' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** A request with no credential at all is let through with no caller (who-am-I). */
    anonymous?: boolean;
  }
  interface FastifyRequest {
    caller: Caller | null;
    /** The browser session the caller came with; null when it sent a key. */
    browserSession: Session | null;
  }
}

/** What proves who a request is: keys, browser sessions, and the brake on guessing either. */
export interface Credentials {
  readonly keys: KeyCache;
  readonly sessions: SessionCache;
  /** Bad keys and session tokens, per client address. */
  readonly failures: RateLimiter;
  /** Requests per key (null: unlimited). */
  readonly perKey: RateLimiter | null;
}

/** Header that a page's own script adds to unsafe requests made with the session cookie. */
export const SAME_ORIGIN_HEADER = 'x-deloton-request';

const challenge = { 'www-authenticate': 'Bearer realm="deloton"' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Looks a credential up, counting the bad ones per address: 401 for a bad one, 429 for an address
 * that sent too many. Such an address is answered from the cache alone: guessing is hopeless
 * (256 bits), but each new guess would cost a query.
 */
async function vouch<T>(
  req: FastifyRequest,
  failures: RateLimiter,
  wellFormed: boolean,
  lookup: { cached: () => T | null | undefined; resolve: () => Promise<T | null> },
  refused: ApiError,
): Promise<T> {
  const slowedFor = failures.blockedFor(req.ip);
  const found = !wellFormed
    ? null
    : slowedFor !== null
      ? (lookup.cached() ?? null)
      : await lookup.resolve();
  if (found) return found;
  const d = slowedFor === null ? failures.take(req.ip) : null;
  if (!d || d.kind === 'deny') {
    const retry = d?.kind === 'deny' ? d.retryAfterS : (slowedFor ?? 1);
    throw new ApiError(
      429,
      'rate_limited',
      `too many bad keys from this address; retry in ${retry} s`,
      { 'retry-after': String(retry) },
    );
  }
  throw refused;
}

/** The caller an API key stands for; throws 401 (bad or revoked key) or 429 (too many bad keys). */
export async function checkKey(
  req: FastifyRequest,
  creds: Credentials,
  key: string,
): Promise<Caller> {
  return vouch(
    req,
    creds.failures,
    looksLikeApiKey(key),
    { cached: () => creds.keys.cached(key), resolve: () => creds.keys.resolve(key) },
    new ApiError(401, 'unauthorized', 'the API key is not valid or was revoked', challenge),
  );
}

function bearerKey(header: string | undefined): string {
  if (!header)
    throw new ApiError(
      401,
      'unauthorized',
      'send an API key: Authorization: Bearer KEY (or sign in: POST /api/session)',
      challenge,
    );
  const m = /^Bearer +(\S+)\s*$/i.exec(header);
  if (!m)
    throw new ApiError(
      401,
      'unauthorized',
      'the Authorization header must be "Bearer KEY"',
      challenge,
    );
  return m[1]!;
}

/** Whether the request came over TLS (directly, or through a trusted proxy that says so). */
export function overTls(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

/**
 * Whether an unsafe request that came with the session cookie shows it was sent by our own
 * pages: a header no other site may add without a CORS preflight (which is never granted), or
 * an Origin equal to this server's. SameSite=Strict is the first defence; this the second.
 */
function fromOwnPage(req: FastifyRequest): boolean {
  if (req.headers[SAME_ORIGIN_HEADER] === '1') return true;
  const origin = req.headers.origin;
  return (
    typeof origin === 'string' &&
    origin.toLowerCase() === `${req.protocol}://${req.host}`.toLowerCase()
  );
}

async function sessionCaller(
  req: FastifyRequest,
  creds: Credentials,
  token: string,
): Promise<Session> {
  if (!SAFE_METHODS.has(req.method) && !fromOwnPage(req))
    throw new ApiError(
      403,
      'csrf',
      `a request with the session cookie that changes anything must carry "${SAME_ORIGIN_HEADER}: 1" or this server's Origin`,
    );
  return vouch(
    req,
    creds.failures,
    looksLikeSessionToken(token),
    { cached: () => creds.sessions.cached(token), resolve: () => creds.sessions.resolve(token) },
    // The browser is told to forget the cookie, so that it stops sending it.
    new ApiError(401, 'unauthorized', 'the session has ended or its key was revoked; sign in', {
      ...challenge,
      'set-cookie': clearedSessionCookie(overTls(req)),
    }),
  );
}

/** Takes one request from the key's budget: 429 with Retry-After when it has none left. */
export function spend(creds: Credentials, caller: Caller, reply: FastifyReply): void {
  if (!creds.perKey) return;
  const d = creds.perKey.take(caller.keyId);
  if (d.kind === 'deny')
    throw new ApiError(
      429,
      'rate_limited',
      `too many requests for this key; retry in ${d.retryAfterS} s`,
      { 'retry-after': String(d.retryAfterS) },
    );
  void reply.header('ratelimit-remaining', d.remaining);
}

/**
 * Checks who calls every route that declares `config.access` (an `Authorization: Bearer` key,
 * else the session cookie), then its rate. Runs on request, before validation, so a caller
 * without a key learns nothing about the route's input.
 */
export function installAuth(app: FastifyInstance, creds: Credentials): void {
  app.decorateRequest('caller', null);
  app.decorateRequest('browserSession', null);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const access = req.routeOptions.config.access;
    if (!access) return;
    const header = req.headers.authorization;
    // A key sent explicitly wins over a cookie the browser sends by itself.
    const token = header ? undefined : cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!header && !token && req.routeOptions.config.anonymous) return;
    let caller: Caller;
    if (token) {
      const session = await sessionCaller(req, creds, token);
      req.browserSession = session;
      caller = session.caller;
    } else caller = await checkKey(req, creds, bearerKey(header));
    req.caller = caller;
    spend(creds, caller, reply);
    if (access === 'admin' && caller.role !== 'admin')
      throw new ApiError(
        403,
        'forbidden',
        `this needs an admin key; key "${caller.name}" is a ${caller.role} key`,
      );
  });
}

/**
 * Whether the key or session a request came with still holds: for streams that outlive their
 * request, asked again when a key is revoked or a session ends.
 */
export async function stillHolds(req: FastifyRequest, creds: Credentials): Promise<boolean> {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer +(\S+)\s*$/i.exec(header);
    return m ? (await creds.keys.resolve(m[1]!)) !== null : false;
  }
  const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return token ? (await creds.sessions.resolve(token)) !== null : false;
}

/** The caller of a route that declared `access` (the hook has run). */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw new ApiError(401, 'unauthorized', 'no API key');
  return req.caller;
}
