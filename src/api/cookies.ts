// The session cookie, read and written by hand: one cookie does not need a plugin.

/** Name of the browser session cookie. */
export const SESSION_COOKIE = 'deloton_session';

/**
 * The value of cookie `name` in a Cookie header, or undefined. The first one wins when a name
 * repeats (browsers send the most specific path first); surrounding quotes are dropped.
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
      ? value.slice(1, -1)
      : value;
  }
  return undefined;
}

// HttpOnly: page scripts never read it. SameSite=Strict: no other site's page sends it.
// Secure only over TLS: a browser drops a Secure cookie set over plain HTTP (a laptop's server).
function attributes(maxAgeS: number, secure: boolean): string {
  return `HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

/** Set-Cookie value that gives the browser a session token for `maxAgeS` seconds. */
export function sessionCookie(token: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; ${attributes(Math.max(0, Math.floor(maxAgeS)), secure)}`;
}

/** Set-Cookie value that makes the browser forget its session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; ${attributes(0, secure)}`;
}
