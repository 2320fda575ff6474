// What every page shares: the live store, who is signed in, and how a page is mounted.

import type { LiveStore } from '../live-stream.js';

/** The signed-in caller, from GET /api/session. */
export interface Session {
  readonly name: string;
  readonly role: 'viewer' | 'admin';
  readonly expires_at: string;
}

/** What a page is given. */
export interface ViewContext {
  readonly store: LiveStore;
  readonly session: Session;
  readonly kiosk: boolean;
}

/** A mounted page: its element, and how to stop its timers and listeners. */
export interface View {
  readonly el: HTMLElement;
  /** The page's title for the tab and for screen readers. */
  readonly title: string;
  destroy(): void;
}
