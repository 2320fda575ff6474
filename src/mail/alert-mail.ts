import type { AlertMailRow } from '../store/alerts.repository.js';
import { escapeHtml } from './html.js';
import type { MailMessage } from './mailer.js';

/** What an alert mail says: the alert as stored, and who it is for. */
export interface AlertMailInput {
  readonly alertId: number;
  readonly kind: 'high' | 'low';
  readonly limitBpm: number;
  readonly readings: readonly { readonly at: string; readonly bpm: number }[];
  readonly rideStartedAt: Date;
  readonly bikeSerial: string;
  readonly rider: {
    readonly email: string;
    readonly title: string | null;
    readonly firstName: string;
    readonly lastName: string;
  };
  readonly cc: string | null;
  /** Zone the rider's times are shown in. */
  readonly timeZone: string;
  /** Domain of the Message-ID, e.g. the sender's. */
  readonly domain: string;
}

const ACTIONS: Record<'high' | 'low', readonly string[]> = {
  high: [
    'Ease off now: lower the resistance and slow your pedalling.',
    'Stop riding if you feel dizzy, have chest pain or are short of breath.',
    'If these symptoms persist, call the emergency services (999 or 112).',
  ],
  low: [
    'Stop and rest.',
    'Check the sensor contact: both hands flat on the grips, skin dry.',
    'If it happens again, or you feel faint or unwell, seek advice from a doctor.',
  ],
};

/** The mail for one alert: a subject that says what happened, and the same body as text and HTML. */
export function alertMail(a: AlertMailInput): MailMessage {
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: a.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: a.timeZone,
    dateStyle: 'long',
    timeStyle: 'short',
  });
  const peak =
    a.kind === 'high'
      ? Math.max(...a.readings.map((r) => r.bpm))
      : Math.min(...a.readings.map((r) => r.bpm));
  const subject =
    a.kind === 'high'
      ? `Heart-rate alert: ${peak} bpm, above your limit of ${a.limitBpm} bpm`
      : `Heart-rate alert: ${peak} bpm, below ${a.limitBpm} bpm while riding`;
  // "Mr Smith" has no first name after its title: the one name there is goes with the title.
  const { title, firstName, lastName } = a.rider;
  const name = title ? `${title} ${lastName || firstName}` : firstName;
  const what =
    a.kind === 'high'
      ? `your heart rate was above your personal limit of ${a.limitBpm} bpm`
      : `your heart rate was below ${a.limitBpm} bpm while you were pedalling`;
  const intro = `During your ride on bike ${a.bikeSerial}, which began ${day.format(a.rideStartedAt)}, ${what} for ${a.readings.length} readings in a row:`;
  const lines = a.readings.map((r) => ({ at: time.format(new Date(r.at)), bpm: r.bpm }));
  const actions = ACTIONS[a.kind];
  const footer =
    'This message was sent automatically from the readings of your bike. It is not a diagnosis.';
  const text = [
    `Dear ${name},`,
    '',
    intro,
    ...lines.map((l) => `  ${l.at}  ${l.bpm} bpm`),
    '',
    'What to do:',
    ...actions.map((x) => `- ${x}`),
    '',
    footer,
    '',
    'Deloton',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;color:#222">
<p>Dear ${escapeHtml(name)},</p>
<p>${escapeHtml(intro)}</p>
<table style="border-collapse:collapse">${lines
    .map(
      (l) => `<tr><td style="padding:2px 12px 2px 0">${l.at}</td><td><b>${l.bpm} bpm</b></td></tr>`,
    )
    .join('')}</table>
<p><b>What to do:</b></p>
<ul>${actions.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>
<p style="color:#666;font-size:smaller">${escapeHtml(footer)}</p>
<p>Deloton</p>
</body></html>`;
  return {
    messageId: `<alert-${a.alertId}@${a.domain}>`,
    to: a.rider.email,
    cc: a.cc,
    subject,
    text,
    html,
  };
}

/** How an installation sends its alert mails, from its configuration. */
export interface AlertMailSettings {
  /** smtp: SMTP_URL is set and mail workers send; outbox: mails wait in the alerts table. */
  readonly delivery: 'smtp' | 'outbox';
  /** Staff copy of every alert mail (ALERT_CC). */
  readonly cc: string | null;
  /** Domain of the mails' Message-IDs. */
  readonly domain: string;
}

/** The settings of an installation without a mail server and with no staff copy. */
export const OUTBOX_ONLY: AlertMailSettings = {
  delivery: 'outbox',
  cc: null,
  domain: 'deloton.invalid',
};

/** What an alert mail takes from the installation rather than the alert. */
export type AlertMailContext = Pick<AlertMailInput, 'cc' | 'timeZone' | 'domain'>;

/**
 * The mail of a stored alert, as the mail worker sends it and the API shows it; null when the
 * rider has no email address (such an alert is never mailed).
 */
export function mailOfAlert(a: AlertMailRow, ctx: AlertMailContext): MailMessage | null {
  if (!a.email) return null;
  return alertMail({
    alertId: a.alert_id,
    kind: a.kind,
    limitBpm: a.limit_bpm,
    readings: a.readings,
    rideStartedAt: a.started_at,
    bikeSerial: a.bike_serial,
    rider: {
      email: a.email,
      title: a.title,
      firstName: a.first_name ?? '',
      lastName: a.last_name ?? '',
    },
    cc: ctx.cc,
    timeZone: ctx.timeZone,
    domain: ctx.domain,
  });
}

/** The domain of a sender address (`Name <user@domain>`), for Message-IDs. */
export function senderDomain(from: string): string {
  return /@([^>\s]+)/.exec(from)?.[1] ?? OUTBOX_ONLY.domain;
}
