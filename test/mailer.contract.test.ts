// The Mailer port's contract, against both adapters: SMTP (to a real server) and outbox-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxMailer, type Mailer, type MailMessage } from '../src/mail/mailer.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp({ reject: /@nowhere\.test$/, defer: /@later\.test$/ });
});
afterAll(async () => {
  await smtp?.stop();
});

const message = (to: string, id: number): MailMessage => ({
  messageId: `<alert-${id}@deloton.test>`,
  to,
  cc: null,
  subject: `Heart-rate alert ${id} – 187 bpm`,
  text: `Dear rider,\n187 bpm\n`,
  html: '<p>Dear rider,</p><p>187 bpm</p>',
});

const adapters: { name: string; make: () => Mailer }[] = [
  {
    name: 'smtp',
    make: () => createSmtpMailer({ url: smtp.url, from: 'Deloton <alerts@deloton.test>' }),
  },
  { name: 'outbox', make: () => createOutboxMailer() },
];

describe.each(adapters)('Mailer contract [$name]', ({ make }) => {
  it('answers every send with a result, never a throw, matching what it can deliver', async () => {
    const mailer = make();
    try {
      const ok = await mailer.send(message('ann@example.test', 1));
      const bad = await mailer.send(message('bob@nowhere.test', 2));
      if (mailer.delivers) {
        expect(ok.kind).toBe('sent');
        expect(bad.kind).toBe('rejected');
        expect(bad.kind === 'rejected' && bad.error).toMatch(/no such user/);
      } else {
        expect(ok).toEqual({ kind: 'held' });
        expect(bad).toEqual({ kind: 'held' });
      }
    } finally {
      await mailer.close();
    }
  });
});

describe('SMTP mailer', () => {
  it('delivers subject, both parts, UTF-8 and the Message-ID as given', async () => {
    const mailer = createSmtpMailer({ url: smtp.url, from: 'Deloton <alerts@deloton.test>' });
    try {
      await mailer.send({ ...message('cy@example.test', 3), cc: 'staff@example.test' });
    } finally {
      await mailer.close();
    }
    const got = smtp.mails.find((m) => m.messageId === '<alert-3@deloton.test>');
    expect(got?.subject).toBe('Heart-rate alert 3 – 187 bpm');
    expect(got?.text).toContain('187 bpm');
    expect(got?.html).toContain('<p>187 bpm</p>');
    expect(JSON.stringify(got?.cc)).toContain('staff@example.test');
  });

  it('attaches files byte for byte', async () => {
    const mailer = createSmtpMailer({ url: smtp.url, from: 'Deloton <reports@deloton.test>' });
    const content = new Uint8Array(Array.from({ length: 3_000 }, (_, i) => (i * 7) % 256));
    try {
      const res = await mailer.send({
        ...message('ceo@example.test', 4),
        attachments: [{ filename: 'day.pdf', contentType: 'application/pdf', content }],
      });
      expect(res.kind).toBe('sent');
    } finally {
      await mailer.close();
    }
    const got = smtp.mails.find((m) => m.messageId === '<alert-4@deloton.test>');
    expect(got?.attachments).toHaveLength(1);
    expect(got?.attachments[0]?.filename).toBe('day.pdf');
    expect(got?.attachments[0]?.contentType).toBe('application/pdf');
    expect(Buffer.compare(got!.attachments[0]!.content, Buffer.from(content))).toBe(0);
  });

  it('reports a refused rider even when the staff copy was accepted', async () => {
    const mailer = createSmtpMailer({ url: smtp.url, from: 'alerts@deloton.test' });
    try {
      const withCc = (to: string, id: number): MailMessage => ({
        ...message(to, id),
        cc: 'staff@example.test',
      });
      expect((await mailer.send(withCc('bob@nowhere.test', 5))).kind).toBe('rejected');
      expect((await mailer.send(withCc('dee@later.test', 6))).kind).toBe('retry');
    } finally {
      await mailer.close();
    }
  });

  it('refuses anything but a single address as the recipient', async () => {
    const mailer = createSmtpMailer({ url: smtp.url, from: 'alerts@deloton.test' });
    try {
      const res = await mailer.send(message('a@example.test, b@else.test', 7));
      expect(res.kind).toBe('rejected');
      expect(smtp.mails.some((m) => m.messageId === '<alert-7@deloton.test>')).toBe(false);
    } finally {
      await mailer.close();
    }
  });

  it('asks for a retry when the server cannot be reached', async () => {
    const down = await startSmtp();
    await down.stop();
    const mailer = createSmtpMailer({ url: down.url, from: 'alerts@deloton.test' });
    try {
      expect(await mailer.send(message('ann@example.test', 4))).toMatchObject({ kind: 'retry' });
    } finally {
      await mailer.close();
    }
  });
});
