import type { Logger } from 'pino';
import type { LiveEvent, LiveRide } from '../domain/live-ride.js';
import type { Db } from '../store/db.js';
import {
  LIVE_CHANNEL,
  liveRidesById,
  openLiveRides,
  parseLivePayload,
} from '../store/live-rides.repository.js';
import { LiveState, type LiveChange } from './live-state.js';

/** Whether a browser may see riders' names. */
export type LiveAudience = 'viewer' | 'admin';

/** One browser's stream, as the hub sees it: it writes frames and watches the backlog. */
export interface LiveSubscriber {
  readonly audience: LiveAudience;
  /** Queues a frame (an SSE event) for the browser. */
  write(frame: string): void;
  /** Bytes written but not yet taken by the network. */
  buffered(): number;
  /** Ends the stream; the browser reconnects and gets a fresh snapshot. */
  close(reason: 'slow' | 'revoked' | 'stopping'): void;
  /** Whether the caller may still watch (its key not revoked, its session not expired). */
  stillAllowed?(): Promise<boolean>;
}

/** The hub's settings; the defaults suit production. */
export interface LiveHubOptions {
  readonly db: Db;
  readonly logger: Logger;
  /** A ride unheard from for this long has left the floor (default 15 min). */
  readonly quietAfterS?: number;
  /** Full re-read of the open rides: catches deletions and anything a lost NOTIFY missed. */
  readonly resyncMs?: number;
  /** Clock events; they also keep proxies from closing quiet streams. */
  readonly tickMs?: number;
  /** A browser with more than this unsent is dropped rather than buffered without bound. */
  readonly maxBufferedBytes?: number;
}

/** What the hub has done, for /health and /metrics. */
export interface LiveHubStats {
  readonly rides: number;
  readonly subscribers: number;
  readonly dropped: number;
  readonly refreshes: number;
  readonly lastRefreshMs: number | null;
}

/**
 * The live hub of one serving process: LISTENs once, follows each NOTIFY's pointer with one query
 * (queries never overlap: ids that arrive meanwhile are read together next), keeps the current
 * state per ride and fans changes out to its browsers.
 */
export class LiveHub {
  private readonly state = new LiveState();
  private readonly subscribers = new Set<LiveSubscriber>();
  private readonly pending = new Set<number>();
  private fullPending = true;
  private pumping: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private seq = 0;
  // The database's clock minus ours: heard-at times are the database's.
  private clockOffsetMs = 0;
  private dropped = 0;
  private refreshes = 0;
  private lastRefreshMs: number | null = null;
  private stopped = false;
  private readonly o: Required<Omit<LiveHubOptions, 'db' | 'logger'>>;

  constructor(private readonly opts: LiveHubOptions) {
    this.o = {
      quietAfterS: opts.quietAfterS ?? 900,
      resyncMs: opts.resyncMs ?? 10_000,
      tickMs: opts.tickMs ?? 10_000,
      maxBufferedBytes: opts.maxBufferedBytes ?? 1 << 20,
    };
  }

  /** Starts listening and reads the open rides. */
  async start(): Promise<void> {
    this.unlisten = await this.opts.db.listen(LIVE_CHANNEL, (payload) => this.heard(payload));
    await this.refresh();
    this.timers.push(
      setInterval(() => this.heard(''), this.o.resyncMs).unref(),
      // Sessions also end by expiry, which no NOTIFY announces.
      setInterval(() => void this.recheckAll(), 60_000).unref(),
      setInterval(
        () => this.broadcast({ kind: 'tick', serverNowMs: this.serverNow() }),
        this.o.tickMs,
      ).unref(),
    );
  }

  /** Stops listening and closes every stream. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.unlisten?.();
    this.unlisten = null;
    await this.pumping;
    for (const s of this.subscribers) s.close('stopping');
    this.subscribers.clear();
  }

  /** Adds a browser: it gets the snapshot at once, then every change. Returns its removal. */
  subscribe(sub: LiveSubscriber): () => void {
    this.subscribers.add(sub);
    this.send(
      sub,
      this.frames({ kind: 'snapshot', serverNowMs: this.serverNow(), rides: this.state.all() }),
    );
    return () => {
      this.subscribers.delete(sub);
    };
  }

  /** Asks every browser's caller again (a key was revoked); those no longer allowed are closed. */
  async recheckAll(): Promise<void> {
    await Promise.all(
      [...this.subscribers].map(async (s) => {
        if (!s.stillAllowed || (await s.stillAllowed().catch(() => true))) return;
        this.subscribers.delete(s);
        s.close('revoked');
      }),
    );
  }

  /** The rides being ridden now, with names (callers strip them per role). */
  rides(): LiveRide[] {
    return this.state.all();
  }

  stats(): LiveHubStats {
    return {
      rides: this.state.size,
      subscribers: this.subscribers.size,
      dropped: this.dropped,
      refreshes: this.refreshes,
      lastRefreshMs: this.lastRefreshMs,
    };
  }

  private serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** A NOTIFY: ride ids to read, or '' (maybe missed notifications, or a resync): read all. */
  private heard(payload: string): void {
    if (this.stopped) return;
    const ids = parseLivePayload(payload);
    if (ids.length === 0) this.fullPending = true;
    for (const id of ids) this.pending.add(id);
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
    });
  }

  private async pump(): Promise<void> {
    while (!this.stopped && (this.fullPending || this.pending.size > 0)) {
      try {
        await this.refresh();
      } catch (e) {
        // The next resync tries again; meanwhile browsers keep what they have.
        this.opts.logger.warn(
          { err: e },
          'live: could not read the rides; retrying at the next resync',
        );
        return;
      }
    }
  }

  private async refresh(): Promise<void> {
    let change: LiveChange;
    if (this.fullPending) {
      this.fullPending = false;
      this.pending.clear();
      const { rows, nowMs } = await openLiveRides(this.opts.db, this.o.quietAfterS);
      this.clockOffsetMs = nowMs - Date.now();
      change = this.state.apply(rows, null);
    } else {
      const ids = [...this.pending];
      this.pending.clear();
      change = this.state.apply(await liveRidesById(this.opts.db, ids), ids);
    }
    this.refreshes++;
    this.lastRefreshMs = Date.now();
    if (change.upsert.length > 0 || change.ended.length > 0)
      this.broadcast({ kind: 'delta', serverNowMs: this.serverNow(), ...change });
  }

  private broadcast(event: LiveEvent): void {
    if (this.subscribers.size === 0) return;
    const frames = this.frames(event);
    for (const s of this.subscribers) this.send(s, frames);
  }

  /** The event as SSE frames, serialized once per audience however many browsers watch. */
  private frames(event: LiveEvent): Record<LiveAudience, string> {
    const id = ++this.seq;
    const admin = sseFrame(id, event);
    const hasNames = event.kind !== 'tick' && ridesOf(event).some((r) => r.name !== undefined);
    const viewer = hasNames ? sseFrame(id, withoutNames(event)) : admin;
    return { admin, viewer };
  }

  private send(s: LiveSubscriber, frames: Record<LiveAudience, string>): void {
    s.write(frames[s.audience]);
    if (s.buffered() > this.o.maxBufferedBytes) {
      this.subscribers.delete(s);
      this.dropped++;
      this.opts.logger.info(
        { buffered: s.buffered() },
        'live: dropped a browser that could not keep up',
      );
      s.close('slow');
    }
  }
}

function ridesOf(e: Exclude<LiveEvent, { kind: 'tick' }>): readonly LiveRide[] {
  switch (e.kind) {
    case 'snapshot':
      return e.rides;
    case 'delta':
      return e.upsert;
  }
}

const strip = (r: LiveRide): LiveRide => {
  if (r.name === undefined) return r;
  const { name: _name, ...rest } = r;
  return rest;
};

/** The event a viewer may see: riders by number, gender and age, never by name. */
export function withoutNames(e: LiveEvent): LiveEvent {
  switch (e.kind) {
    case 'snapshot':
      return { ...e, rides: e.rides.map(strip) };
    case 'delta':
      return { ...e, upsert: e.upsert.map(strip) };
    case 'tick':
      return e;
  }
}

/** One Server-Sent Event: its id (for Last-Event-ID), its kind, its JSON. */
export function sseFrame(id: number, e: LiveEvent): string {
  return `id: ${id}\nevent: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`;
}
