// The page, range, ride and report day live in the URL, so that a view can be shared or bookmarked.

/** The ranges of Recent rides. */
export const RANGES = ['1h', '6h', '12h', '24h', '7d'] as const;
export type Range = (typeof RANGES)[number];

/** How the fleet's tiles are ordered. */
export const SORTS = ['bike', 'power', 'heart-rate'] as const;
export type Sort = (typeof SORTS)[number];

/** A page of the dashboard. */
export type Route =
  | { readonly kind: 'fleet'; readonly sort: Sort }
  | { readonly kind: 'ride'; readonly rideId: number }
  | { readonly kind: 'recent'; readonly range: Range }
  | { readonly kind: 'alerts' }
  /** `day`: the day chosen under "Any day" (`YYYY-MM-DD`); null for the latest complete one. */
  | { readonly kind: 'reports'; readonly day: string | null }
  | { readonly kind: 'sign-in' }
  | { readonly kind: 'not-found'; readonly path: string };

const oneOf = <T extends string>(list: readonly T[], v: string | null, dflt: T): T =>
  list.includes(v as T) ? (v as T) : dflt;

/** The route of a location. */
export function routeOf(loc: { pathname: string; search: string }): Route {
  const q = new URLSearchParams(loc.search);
  const path = loc.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { kind: 'fleet', sort: oneOf(SORTS, q.get('sort'), 'bike') };
  if (path === '/recent') return { kind: 'recent', range: oneOf(RANGES, q.get('range'), '12h') };
  if (path === '/alerts') return { kind: 'alerts' };
  if (path === '/reports') {
    const day = q.get('day');
    return { kind: 'reports', day: day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null };
  }
  if (path === '/sign-in') return { kind: 'sign-in' };
  const ride = /^\/rides\/(\d{1,15})$/.exec(path);
  if (ride) return { kind: 'ride', rideId: Number(ride[1]) };
  return { kind: 'not-found', path };
}

/** Whether the page fills a wall screen with no controls. */
export function isKiosk(): boolean {
  return new URLSearchParams(location.search).get('kiosk') === '1';
}

/** The URL of a route, keeping kiosk mode. */
export function hrefOf(route: Route): string {
  const q = new URLSearchParams();
  let path: string;
  switch (route.kind) {
    case 'fleet':
      path = '/';
      if (route.sort !== 'bike') q.set('sort', route.sort);
      break;
    case 'ride':
      path = `/rides/${route.rideId}`;
      break;
    case 'recent':
      path = '/recent';
      if (route.range !== '12h') q.set('range', route.range);
      break;
    case 'alerts':
      path = '/alerts';
      break;
    case 'reports':
      path = '/reports';
      if (route.day) q.set('day', route.day);
      break;
    case 'sign-in':
      path = '/sign-in';
      break;
    case 'not-found':
      path = route.path;
      break;
  }
  if (isKiosk()) q.set('kiosk', '1');
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

type Listener = (route: Route) => void;
let listener: Listener = () => undefined;

/** Goes to a route without reloading; `replace` keeps the history entry. */
export function navigate(route: Route | string, replace = false): void {
  const href = typeof route === 'string' ? route : hrefOf(route);
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  listener(routeOf(location));
}

/** Starts routing: calls `fn` now and on every navigation; same-origin links navigate in place. */
export function startRouter(fn: Listener): void {
  listener = fn;
  addEventListener('popstate', () => listener(routeOf(location)));
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    const a = (e.target as Element | null)?.closest('a');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (a.pathname.startsWith('/api/')) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
  });
  listener(routeOf(location));
}
