import pino, { type Logger } from 'pino';

/**
 * The process logger, on stderr so stdout stays free for command output: readable lines when a
 * person watches a terminal, JSON lines (for log shippers) otherwise.
 */
export function createLogger(level: string, name = 'deloton'): Logger {
  if (process.stderr.isTTY)
    return pino(
      { name, level },
      pino.transport({
        target: 'pino-pretty',
        options: {
          destination: 2,
          singleLine: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,name',
        },
      }),
    );
  return pino({ name, level }, pino.destination(2));
}
