import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { looksLikeApiKey } from '../store/api-keys.repository.js';
import { ApiError } from './api-error.js';
import type { Caller, KeyCache } from './key-cache.js';
import type { RateLimiter } from './rate-limit.js';

/** Who may call a route: any valid key, or admin keys only. */
export type Access = 'viewer' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

const challenge = { 'www-authenticate': 'Bearer realm="deloton"' };

/**
 * Checks the bearer key of every route that declares `config.access`, then its rate. Runs on
 * request, before validation, so a caller without a key learns nothing about the route's input.
 */
export function installAuth(
  app: FastifyInstance,
  keys: KeyCache,
  limiter: RateLimiter | null,
  failures: RateLimiter,
): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const access = req.routeOptions.config.access;
    if (!access) return;
    const header = req.headers.authorization;
    if (!header)
      throw new ApiError(
        401,
        'unauthorized',
        'send an API key: Authorization: Bearer KEY',
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
    const key = m[1]!;
    // An address that has sent too many bad keys is answered from the cache alone: guessing
    // keys is hopeless (256 bits), but each new guess would cost a query.
    const slowedFor = failures.blockedFor(req.ip);
    const caller = !looksLikeApiKey(key)
      ? null
      : slowedFor !== null
        ? (keys.cached(key) ?? null)
        : await keys.resolve(key);
    if (!caller) {
      const d = slowedFor === null ? failures.take(req.ip) : null;
      if (!d || d.kind === 'deny') {
        const retry = d?.kind === 'deny' ? d.retryAfterS : (slowedFor ?? 1);
        throw new ApiError(
          429,
          'rate_limited',
          `too many bad keys from this address; retry in ${retry} s`,
          {
            'retry-after': String(retry),
          },
        );
      }
      throw new ApiError(401, 'unauthorized', 'the API key is not valid or was revoked', challenge);
    }
    req.caller = caller;
    if (limiter) {
      const d = limiter.take(caller.keyId);
      if (d.kind === 'deny')
        throw new ApiError(
          429,
          'rate_limited',
          `too many requests for this key; retry in ${d.retryAfterS} s`,
          {
            'retry-after': String(d.retryAfterS),
          },
        );
      void reply.header('ratelimit-remaining', d.remaining);
    }
    if (access === 'admin' && caller.role !== 'admin')
      throw new ApiError(
        403,
        'forbidden',
        `this needs an admin key; key "${caller.name}" is a ${caller.role} key`,
      );
  });
}

/** The caller of a route that declared `access` (the hook has run). */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw new ApiError(401, 'unauthorized', 'no API key');
  return req.caller;
}
