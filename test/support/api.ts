import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { expect } from 'vitest';
import type { ZodType } from 'zod';
import type { ReportPdfs } from '../../src/api/api-deps.js';
import type { SessionLifetime } from '../../src/api/session-cache.js';
import { buildHttpServer } from '../../src/app/http-server.js';
import { createApiKey, type ApiRole } from '../../src/store/api-keys.repository.js';
import type { Db } from '../../src/store/db.js';
import { silent } from './ingest.js';

/** The API in process, with an admin and a viewer key. */
export interface ApiHarness {
  readonly app: FastifyInstance;
  readonly admin: string;
  readonly viewer: string;
  /** Sends a request with the key given (none when null). */
  readonly call: (
    method: 'GET' | 'DELETE' | 'POST',
    url: string,
    key: string | null,
  ) => Promise<LightMyRequestResponse>;
  readonly close: () => Promise<void>;
}

/** Makes a key directly in the store. */
export async function makeKey(db: Db, name: string, role: ApiRole): Promise<string> {
  const made = await createApiKey(db, name, role);
  if (!('key' in made)) throw new Error(`key ${name} exists`);
  return made.key;
}

/** Builds the HTTP server on `db` as `start` and `serve` do, and two keys. */
export async function apiHarness(
  db: Db,
  opts: {
    now?: () => number;
    rateLimitPerMinute?: number | null;
    logger?: Logger;
    sessionLifetime?: SessionLifetime;
    trustProxy?: boolean;
    /** Builds report PDFs (none without it). */
    reports?: ReportPdfs;
    /** Where the read routes read (`db` without it). */
    readDb?: Db;
  } = {},
): Promise<ApiHarness> {
  const app = await buildHttpServer({
    db,
    logger: opts.logger ?? silent,
    displayTimeZone: 'Europe/London',
    rateLimitPerMinute: opts.rateLimitPerMinute ?? null,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.sessionLifetime ? { sessionLifetime: opts.sessionLifetime } : {}),
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
    ...(opts.reports ? { reports: opts.reports } : {}),
    ...(opts.readDb ? { readDb: opts.readDb } : {}),
  });
  const suffix = Math.random().toString(36).slice(2, 8);
  const admin = await makeKey(db, `admin-${suffix}`, 'admin');
  const viewer = await makeKey(db, `viewer-${suffix}`, 'viewer');
  return {
    app,
    admin,
    viewer,
    call: (method, url, key) =>
      app.inject({ method, url, headers: key ? { authorization: `Bearer ${key}` } : {} }),
    close: () => app.close(),
  };
}

/** What `expectBody` reads of a response: from inject(), or read off a socket. */
export type ResponseLike = Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'body' | 'json'>;

/** Asserts the status and the body's shape against its documented (strict) schema; returns it. */
export function expectBody<T>(res: ResponseLike, status: number, schema: ZodType<T>): T {
  expect({ status: res.statusCode, body: res.body.slice(0, 300) }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/application\/json/);
  const parsed = schema.safeParse(res.json());
  if (!parsed.success) throw new Error(`body does not match its schema: ${parsed.error.message}`);
  return parsed.data;
}
