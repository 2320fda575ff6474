// Reports: the daily executive reports the schedule stored, each opening its PDF, and any other
// day's report built on request.

import { api, ApiFailure } from '../api.js';
import { h, replaceChildren, setAttr, setText } from '../dom.js';
import { dayInWords } from '../format.js';
import { hrefOf } from '../router.js';
import { pdfLink, reportItem, type ReportItem } from './report-item.js';
import type { View, ViewContext } from './view.js';

/** GET /api/reports. */
interface ReportList {
  time_zone: string;
  today: string;
  latest_complete_day: string;
  builds_on_demand: boolean;
  data: ReportItem[];
}

// A day's report arrives once a morning; a minute late is soon enough.
const REFRESH_MS = 60_000;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The reports page; `day` is the day chosen under "Any day" (from the URL). */
export function reportsView(ctx: ViewContext, day: string | null): View {
  const role = ctx.session.role;
  const status = h('p', { class: 'lede', 'aria-live': 'polite' }, 'Loading reports…');
  const notice = h('div', { class: 'notice', hidden: true });
  const list = h('ul', { class: 'report-list', 'aria-labelledby': 'stored-title' });
  const empty = h(
    'div',
    { class: 'empty', hidden: true },
    h('p', { class: 'empty-title' }, 'No reports stored yet'),
    h(
      'p',
      null,
      'Each morning the schedule makes the report of the day before, mails it and keeps it here. ',
      'Until the first one is made, open any day above.',
    ),
  );

  const picker = anyDay(ctx, day);
  const el = h(
    'section',
    { class: 'page reports', 'aria-labelledby': 'reports-title' },
    h(
      'div',
      { class: 'page-head' },
      h('div', null, h('h1', { id: 'reports-title' }, 'Daily reports'), status),
    ),
    notice,
    ctx.kiosk ? null : picker.el,
    h(
      'div',
      { class: 'panel reports-stored' },
      h('h2', { id: 'stored-title' }, 'Stored reports'),
      h(
        'p',
        { class: 'help' },
        role === 'admin'
          ? 'As they were mailed, newest first.'
          : 'Newest first. Yours are made when you open them, without riders’ names.',
      ),
      list,
      empty,
    ),
  );

  const load = async (): Promise<void> => {
    try {
      const body = await api<ReportList>('/api/reports');
      picker.limit(body.today, body.latest_complete_day);
      notice.hidden = body.builds_on_demand;
      if (!body.builds_on_demand)
        replaceChildren(
          notice,
          h('strong', null, 'This server does not make reports on request. '),
          role === 'admin'
            ? 'Only the stored days below open.'
            : 'Ask an admin for a report: stored reports name riders and are for admins.',
        );
      setText(
        status,
        body.data.length === 0
          ? `Days are counted in ${body.time_zone}.`
          : `${body.data.length} stored ${body.data.length === 1 ? 'day' : 'days'}; days are counted in ${body.time_zone}.`,
      );
      const now = ctx.store.serverNow();
      replaceChildren(list, ...body.data.map((r) => reportItem(r, role, now)));
      list.hidden = body.data.length === 0;
      empty.hidden = body.data.length > 0;
    } catch (e) {
      setText(
        status,
        e instanceof ApiFailure
          ? `Reports could not be loaded: ${e.message}`
          : 'Reports could not be loaded.',
      );
    }
  };
  void load();
  const timer = setInterval(() => void load(), REFRESH_MS);
  return { el, title: 'Reports', destroy: () => clearInterval(timer) };
}

/** The "Any day" panel: a date and a link to its PDF, the day kept in the URL. */
function anyDay(ctx: ViewContext, initial: string | null) {
  const input = h('input', {
    id: 'report-day',
    type: 'date',
    required: true,
    'aria-describedby': 'report-day-help',
  });
  const open = pdfLink('', 'button', 'Open PDF');
  // Without an href an anchor is no longer a link to assistive technology: say it is a disabled one.
  open.setAttribute('role', 'link');
  const help = h('p', { id: 'report-day-help', class: 'help', 'aria-live': 'polite' }, 'Loading…');
  let today: string | null = null;

  const update = (): void => {
    const v = input.value;
    const ok = today !== null && ISO_DAY.test(v) && v <= today;
    setAttr(open, 'href', ok ? `/api/reports/${v}.pdf` : null);
    setAttr(open, 'aria-disabled', ok ? null : 'true');
    if (!today) return;
    if (!ISO_DAY.test(v)) setText(help, 'Choose a day.');
    else if (v > today) setText(help, `${dayInWords(v)} has not begun: choose today or before.`);
    else if (v === today) setText(help, `${dayInWords(v)}, so far: the day is not over.`);
    else setText(help, dayInWords(v));
  };
  input.addEventListener('input', () => {
    update();
    if (ISO_DAY.test(input.value))
      history.replaceState(null, '', hrefOf({ kind: 'reports', day: input.value }));
  });

  const el = h(
    'form',
    {
      class: 'panel any-day',
      'aria-labelledby': 'any-day-title',
      // Enter in the date field opens the PDF, as the button would.
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (open.hasAttribute('href')) open.click();
      },
    },
    h('h2', { id: 'any-day-title' }, 'Any day'),
    h(
      'p',
      { class: 'help' },
      ctx.session.role === 'admin'
        ? 'A stored day opens as it was mailed; any other day is made now.'
        : 'The report of any day up to today, made now.',
    ),
    h('div', { class: 'any-day-row' }, h('label', { for: 'report-day' }, 'Day'), input, open),
    help,
  );
  update();
  return {
    el,
    /** Sets the latest day that may be chosen, and the day offered when none was chosen. */
    limit: (todayIs: string, offered: string): void => {
      const first = today === null;
      today = todayIs;
      input.max = todayIs;
      if (first && !input.value) input.value = initial ?? offered;
      update();
    },
  };
}
