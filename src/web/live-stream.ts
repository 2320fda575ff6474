// The browser's end of the live hub: one EventSource for the whole page, whatever view shows.

import type { LiveEvent, LiveRide } from '../domain/live-ride.js';
import { sessionEnded, whoAmI } from './api.js';

/** Whether the stream is up. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

/** What a view hears: which rides changed and which ended, after the store took them in. */
export interface LiveChange {
  readonly upserted: readonly LiveRide[];
  readonly ended: readonly number[];
  /** A snapshot replaced everything (first connect or reconnect). */
  readonly snapshot: boolean;
}

type ChangeListener = (c: LiveChange) => void;
type StatusListener = (s: StreamStatus) => void;

/** The rides being ridden, kept current by the stream. */
export class LiveStore {
  readonly rides = new Map<number, LiveRide>();
  status: StreamStatus = 'connecting';
  /** When the last event arrived (our clock), for "updated 14:05:03". */
  lastEventMs: number | null = null;
  private offsetMs = 0;
  private source: EventSource | null = null;
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly statusListeners = new Set<StatusListener>();

  /** The server's clock now: idle and elapsed times are measured on it. */
  serverNow(): number {
    return Date.now() + this.offsetMs;
  }

  /** Opens the stream (EventSource reconnects by itself and the server sends a new snapshot). */
  connect(): void {
    if (this.source) return;
    const es = new EventSource('/api/live');
    this.source = es;
    const take = (e: MessageEvent<string>) => this.take(JSON.parse(e.data) as LiveEvent);
    es.addEventListener('snapshot', take);
    es.addEventListener('delta', take);
    es.addEventListener('tick', take);
    es.addEventListener('open', () => this.setStatus('live'));
    es.addEventListener('error', () => {
      this.setStatus('reconnecting');
      // A stream the server refused (signed out, key revoked) is closed for good: try again
      // slowly; a 401 from the API takes the page to sign-in meanwhile.
      if (es.readyState === EventSource.CLOSED) {
        this.source = null;
        // A stream refused because the session ended sends the page to sign-in.
        whoAmI()
          .then((who) => {
            if (!who) sessionEnded();
          })
          .catch(() => undefined);
        setTimeout(() => this.connect(), 3000);
      }
    });
  }

  /** Closes the stream (sign-out). */
  disconnect(): void {
    this.source?.close();
    this.source = null;
    this.rides.clear();
    this.setStatus('connecting');
  }

  /** Hears every change; returns the unsubscription. */
  onChange(fn: ChangeListener): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  /** Hears the stream's status; returns the unsubscription. */
  onStatus(fn: StatusListener): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  private setStatus(s: StreamStatus): void {
    if (s === this.status) return;
    this.status = s;
    for (const fn of this.statusListeners) fn(s);
  }

  private take(e: LiveEvent): void {
    this.offsetMs = e.serverNowMs - Date.now();
    this.lastEventMs = Date.now();
    this.setStatus('live');
    switch (e.kind) {
      case 'snapshot': {
        this.rides.clear();
        for (const r of e.rides) this.rides.set(r.rideId, r);
        this.emit({ upserted: e.rides, ended: [], snapshot: true });
        return;
      }
      case 'delta': {
        for (const r of e.upsert) this.rides.set(r.rideId, r);
        for (const id of e.ended) this.rides.delete(id);
        this.emit({ upserted: e.upsert, ended: e.ended, snapshot: false });
        return;
      }
      case 'tick':
        for (const fn of this.statusListeners) fn(this.status);
        return;
    }
  }

  private emit(c: LiveChange): void {
    for (const fn of this.changeListeners) fn(c);
  }
}
