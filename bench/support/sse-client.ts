// Node clients of the live stream (`GET /api/live` with a bearer key): one that reads every event
// (to time the server's side), and any number that only take the bytes, as idle browsers would.
import { request, type IncomingMessage } from 'node:http';
import type { LiveEvent } from '../../src/domain/live-ride.js';
import { onCleanup } from './cleanup.js';
import { BenchFailure } from './output.js';

/** One open stream. */
export interface SseClient {
  /** Bytes received so far. */
  readonly bytes: () => number;
  /** Whether the server ended the stream (a client that could not keep up is dropped). */
  readonly ended: () => boolean;
  close(): void;
}

/**
 * Opens the stream; resolves once its first event (the snapshot) arrived. With `onEvent`, every
 * event is parsed and handed over with the time it arrived; without, the bytes are discarded.
 */
export function openSse(
  base: string,
  key: string,
  onEvent?: (e: LiveEvent, receivedMs: number) => void,
): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let ended = false;
    let res: IncomingMessage | null = null;
    const req = request(`${base}/api/live`, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      // Each client its own connection, as browsers would be.
      agent: false,
    });
    const client: SseClient = {
      bytes: () => bytes,
      ended: () => ended,
      close: () => {
        ended = true;
        req.destroy();
        res?.destroy();
      },
    };
    onCleanup('close an SSE client', () => client.close());
    req.on('error', (e) => (bytes === 0 ? reject(e) : (ended = true)));
    req.on('response', (r) => {
      res = r;
      if (r.statusCode !== 200) {
        reject(new BenchFailure(`GET /api/live answered ${r.statusCode}`));
        r.resume();
        return;
      }
      r.on('end', () => (ended = true));
      r.on('close', () => (ended = true));
      let buf = '';
      let first = true;
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => {
        bytes += chunk.length;
        if (!onEvent) {
          // The stream opens with "retry: 1000"; the snapshot is the first "data:".
          if (first && chunk.includes('data:')) {
            first = false;
            resolve(client);
          }
          return;
        }
        const now = Date.now();
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          onEvent(JSON.parse(data.slice(6)) as LiveEvent, now);
          if (first) {
            first = false;
            resolve(client);
          }
        }
      });
    });
    req.end();
  });
}
