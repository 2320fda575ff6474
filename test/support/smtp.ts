// A real SMTP server on loopback (smtp-server), its mails parsed back with mailparser.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  readonly port: number;
  readonly url: string;
  readonly mails: ParsedMail[];
  stop(): Promise<void>;
}

/** Starts a server; recipients matching `reject` are refused with 550 and the given text. */
export async function startSmtp(
  opts: { port?: number; reject?: RegExp; defer?: RegExp } = {},
): Promise<TestSmtp> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (opts.reject?.test(address.address)) {
        const err = new Error(
          `5.1.1 <${address.address}>: Recipient address rejected: no such user`,
        );
        (err as Error & { responseCode: number }).responseCode = 550;
        return cb(err);
      }
      if (opts.defer?.test(address.address)) {
        const err = new Error(`4.2.0 <${address.address}>: greylisted, try again later`);
        (err as Error & { responseCode: number }).responseCode = 450;
        return cb(err);
      }
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          mails.push(m);
          cb();
        })
        .catch((e: Error) => cb(e));
    },
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
