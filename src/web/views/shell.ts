// The frame around every page: the brand, the pages, the stream's state, who is signed in.

import { h, setAttr, setText } from '../dom.js';
import { clockTime } from '../format.js';
import type { LiveStore } from '../live-stream.js';
import { hrefOf, type Route } from '../router.js';
import type { Session } from './view.js';

/** The frame's parts a page switch touches. */
export interface Shell {
  readonly el: HTMLElement;
  readonly main: HTMLElement;
  /** Marks the current page in the navigation. */
  select(route: Route): void;
  destroy(): void;
}

const NAV: { kind: 'fleet' | 'recent' | 'alerts' | 'reports'; label: string; route: Route }[] = [
  { kind: 'fleet', label: 'Fleet now', route: { kind: 'fleet', sort: 'bike' } },
  { kind: 'recent', label: 'Recent rides', route: { kind: 'recent', range: '12h' } },
  { kind: 'alerts', label: 'Alerts', route: { kind: 'alerts' } },
  { kind: 'reports', label: 'Reports', route: { kind: 'reports', day: null } },
];

/** Builds the frame. `onSignOut` runs when the person signs out. */
export function buildShell(
  store: LiveStore,
  session: Session,
  kiosk: boolean,
  onSignOut: () => void,
): Shell {
  const links = NAV.map((n) => h('a', { href: hrefOf(n.route), 'data-nav': n.kind }, n.label));
  const dot = h('span', { class: 'status-dot', 'aria-hidden': 'true' });
  const statusText = h('span', null, 'Connecting…');
  const status = h('p', { class: 'status', role: 'status' }, dot, statusText);
  const user = kiosk
    ? null
    : h(
        'div',
        { class: 'user' },
        h(
          'span',
          { class: 'user-name', title: `Signed in with the ${session.role} key "${session.name}"` },
          session.name,
          h('span', { class: 'role' }, session.role),
        ),
        h('button', { type: 'button', class: 'button-quiet', onclick: onSignOut }, 'Sign out'),
      );
  const header = h(
    'header',
    { class: 'top' },
    h(
      'a',
      {
        class: 'brand',
        href: hrefOf({ kind: 'fleet', sort: 'bike' }),
        'aria-label': 'Deloton, fleet now',
      },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
      'Deloton',
    ),
    kiosk ? null : h('nav', { 'aria-label': 'Pages' }, ...links),
    status,
    user,
  );
  const main = h('main', { id: 'main', tabindex: '-1' });
  const el = h('div', { class: kiosk ? 'shell kiosk' : 'shell' }, header, main);

  const showStatus = (): void => {
    const last = store.lastEventMs;
    const at = last ? ` · updated ${clockTime(last + (store.serverNow() - Date.now()))}` : '';
    setAttr(status, 'data-state', store.status);
    switch (store.status) {
      case 'connecting':
        setText(statusText, 'Connecting…');
        break;
      case 'live':
        setText(statusText, `Live${at}`);
        break;
      case 'reconnecting':
        setText(statusText, `Reconnecting…${at ? ` last${at.slice(2)}` : ''}`);
        break;
    }
  };
  const off = store.onStatus(showStatus);
  const offChange = store.onChange(showStatus);
  showStatus();
  return {
    el,
    main,
    select: (route) => {
      for (const a of links)
        setAttr(a, 'aria-current', a.dataset.nav === route.kind ? 'page' : null);
    },
    destroy: () => {
      off();
      offChange();
    },
  };
}
