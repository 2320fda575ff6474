import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { purgeExpiredSessions } from '../store/sessions.repository.js';
import { ApiError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { callerOf, checkKey, overTls, spend, type Credentials } from './auth.js';
import { clearedSessionCookie, sessionCookie } from './cookies.js';
import type { Caller } from './key-cache.js';
import { NoQuery } from './params.js';
import { errorResponses, keyOrSession } from './route-kit.js';
import type { Session } from './session-cache.js';
import { SessionBody, WhoAmI } from './schemas.js';

/** Body of a sign-in. */
export const SignIn = z.strictObject({
  key: z.string().max(200).describe('an API key (`deloton keys create`)'),
});

function present(caller: Caller, session: Session | null): z.infer<typeof SessionBody> {
  return {
    name: caller.name,
    role: caller.role,
    expires_at: session && new Date(session.expiresMs).toISOString(),
  };
}

/** Browser sessions: sign in with a key for a cookie, ask who is signed in, sign out. */
export function sessionRoutes(app: FastifyInstance, deps: ApiDeps, creds: Credentials): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/session', {
    // A key is some 50 bytes; nothing bigger is read.
    bodyLimit: 1024,
    schema: {
      summary: 'Sign in: exchange an API key for a session cookie',
      description:
        'Sets the `deloton_session` cookie (HttpOnly, SameSite=Strict, Secure over TLS). A bad ' +
        'key counts against the same per-address budget as a bad bearer key.',
      tags: ['session'],
      security: [],
      querystring: NoQuery,
      body: SignIn,
      response: { 201: SessionBody, ...errorResponses(null, [401, 413, 415, 429]) },
    },
    handler: async (req, reply) => {
      const caller = await checkKey(req, creds, req.body.key);
      spend(creds, caller, reply);
      // Ended sessions go here rather than on a timer: every serving process signs people in,
      // and only some run the retention service.
      await purgeExpiredSessions(deps.db, new Date(deps.now()));
      const opened = await creds.sessions.open(caller);
      if (!opened) throw new ApiError(401, 'unauthorized', 'the API key was revoked');
      deps.audit.info({ key: caller.name }, 'signed in');
      const maxAgeS = creds.sessions.lifetime.maxMs / 1000;
      void reply.code(201).header('set-cookie', sessionCookie(opened.token, maxAgeS, overTls(req)));
      return present(caller, opened.session);
    },
  });

  r.get('/api/session', {
    // A page asks before anyone signed in: "nobody" is an answer, not an error (a 401 would be
    // a console error on every first visit). A bad or ended credential is still 401.
    config: { access: 'viewer', anonymous: true },
    schema: {
      summary: 'Who is signed in, with which role, and until when',
      description: 'With no key and no session cookie at all: `{"signed_in": false}`.',
      tags: ['session'],
      security: [...keyOrSession, {}],
      querystring: NoQuery,
      response: { 200: WhoAmI, ...errorResponses('viewer') },
    },
    handler: (req) =>
      req.caller
        ? { signed_in: true as const, ...present(callerOf(req), req.browserSession) }
        : { signed_in: false as const },
  });

  r.delete('/api/session', {
    config: { access: 'viewer' },
    schema: {
      summary: 'Sign out: end the session and clear its cookie',
      description:
        "With the session cookie, send `x-deloton-request: 1` (or come from this server's " +
        'Origin), as for every request that changes something. With a key, there is no session ' +
        'to end: the answer is the same.',
      tags: ['session'],
      security: keyOrSession,
      querystring: NoQuery,
      response: { 204: z.undefined().describe('signed out'), ...errorResponses('viewer', [403]) },
    },
    handler: async (req, reply) => {
      const session = req.browserSession;
      if (session) {
        await creds.sessions.close(session);
        deps.audit.info({ key: session.caller.name }, 'signed out');
      }
      return reply
        .code(204)
        .header('set-cookie', clearedSessionCookie(overTls(req)))
        .send();
    },
  });
}
