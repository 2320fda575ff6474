import { open, type FileHandle } from 'node:fs/promises';
import { DelotonError } from '../domain/errors.js';
import { FINGERPRINT_BYTES, fingerprintOf, formatIdentity } from './file-identity.js';
import { LineSplitter } from './line-splitter.js';
import type { SourceMessage } from './source.js';

const CHUNK_BYTES = 1 << 20;
const CHUNK_MESSAGES = 2_000;

/**
 * One open feed file and how far it has been read: its handle, its identity (the fingerprint of
 * its first KiB, taken as it is read) and where its bytes sit among the source's positions.
 */
export class OpenFeed {
  private head = Buffer.alloc(0);
  private identity = '';
  private readonly buf = Buffer.alloc(CHUNK_BYTES);
  private lines: LineSplitter<SourceMessage>;

  private constructor(
    private readonly fh: FileHandle,
    readonly inode: number,
    /** The position of the file's byte 0. */
    readonly base: number,
    /** The next byte to read. */
    private offset: number,
  ) {
    this.lines = new LineSplitter(offset, (at, next, text, cut) =>
      this.message(at, next, text, cut),
    );
  }

  /** Opens the file at `path` to read it from its start, its byte 0 at position `base`. */
  static async open(path: string, base: number): Promise<OpenFeed> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw new DelotonError(
        'source_unavailable',
        `cannot read feed file ${path}: ${(e as Error).message}`,
      );
    }
    return new OpenFeed(fh, (await fh.stat()).ino, base, 0);
  }

  /**
   * The same open file (the same handle, so the same file whatever the path names meanwhile),
   * to be read from `offset`, its byte 0 at position `base`.
   */
  async startingAt(base: number, offset: number): Promise<OpenFeed> {
    const feed = new OpenFeed(this.fh, this.inode, base, offset);
    // A file resumed part-way is fingerprinted from its start, as a fresh read would be.
    if (offset > 0) feed.saw(await feed.readHead(FINGERPRINT_BYTES), 0);
    return feed;
  }

  /** The handle, for deciding where to start (see file-identity). */
  get handle(): FileHandle {
    return this.fh;
  }

  /** Bytes read so far (the file's length as last seen). */
  get readTo(): number {
    return this.offset;
  }

  /** Bytes of a last line whose newline has not arrived. */
  get pendingBytes(): number {
    return this.lines.pendingBytes;
  }

  /** The position where reading would resume: the start of the unfinished line, if any. */
  get resumePosition(): number {
    return this.base + this.lines.resumeAt;
  }

  /**
   * Reads what the file holds now, to its end; yields its complete lines in chunks. Stops early
   * when the file's first bytes change under it (rewritten in place): what lies at the old
   * offset is then the new content's middle, not the old content's rest.
   */
  async *readToEnd(signal: AbortSignal): AsyncGenerator<SourceMessage[]> {
    for (;;) {
      if (signal.aborted) return;
      const { bytesRead } = await this.fh.read(this.buf, 0, CHUNK_BYTES, this.offset);
      if (bytesRead === 0) return;
      // Checked after the read: a rewrite before or during it throws the chunk away unread.
      if (await this.headChanged()) return;
      const chunk = this.buf.subarray(0, bytesRead);
      this.saw(chunk, this.offset);
      this.offset += bytesRead;
      const messages = this.lines.push(chunk);
      for (let i = 0; i < messages.length; i += CHUNK_MESSAGES)
        yield messages.slice(i, i + CHUNK_MESSAGES);
    }
  }

  /** The unfinished last line of a file that will get no more, marked so, or null. */
  abandonedTail(): SourceMessage | null {
    const tail = this.lines.flushPartial();
    return tail && { ...tail, unterminated: true };
  }

  /** Whether the file's first bytes are no longer those read: rewritten in place. */
  async headChanged(): Promise<boolean> {
    if (this.head.length === 0) return false;
    const now = await this.readHead(this.head.length);
    return !now.equals(this.head);
  }

  /** Closes the handle; never throws. */
  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }

  private async readHead(bytes: number): Promise<Buffer> {
    const head = Buffer.alloc(bytes);
    const { bytesRead } = await this.fh.read(head, 0, bytes, 0);
    return head.subarray(0, bytesRead);
  }

  /** Notes bytes read at `offset`, to fingerprint the file by its first KiB as it is read. */
  private saw(bytes: Buffer, offset: number): void {
    if (offset > this.head.length || this.head.length >= FINGERPRINT_BYTES) return;
    const more = bytes.subarray(this.head.length - offset, FINGERPRINT_BYTES - offset);
    if (more.length === 0) return;
    this.head = Buffer.concat([this.head, more]);
    this.identity = formatIdentity({
      base: this.base,
      headBytes: this.head.length,
      fingerprint: fingerprintOf(this.head),
      inode: this.inode,
    });
  }

  private message(at: number, next: number, value: string, cutFromBytes?: number): SourceMessage {
    const m = {
      partition: 0,
      offset: this.base + at,
      next: this.base + next,
      key: null,
      value,
      identity: this.identity,
    };
    return cutFromBytes === undefined ? m : { ...m, cutFromBytes };
  }
}
