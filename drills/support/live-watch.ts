// The dashboard's live stream (`GET /api/live`) read the way a browser's EventSource reads it:
// every event noted with its time, and a dropped stream opened again after the server's `retry`.
import { request, type ClientRequest } from 'node:http';
import { onCleanup } from '../../bench/support/cleanup.js';

/** What the watcher saw. */
export interface LiveWatch {
  /** Times (epoch ms) of the events other than clock ticks (snapshots and deltas). */
  readonly changes: number[];
  /** How many times the stream was opened (1 + reconnects). */
  readonly opens: () => number;
  /** Non-200 answers to an attempt to open it. */
  readonly refused: () => number;
  close(): void;
}

/** Opens the stream with a bearer `key` and keeps it open until `close()` (or cleanup). */
export function watchLive(base: string, key: string): LiveWatch {
  const changes: number[] = [];
  let opens = 0;
  let refused = 0;
  let closed = false;
  let req: ClientRequest | null = null;
  let retry: NodeJS.Timeout | null = null;
  const again = (): void => {
    if (closed || retry) return;
    // EventSource waits the `retry:` the server sent (1000 ms) before reconnecting.
    retry = setTimeout(() => {
      retry = null;
      open();
    }, 1000);
  };
  const open = (): void => {
    req = request(`${base}/api/live`, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      agent: false,
    });
    req.on('error', again);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        refused++;
        res.resume();
        again();
        return;
      }
      opens++;
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data && !data.includes('"kind":"tick"')) changes.push(Date.now());
        }
      });
      res.on('close', again);
    });
    req.end();
  };
  open();
  const close = (): void => {
    closed = true;
    if (retry) clearTimeout(retry);
    req?.destroy();
  };
  onCleanup('close the live stream', close);
  return { changes, opens: () => opens, refused: () => refused, close };
}
