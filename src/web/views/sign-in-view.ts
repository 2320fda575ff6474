// Sign-in: an API key for a session cookie. A sign-in link carries the key in its fragment
// (#key=...), which browsers never send to the server, so no log ever holds it.

import { api, ApiFailure } from '../api.js';
import { h, setText } from '../dom.js';
import type { Session } from './view.js';

/** The sign-in page; `done` runs once a session exists. */
export function signInView(done: (s: Session) => void): {
  el: HTMLElement;
  title: string;
  destroy(): void;
} {
  const input = h('input', {
    id: 'key',
    name: 'key',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    spellcheck: 'false',
    'aria-describedby': 'key-help',
    placeholder: 'dlt_…',
  });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'button' }, 'Sign in');
  const submit = async (key: string): Promise<void> => {
    button.disabled = true;
    setText(error, '');
    try {
      done(
        await api<Session>('/api/session', {
          method: 'POST',
          body: { key: key.trim() },
          quiet401: true,
        }),
      );
    } catch (e) {
      setText(
        error,
        e instanceof ApiFailure && e.status === 401
          ? 'That key is not valid, or it was revoked. Check it, or ask an admin for a new one.'
          : e instanceof Error
            ? e.message
            : 'Sign-in failed.',
      );
      input.focus();
    } finally {
      button.disabled = false;
    }
  };
  const form = h(
    'form',
    {
      class: 'sign-in',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void submit(input.value);
      },
    },
    h('h1', null, 'Sign in to Deloton'),
    h('p', { class: 'lede' }, 'The live fleet, recent rides and heart-rate alerts.'),
    h('label', { for: 'key' }, 'API key'),
    input,
    h(
      'p',
      { id: 'key-help', class: 'help' },
      'An admin makes keys with ',
      h('code', null, 'deloton keys create'),
      '. Viewer keys see riders by number; admin keys see names.',
    ),
    error,
    button,
  );
  const el = h('section', { class: 'page sign-in-page' }, form);
  // A sign-in link: take the key from the fragment and drop it from the address bar and history.
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (m) {
    history.replaceState(null, '', location.pathname + location.search);
    void submit(decodeURIComponent(m[1]!));
  } else queueMicrotask(() => input.focus());
  return { el, title: 'Sign in', destroy: () => undefined };
}
