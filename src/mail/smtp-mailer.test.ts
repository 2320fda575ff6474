import { describe, expect, it } from 'vitest';
import { classifySmtpError } from './smtp-mailer.js';

describe('classifySmtpError', () => {
  it('is final only for permanent replies about this mail', () => {
    expect(
      classifySmtpError({ responseCode: 550, command: 'RCPT TO', response: '550 no such user' }),
    ).toEqual({
      kind: 'rejected',
      error: '550 no such user',
    });
    expect(
      classifySmtpError({ responseCode: 552, command: 'DATA', response: '552 too big' }).kind,
    ).toBe('rejected');
  });
  it('retries setup problems and temporary replies, so they cannot fail every alert', () => {
    expect(
      classifySmtpError({ responseCode: 535, command: 'AUTH PLAIN', code: 'EAUTH' }).kind,
    ).toBe('retry');
    expect(classifySmtpError({ responseCode: 554, command: 'MAIL FROM' }).kind).toBe('retry');
    expect(classifySmtpError({ responseCode: 451, command: 'RCPT TO' }).kind).toBe('retry');
    expect(classifySmtpError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }).kind).toBe(
      'retry',
    );
  });
});
