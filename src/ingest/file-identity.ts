import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { StoredPosition } from './source.js';

/**
 * How much of a file's start identifies it. A feed line carries a timestamp, so its first KiB
 * tells one file from another the way log shippers' fingerprints do.
 */
export const FINGERPRINT_BYTES = 1024;

/**
 * What a feed file's positions are positions in. A file at a path may be replaced or truncated
 * between runs: positions then go on from `base` (the last position stored for the file before),
 * so that they never move back, and the file is known by the hash of its first bytes.
 */
export interface FileIdentity {
  /** The stored position where this file's byte 0 sits. */
  readonly base: number;
  /** How many of its first bytes the fingerprint covers. */
  readonly headBytes: number;
  readonly fingerprint: string;
  /** The inode it was read from, for the logs. */
  readonly inode: number;
}

/** The text stored with a file's position. */
export function formatIdentity(id: FileIdentity): string {
  return `file-v1 base=${id.base} head=${id.headBytes}:${id.fingerprint} inode=${id.inode}`;
}

/** Reads a stored identity back; null for one this version does not know (or none). */
function parseIdentity(text: string | null): FileIdentity | null {
  const m = /^file-v1 base=(\d+) head=(\d+):([0-9a-f]+) inode=(\d+)$/.exec(text ?? '');
  if (!m) return null;
  return { base: Number(m[1]), headBytes: Number(m[2]), fingerprint: m[3]!, inode: Number(m[4]) };
}

/** The fingerprint of a file's first bytes. */
export function fingerprintOf(head: Buffer): string {
  return createHash('sha256').update(head).digest('hex').slice(0, 32);
}

/** Where to start reading a feed file, and why (for a log line when it is not a plain resume). */
export type FileStart =
  | { readonly kind: 'fresh'; readonly base: number }
  | { readonly kind: 'resume'; readonly base: number; readonly offset: number }
  | { readonly kind: 'replaced' | 'truncated'; readonly base: number; readonly was: string };

/**
 * Decides where reading starts: from the stored position when the file is the one it was taken
 * in (same first bytes, long enough), else from the file's first byte, with positions going on
 * after the stored one.
 */
export async function startOf(
  stored: StoredPosition | null,
  fh: FileHandle,
  size: number,
): Promise<FileStart> {
  if (!stored) return { kind: 'fresh', base: 0 };
  const id = parseIdentity(stored.identity);
  if (!id) {
    // Stored before files were fingerprinted: only its length and a line start can be checked.
    if (size >= stored.position && (await atLineStart(fh, stored.position)))
      return { kind: 'resume', base: 0, offset: stored.position };
    if (size >= stored.position)
      return {
        kind: 'replaced',
        base: stored.position,
        was: 'the stored position is not at a line start',
      };
    return {
      kind: 'truncated',
      base: stored.position,
      was: `${size} bytes, below the stored ${stored.position}`,
    };
  }
  const offset = stored.position - id.base;
  if (size < offset)
    return {
      kind: 'truncated',
      base: stored.position,
      was: `${size} bytes, below the ${offset} already read`,
    };
  const head = Buffer.alloc(id.headBytes);
  const { bytesRead } = await fh.read(head, 0, id.headBytes, 0);
  if (bytesRead < id.headBytes || fingerprintOf(head) !== id.fingerprint)
    return {
      kind: 'replaced',
      base: stored.position,
      was: 'its first bytes differ from the file read before',
    };
  // A stored position is always a line start: anywhere else, the file changed after its head.
  if (!(await atLineStart(fh, offset)))
    return {
      kind: 'replaced',
      base: stored.position,
      was: 'the stored position is not at a line start',
    };
  return { kind: 'resume', base: id.base, offset };
}

/** Whether `offset` starts a line: the file's start, or just after a newline. */
async function atLineStart(fh: FileHandle, offset: number): Promise<boolean> {
  if (offset === 0) return true;
  const b = Buffer.alloc(1);
  const { bytesRead } = await fh.read(b, 0, 1, offset - 1);
  return bytesRead === 1 && b[0] === 0x0a;
}
