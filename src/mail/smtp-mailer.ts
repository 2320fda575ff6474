import nodemailer from 'nodemailer';
import type { Mailer, MailMessage, SendResult } from './mailer.js';

/** SMTP errors carry the server's reply code; connection errors carry a Node error code. */
interface SmtpError {
  message?: string;
  responseCode?: number;
  response?: string;
  code?: string;
}

/** Classifies a failed send: 5xx replies are final, everything else (4xx, network) is retried. */
export function classifySmtpError(e: unknown): SendResult {
  const err = (e ?? {}) as SmtpError;
  const reason = err.response ?? err.message ?? String(e);
  if (typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600)
    return { kind: 'rejected', error: reason };
  return { kind: 'retry', error: reason };
}

/** SMTP through nodemailer (also Amazon SES's SMTP interface): `smtps://user:pass@host:465`. */
export function createSmtpMailer(opts: { url: string; from: string }): Mailer {
  // Pooled: a new connection per mail costs the server's greeting delay every time.
  const url = new URL(opts.url);
  url.searchParams.set('pool', 'true');
  url.searchParams.set('maxConnections', '2');
  const transport = nodemailer.createTransport(url.toString());
  return {
    delivers: true,
    async send(m: MailMessage): Promise<SendResult> {
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: m.to,
          ...(m.cc ? { cc: m.cc } : {}),
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId: m.messageId,
        });
        const response: unknown = (info as { response?: unknown }).response;
        return { kind: 'sent', response: typeof response === 'string' ? response : 'accepted' };
      } catch (e) {
        return classifySmtpError(e);
      }
    },
    close: () => Promise.resolve(transport.close()),
  };
}
