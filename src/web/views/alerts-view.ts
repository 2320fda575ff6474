// Alerts: the latest heart-rate alerts with their delivery state. Without a mail server the
// mails wait in the outbox, and an admin can read them here.

import { api, ApiFailure } from '../api.js';
import { h, replaceChildren, setText } from '../dom.js';
import { bpm, shortTime, stopwatch, timeElement } from '../format.js';
import type { View, ViewContext } from './view.js';

/** An alert as GET /api/alerts returns it. */
interface AlertBody {
  alert_id: number;
  ride_id: number;
  rider_id: number;
  kind: 'high' | 'low';
  limit_bpm: number;
  detected_at: string;
  elapsed_s: number;
  readings: { elapsed_s: number; at: string; bpm: number }[];
  delivery: {
    state: 'queued' | 'sent' | 'failed';
    attempts: number;
    last_error: string | null;
    next_attempt_at: string | null;
    sent_at: string | null;
  };
}

interface MailBody {
  to: string;
  subject: string;
  text: string;
}

const REFRESH_MS = 15_000;

/** The alerts page. */
export function alertsView(ctx: ViewContext): View {
  const notice = h('div', { class: 'notice', hidden: true });
  const body = h('tbody');
  const status = h('p', { class: 'lede', 'aria-live': 'polite' }, 'Loading alerts…');
  const table = h(
    'div',
    { class: 'table-wrap panel' },
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, 'Heart-rate alerts, newest first'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'When'),
          h('th', null, 'Rider and ride'),
          h('th', null, 'What was seen'),
          h('th', null, 'Mail'),
        ),
      ),
      body,
    ),
  );
  const el = h(
    'section',
    { class: 'page alerts', 'aria-labelledby': 'alerts-title' },
    h(
      'div',
      { class: 'page-head' },
      h('div', null, h('h1', { id: 'alerts-title' }, 'Heart-rate alerts'), status),
    ),
    notice,
    table,
  );

  let outbox = false;
  const load = async (): Promise<void> => {
    try {
      const [page, health] = await Promise.all([
        api<{ data: AlertBody[] }>('/api/alerts?limit=50'),
        api<{ mailDelivery?: 'smtp' | 'outbox' }>('/health').catch(() => null),
      ]);
      outbox = health?.mailDelivery === 'outbox';
      notice.hidden = !outbox;
      if (outbox)
        replaceChildren(
          notice,
          h('strong', null, 'No mail server is configured. '),
          'Alert mails wait in the outbox and are not delivered; ',
          ctx.session.role === 'admin'
            ? 'open one below to read it.'
            : 'an admin can read them here.',
        );
      const now = ctx.store.serverNow();
      setText(
        status,
        page.data.length === 0
          ? 'No heart-rate alert has been raised yet.'
          : `The latest ${page.data.length} alerts, newest first`,
      );
      replaceChildren(body, ...page.data.map((a) => row(a, now, ctx, outbox)));
      table.hidden = page.data.length === 0;
    } catch (e) {
      setText(
        status,
        e instanceof ApiFailure
          ? `Alerts could not be loaded: ${e.message}`
          : 'Alerts could not be loaded.',
      );
    }
  };
  void load();

  // A ride that raised an alert reloads the list at once; delivery states are polled.
  const known = new Map<number, number>(
    [...ctx.store.rides.values()].map((r) => [r.rideId, r.alerts]),
  );
  let pending: ReturnType<typeof setTimeout> | null = null;
  const off = ctx.store.onChange((c) => {
    let more = false;
    for (const r of c.upserted) {
      if (r.alerts > (known.get(r.rideId) ?? 0)) more = true;
      known.set(r.rideId, r.alerts);
    }
    if (more && !pending)
      pending = setTimeout(() => {
        pending = null;
        void load();
      }, 300);
  });
  const timer = setInterval(() => void load(), REFRESH_MS);
  return {
    el,
    title: 'Alerts',
    destroy: () => {
      off();
      clearInterval(timer);
      if (pending) clearTimeout(pending);
    },
  };
}

function row(a: AlertBody, now: number, ctx: ViewContext, outbox: boolean): HTMLTableRowElement {
  const peak = a.readings.reduce(
    (m, r) => (a.kind === 'high' ? Math.max(m, r.bpm) : Math.min(m, r.bpm)),
    a.kind === 'high' ? 0 : Infinity,
  );
  const what = h(
    'td',
    null,
    h(
      'span',
      { class: `kind-${a.kind}` },
      a.kind === 'high' ? '▲ High heart rate' : '▼ Low heart rate',
    ),
    h('br'),
    `${a.kind === 'high' ? 'peak' : 'lowest'} ${bpm(peak)}, ${a.kind === 'high' ? 'over the limit of' : 'under the floor of'} ${bpm(a.limit_bpm)}`,
  );
  return h(
    'tr',
    null,
    h('td', null, timeElement(Date.parse(a.detected_at), now)),
    h(
      'td',
      null,
      `Rider ${a.rider_id}`,
      h('br'),
      h('a', { href: `/rides/${a.ride_id}` }, `Ride ${a.ride_id}`),
      `, ${stopwatch(a.elapsed_s)} in`,
    ),
    what,
    h('td', null, delivery(a, outbox), mailPreview(a, ctx)),
  );
}

function delivery(a: AlertBody, outbox: boolean): HTMLElement {
  const d = a.delivery;
  switch (d.state) {
    case 'sent':
      return h(
        'span',
        { class: 'state state-sent' },
        `✓ Sent${d.sent_at ? ` at ${shortTime(Date.parse(d.sent_at))}` : ''}`,
      );
    case 'queued':
      return h(
        'span',
        { class: 'state state-queued' },
        outbox
          ? '✉ In the outbox'
          : `◔ Queued${d.attempts > 0 ? `, attempt ${d.attempts + 1}${d.next_attempt_at ? ` at ${shortTime(Date.parse(d.next_attempt_at))}` : ''}` : ''}`,
      );
    case 'failed':
      return h(
        'span',
        { class: 'state state-failed', title: d.last_error ?? '' },
        `✕ Failed after ${d.attempts} attempts${d.last_error ? `: ${d.last_error}` : ''}`,
      );
  }
}

function mailPreview(a: AlertBody, ctx: ViewContext): HTMLElement | null {
  if (ctx.session.role !== 'admin') return null;
  const content = h('div', null, 'Loading the mail…');
  const details = h('details', { class: 'mail' }, h('summary', null, 'Read the mail'), content);
  let loaded = false;
  details.addEventListener('toggle', () => {
    if (!details.open || loaded) return;
    loaded = true;
    api<MailBody>(`/api/alerts/${a.alert_id}/mail`)
      .then((m) =>
        replaceChildren(
          content,
          h(
            'p',
            null,
            h('strong', null, 'To: '),
            m.to,
            h('br'),
            h('strong', null, 'Subject: '),
            m.subject,
          ),
          h('div', { class: 'mail-body' }, m.text),
        ),
      )
      .catch((e: unknown) => {
        loaded = false;
        replaceChildren(content, e instanceof Error ? e.message : 'The mail could not be shown.');
      });
  });
  return details;
}
