import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

// PostgreSQL stores a SCRAM-SHA-256 verifier, never the password. Computing it here, as psql's
// \password does, keeps the password out of the statement, hence out of a server log that
// records DDL (log_statement = 'ddl' is common on managed servers).
const ITERATIONS = 4_096; // PostgreSQL's default scram_iterations

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/** The `SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey` verifier of an ASCII password. */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): string {
  // SASLprep leaves printable ASCII unchanged; callers accept nothing else.
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  const b64 = (b: Buffer): string => b.toString('base64');
  return `SCRAM-SHA-256$${ITERATIONS}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}
