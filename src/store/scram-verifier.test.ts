// The verifier checked against a real SCRAM client, node-postgres's own (the one that logs the
// analyst in), playing the server's side of RFC 5802 with the stored keys.
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { scramSha256Verifier } from './scram-verifier.js';

interface Session {
  clientNonce: string;
  response: string;
}
const sasl = createRequire(import.meta.url)('pg/lib/crypto/sasl.js') as {
  startSession: (mechanisms: string[]) => Session;
  continueSession: (s: Session, password: string, serverData: string) => Promise<void>;
  finalizeSession: (s: Session, serverData: string) => void;
};

/** Logs `password` in against `verifier` as PostgreSQL would; true when the server accepts it. */
async function logIn(verifier: string, password: string): Promise<boolean> {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) throw new Error(`not a verifier: ${verifier}`);
  const [, iterations, salt, storedKey, serverKey] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const session = sasl.startSession(['SCRAM-SHA-256']);
  const nonce = `${session.clientNonce}server`;
  const serverFirst = `r=${nonce},s=${salt},i=${iterations}`;
  await sasl.continueSession(session, password, serverFirst);
  const proof = Buffer.from(/,p=(.+)$/.exec(session.response)![1]!, 'base64');
  const authMessage = `n=*,r=${session.clientNonce},${serverFirst},${session.response.replace(/,p=.+$/, '')}`;
  const signature = createHmac('sha256', Buffer.from(storedKey, 'base64'))
    .update(authMessage)
    .digest();
  const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
  if (createHash('sha256').update(clientKey).digest('base64') !== storedKey) return false;
  const serverSignature = createHmac('sha256', Buffer.from(serverKey, 'base64'))
    .update(authMessage)
    .digest('base64');
  sasl.finalizeSession(session, `v=${serverSignature}`); // the client checks the server too
  return true;
}

describe('scramSha256Verifier', () => {
  it('lets the right password in, and only it', async () => {
    const verifier = scramSha256Verifier('correct-horse-battery');
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[\w+/]{22}==\$[\w+/]{43}=:[\w+/]{43}=$/);
    expect(await logIn(verifier, 'correct-horse-battery')).toBe(true);
    expect(await logIn(verifier, 'correct-horse-batterY')).toBe(false);
  });

  it('salts each verifier afresh', () => {
    expect(scramSha256Verifier('same-password!')).not.toBe(scramSha256Verifier('same-password!'));
  });
});
