// One stored report in the Reports page's list: the day (a link to its PDF), when it was made,
// what became of its mail (in words, with an icon, never colour alone), to whom, and its size.

import { h } from '../dom.js';
import { dayInWords, fileSize, fullTime, shortTime, timeElement } from '../format.js';
import type { Session } from './view.js';

type Role = Session['role'];

/** A stored report as GET /api/reports lists it. */
export interface ReportItem {
  date: string;
  time_zone: string;
  state: 'pending' | 'sent' | 'failed' | 'stored';
  generated_at: string | null;
  sent_at: string | null;
  attempts: number;
  pdf_bytes: number | null;
  pdf_url: string;
  /** Admins only. */
  recipients?: string[];
  /** Admins only. */
  last_error?: string | null;
}

/** A link that opens a PDF in a new tab, saying so to screen readers. */
export function pdfLink(href: string, cls: string, ...label: (Node | string)[]): HTMLAnchorElement {
  return h(
    'a',
    { class: cls, href, target: '_blank', rel: 'noopener' },
    ...label,
    h('span', { class: 'visually-hidden' }, ' (PDF, opens in a new tab)'),
  );
}

function fact(name: string, label: string, ...value: (Node | string | null)[]): HTMLElement {
  return h('div', { class: `fact-${name}` }, h('dt', null, label), h('dd', null, ...value));
}

/** Who it went to, one address a line (addresses are long; a phone breaks them badly). */
function recipients(r: ReportItem): (Node | string)[] {
  const to = r.recipients ?? [];
  if (to.length > 0) return to.map((a) => h('span', { class: 'report-to' }, a));
  // Recipients are recorded when the mail goes out (or is given up on).
  return [r.state === 'pending' ? 'Not sent yet' : 'Nobody'];
}

/** What became of the report's mail, in words. */
function delivery(r: ReportItem): HTMLElement {
  switch (r.state) {
    case 'sent':
      return h(
        'span',
        {
          class: 'state state-sent',
          title: r.sent_at ? `Sent ${fullTime(Date.parse(r.sent_at))}` : null,
        },
        `✓ Mailed${r.sent_at ? ` at ${shortTime(Date.parse(r.sent_at))}` : ''}${r.attempts > 1 ? `, attempt ${r.attempts}` : ''}`,
      );
    case 'stored':
      return h('span', { class: 'state state-stored' }, '▣ Kept, not mailed');
    case 'pending':
      return h(
        'span',
        { class: 'state state-queued' },
        r.attempts > 1 ? `◔ Being retried (attempt ${r.attempts})` : '◔ Being made and sent',
      );
    case 'failed':
      return h(
        'span',
        { class: 'state state-failed' },
        `✕ Not mailed: gave up after ${r.attempts} ${r.attempts === 1 ? 'attempt' : 'attempts'}`,
      );
  }
}

/** One stored day of the list. */
export function reportItem(r: ReportItem, role: Role, nowMs: number): HTMLLIElement {
  const words = dayInWords(r.date);
  const why =
    role === 'admin' && r.last_error && r.state !== 'sent'
      ? h('span', { class: 'report-why' }, r.last_error)
      : null;
  return h(
    'li',
    { class: 'report-item' },
    pdfLink(
      r.pdf_url,
      'report-day',
      h('span', { class: 'report-mark', 'aria-hidden': 'true' }, 'PDF'),
      h('span', null, words),
    ),
    h(
      'dl',
      { class: 'report-facts' },
      fact(
        'made',
        'Made',
        r.generated_at ? timeElement(Date.parse(r.generated_at), nowMs) : 'Not made yet',
      ),
      fact('mail', 'Mail', delivery(r), why),
      role === 'admin' && r.recipients ? fact('to', 'To', ...recipients(r)) : null,
      fact('size', 'Size', fileSize(r.pdf_bytes)),
    ),
  );
}
