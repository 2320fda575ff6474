// The staff API as the dashboard calls it: same origin, with the session cookie.

/** An answer other than 2xx, with the API's error code and message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called on 401: the session ended (signed out elsewhere, expired, or the key was revoked). */
let onUnauthorized: () => void = () => undefined;

/** Sets what happens when the session ends. */
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

/** Calls the API and parses its JSON; throws ApiFailure with the API's own message. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; quiet401?: boolean } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        // Asks the server to accept a cookie-authenticated change (a form elsewhere cannot send it).
        'x-deloton-request': '1',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    throw new ApiFailure(0, 'network', 'The server cannot be reached. Check the connection.');
  }
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as
    (T & { error?: { code: string; message: string } }) | null;
  if (!res.ok) {
    if (res.status === 401 && !init.quiet401) onUnauthorized();
    throw new ApiFailure(
      res.status,
      body?.error?.code ?? 'http_error',
      body?.error?.message ?? `The server answered ${res.status}.`,
    );
  }
  return body as T;
}

/** Who is signed in: null for nobody (an ended session's cookie is cleared by the server). */
export async function whoAmI<S extends object>(): Promise<S | null> {
  const who = await api<({ signed_in: true } & S) | { signed_in: false }>('/api/session', {
    quiet401: true,
  }).catch((e: unknown) => {
    if (e instanceof ApiFailure && e.status === 401) return { signed_in: false as const };
    throw e;
  });
  return who.signed_in ? who : null;
}

/** Says that the session ended: the page goes to sign-in. */
export function sessionEnded(): void {
  onUnauthorized();
}
