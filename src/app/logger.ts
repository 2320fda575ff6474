import pino, { type Logger } from 'pino';

/** The process logger: JSON lines on stderr, so stdout stays free for command output. */
export function createLogger(level: string, name = 'deloton'): Logger {
  return pino({ name, level }, pino.destination(2));
}
