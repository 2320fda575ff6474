import { z } from 'zod';

/** Cursors are opaque to clients: base64url of a small JSON array, checked strictly on the way in. */
export function encodeCursor(parts: readonly number[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** A query parameter holding a cursor of `arity` whole numbers. */
export const Cursor = (arity: number) =>
  z
    .string()
    .max(200, 'is not a cursor this API gave out')
    .transform((v, ctx) => {
      const fail = (): never => {
        ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave out' });
        return z.NEVER;
      };
      if (!/^[A-Za-z0-9_-]+$/.test(v)) return fail();
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(v, 'base64url').toString('utf8'));
      } catch {
        return fail();
      }
      if (
        !Array.isArray(parsed) ||
        parsed.length !== arity ||
        !parsed.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
      )
        return fail();
      return parsed as number[];
    })
    .optional()
    .meta({ type: 'string', description: 'from the `next` link of the previous page' });

/** The `next` link: the same path and query, with the cursor replaced. */
export function nextLink(url: string, cursor: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set('cursor', cursor);
  return `${u.pathname}?${u.searchParams.toString()}`;
}
