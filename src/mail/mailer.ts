/** A file sent with a mail (the daily report's PDF). */
export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

/**
 * One mail to send. `messageId` is stable per alert (and per report and recipient), so a resend
 * can be spotted as the same mail.
 */
export interface MailMessage {
  readonly messageId: string;
  readonly to: string;
  readonly cc: string | null;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments?: readonly MailAttachment[];
}

/** What became of a mail. */
export type SendResult =
  | { readonly kind: 'sent'; readonly response: string }
  /** No mail server is configured: the mail stays in the outbox. */
  | { readonly kind: 'held' }
  /** Worth trying again later (server down, 4xx). */
  | { readonly kind: 'retry'; readonly error: string }
  /** Never worth trying again (5xx: recipient rejected, message refused). */
  | { readonly kind: 'rejected'; readonly error: string };

/** The mail port: SMTP, or an outbox that keeps mails for the dashboard and API. */
export interface Mailer {
  /** Whether send() can deliver at all; a worker without delivery has nothing to do. */
  readonly delivers: boolean;
  send: (m: MailMessage) => Promise<SendResult>;
  close: () => Promise<void>;
}

/** The outbox-only mailer of an installation without SMTP: every mail is held. */
export function createOutboxMailer(): Mailer {
  return {
    delivers: false,
    send: () => Promise.resolve({ kind: 'held' }),
    close: () => Promise.resolve(),
  };
}
