// The checks of single settings' values, apart from the schema that applies them (config.ts).
import { isIP } from 'node:net';

/** TRUST_PROXY as Fastify's `trustProxy` takes it. */
export function parseTrustProxy(v: string | undefined): boolean | string {
  if (v === undefined || v === 'false') return false;
  return v === 'true' ? true : v;
}

/**
 * An IPv4 or IPv6 address (without brackets), or a DNS name of letters, digits and hyphens.
 * Digits and dots alone that are no IPv4 address (999.1.1.1) are a typo, not a name.
 */
export function isListenHost(v: string): boolean {
  if (isIP(v) !== 0) return true;
  return (
    !/^[\d.]+$/.test(v) &&
    v.length <= 253 &&
    /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
      v,
    )
  );
}

/** Whether a URL names an SMTP server: smtp:// or smtps://, a host, a port from 1. */
export function isSmtpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    const port = u.port === '' ? 25 : Number(u.port);
    return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '' && port >= 1;
  } catch {
    return false;
  }
}
