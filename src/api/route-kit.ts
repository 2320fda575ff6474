import type { ZodType } from 'zod';
import type { Access } from './auth.js';
import { ErrorResponse } from './schemas.js';

/** The error responses a route can give, for its OpenAPI entry. */
export function errorResponses(
  access: Access | null,
  extra: readonly number[] = [],
): Record<number, ZodType> {
  const codes = [
    400,
    404,
    503,
    ...extra,
    ...(access ? [401, 429] : []),
    ...(access === 'admin' ? [403] : []),
  ];
  return Object.fromEntries(codes.map((c) => [c, ErrorResponse]));
}

/** OpenAPI security requirement of a route that needs a key: sent as a bearer, or a session's. */
export const keyOrSession: { [scheme: string]: string[] }[] = [{ bearer: [] }, { session: [] }];

/** Tags and flags that mark one of the brief's original paths, kept as an alias. */
export const aliasDoc = (of: string) => ({
  tags: ['brief aliases'],
  deprecated: true,
  description: `The brief's original path; behaves exactly as ${of}.`,
});
