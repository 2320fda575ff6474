// The dashboard's entry: sign in if needed, then the frame, the live stream and the pages.

import { api, whenUnauthorized, whoAmI } from './api.js';
import { h, replaceChildren } from './dom.js';
import { LiveStore } from './live-stream.js';
import { isKiosk, navigate, routeOf, startRouter, type Route } from './router.js';
import { alertsView } from './views/alerts-view.js';
import { fleetView } from './views/fleet-view.js';
import { recentView } from './views/recent-view.js';
import { reportsView } from './views/reports-view.js';
import { rideView } from './views/ride-view.js';
import { buildShell, type Shell } from './views/shell.js';
import { signInView } from './views/sign-in-view.js';
import type { Session, View, ViewContext } from './views/view.js';
import { useZoneColours } from './zone-colours.js';

const root = document.getElementById('app')!;
const store = new LiveStore();
let shell: Shell | null = null;
let view: View | null = null;
let session: Session | null = null;
// Where to go after signing in.
let wanted = '/';

function mountView(route: Route): void {
  if (!session) return showSignIn();
  if (route.kind === 'sign-in') return navigate('/', true);
  shell ??= mountShell(session);
  view?.destroy();
  const ctx: ViewContext = { store, session, kiosk: isKiosk() };
  view = viewOf(route, ctx);
  shell.select(route);
  replaceChildren(shell.main, view.el);
  document.title = `${view.title} · Deloton`;
}

function viewOf(route: Route, ctx: ViewContext): View {
  switch (route.kind) {
    case 'fleet':
      return fleetView(ctx, route.sort);
    case 'ride':
      return rideView(ctx, route.rideId);
    case 'recent':
      return recentView(ctx, route.range);
    case 'alerts':
      return alertsView(ctx);
    case 'reports':
      return reportsView(ctx, route.day);
    case 'sign-in':
    case 'not-found':
      return {
        el: h(
          'section',
          { class: 'page' },
          h('h1', null, 'Page not found'),
          h('p', null, 'There is no page here. ', h('a', { href: '/' }, 'See the fleet now'), '.'),
        ),
        title: 'Not found',
        destroy: () => undefined,
      };
  }
}

function mountShell(s: Session): Shell {
  const built = buildShell(store, s, isKiosk(), () => void signOut());
  replaceChildren(root, built.el);
  store.connect();
  return built;
}

function showSignIn(): void {
  view?.destroy();
  view = null;
  shell?.destroy();
  shell = null;
  store.disconnect();
  const here = location.pathname + location.search;
  if (!here.startsWith('/sign-in')) wanted = here;
  if (!location.pathname.startsWith('/sign-in'))
    history.replaceState(null, '', `/sign-in${location.hash}`);
  const page = signInView((s) => {
    session = s;
    navigate(wanted, true);
  });
  replaceChildren(root, h('main', { id: 'main', class: 'shell-bare' }, page.el));
  document.title = 'Sign in · Deloton';
}

async function signOut(): Promise<void> {
  await api('/api/session', { method: 'DELETE', quiet401: true }).catch(() => undefined);
  session = null;
  wanted = '/';
  showSignIn();
}

async function boot(): Promise<void> {
  useZoneColours();
  whenUnauthorized(() => {
    if (!session) return;
    session = null;
    showSignIn();
  });
  const first = routeOf(location);
  const hasLinkKey = /(?:^#|&)key=/.test(location.hash);
  if (!hasLinkKey)
    try {
      session = await whoAmI<Session>();
    } catch (e) {
      replaceChildren(
        root,
        h(
          'p',
          { class: 'page' },
          e instanceof Error ? e.message : 'The dashboard could not start.',
        ),
      );
      return;
    }
  root.removeAttribute('aria-busy');
  if (!session && first.kind !== 'sign-in') wanted = location.pathname + location.search;
  startRouter(mountView);
}

void boot();
