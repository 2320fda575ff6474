import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';
import type { Db } from '../store/db.js';
import { createFirstAdminKey } from '../store/api-keys.repository.js';

/** Listens on `HOST` and `PORT`; a taken port or a foreign address is a setup error. Returns the URL. */
export async function listenOn(
  app: FastifyInstance,
  { host, port }: Pick<Config, 'host' | 'port'>,
  logger: Logger,
): Promise<string> {
  const address = await app.listen({ port, host }).catch((e: Error) => {
    throw new DelotonError(
      'port_unavailable',
      `cannot listen on port ${port} of ${host}: ${e.message}`,
    );
  });
  logger.info(
    { address, api: `${address}/api`, docs: `${address}/api/docs` },
    'http server listening',
  );
  return address;
}

/**
 * On a new installation (no key ever made), creates an admin key and prints it once on stdout,
 * with a dashboard sign-in link, so that the API and the dashboard can be tried at once. Later
 * starts print nothing.
 */
export async function offerFirstAdminKey(db: Db, address: string, logger: Logger): Promise<void> {
  const key = await createFirstAdminKey(db, 'first-admin');
  if (!key) return;
  logger.info({ key: 'first-admin' }, 'created the first admin API key (printed once on stdout)');
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  process.stdout.write(
    [
      '',
      'This installation had no API key, so an admin key named "first-admin" was made.',
      'It is shown only now: store it, or revoke it later with `deloton keys revoke first-admin`.',
      `Try it: curl -H "Authorization: Bearer ${key}" ${url}/api/rides`,
      // In the fragment, which browsers never send: no server or proxy log sees the key.
      `Or sign in to the dashboard: ${url}/sign-in#key=${key}`,
      key,
      '',
    ].join('\n'),
  );
}
