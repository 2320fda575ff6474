import nodemailer from 'nodemailer';
import type { Mailer, MailMessage, SendResult } from './mailer.js';

/** SMTP errors carry the server's reply code and the command it answered. */
interface SmtpError {
  message?: string;
  responseCode?: number;
  response?: string;
  code?: string;
  command?: string;
}

// Replies about this one mail (its recipient, its content) are final when permanent; a 5xx to
// anything else (AUTH, MAIL FROM, the greeting) is a setup problem that must not fail every alert.
const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);

/** Classifies a failed send: 5xx to RCPT TO or DATA is final, everything else is retried. */
export function classifySmtpError(e: unknown): SendResult {
  const err = (e ?? {}) as SmtpError;
  const reason = err.response ?? err.message ?? String(e);
  const permanent =
    typeof err.responseCode === 'number' &&
    err.responseCode >= 500 &&
    err.responseCode < 600 &&
    (err.command === undefined || MESSAGE_COMMANDS.has(err.command.toUpperCase()));
  return permanent ? { kind: 'rejected', error: reason } : { kind: 'retry', error: reason };
}

/** A single plain address: anything else (lists, display names, junk) is not mailed to. */
const SINGLE_ADDRESS = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

/** SMTP through nodemailer (also Amazon SES's SMTP interface): `smtps://user:pass@host:465`. */
export function createSmtpMailer(opts: { url: string; from: string }): Mailer {
  // Pooled: a new connection per mail costs the server's greeting delay every time. Timeouts
  // stay well inside the mail worker's lease, so a hung server cannot outlast a claim.
  const url = new URL(opts.url);
  url.searchParams.set('pool', 'true');
  url.searchParams.set('maxConnections', '2');
  url.searchParams.set('connectionTimeout', '10000');
  url.searchParams.set('greetingTimeout', '10000');
  url.searchParams.set('socketTimeout', '30000');
  const transport = nodemailer.createTransport(url.toString());
  return {
    delivers: true,
    async send(m: MailMessage): Promise<SendResult> {
      if (!SINGLE_ADDRESS.test(m.to))
        return { kind: 'rejected', error: `"${m.to}" is not a single email address` };
      try {
        const info = (await transport.sendMail({
          from: opts.from,
          to: { name: '', address: m.to },
          ...(m.cc ? { cc: m.cc } : {}),
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId: m.messageId,
          attachments: (m.attachments ?? []).map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
          })),
        })) as { response?: unknown; rejected?: unknown[]; rejectedErrors?: unknown[] };
        // With a copy accepted, a refused rider shows only here: the mail did not reach them.
        const refused = (info.rejected ?? []).some((r) => String(r) === m.to);
        if (refused)
          return classifySmtpError(info.rejectedErrors?.[0] ?? { message: 'recipient refused' });
        const response = info.response;
        return { kind: 'sent', response: typeof response === 'string' ? response : 'accepted' };
      } catch (e) {
        return classifySmtpError(e);
      }
    },
    close: () => Promise.resolve(transport.close()),
  };
}
