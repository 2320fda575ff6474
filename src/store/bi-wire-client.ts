import { guardSql, type GuardVerdict } from './bi-sql-guard.js';
import {
  commandComplete,
  cstr,
  emptyQueryResponse,
  encode,
  errorResponse,
  readCstr,
  readyForQuery,
  type WireMessage,
} from './pg-wire.js';

/** Runs a unit of client messages read-only as the reader, in one exclusive turn of PGlite. */
export interface UnitRunner {
  /** `settings`: the client's own SET LOCAL statements. Resolves to a setup error, if any. */
  run(settings: string, messages: Buffer, onMessage: (m: Buffer) => void): Promise<Buffer | null>;
}

/** What an Execute (or a simple query) does to the client's own view of its session. */
interface Effect {
  /** Command tag to show instead of the stand-in statement's. */
  readonly tag: string | null;
  readonly txn: 'BEGIN' | 'COMMIT' | 'ROLLBACK' | null;
  readonly set: { readonly name: string; readonly value: string } | null;
}
const PLAIN: Effect = { tag: null, txn: null, set: null };
/** Stands in for statements answered without running (BEGIN, COMMIT, SET TRANSACTION). */
const NO_OP_SQL = "SET LOCAL deloton_bi.noop TO ''";

type Txn = 'I' | 'T' | 'E';
/** Thrown inside a unit to answer it with one error. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function effectOf(v: GuardVerdict, status: Txn): { sql: string | null; effect: Effect } {
  switch (v.kind) {
    case 'refuse':
      throw new Refusal(v.code, v.reason);
    case 'transaction': {
      const tag = v.command === 'COMMIT' && status === 'E' ? 'ROLLBACK' : v.command;
      return { sql: NO_OP_SQL, effect: { tag, txn: v.command, set: null } };
    }
    case 'noop':
      return { sql: NO_OP_SQL, effect: { tag: v.tag, txn: null, set: null } };
    case 'set':
      return {
        sql: `SET LOCAL ${v.name} TO ${v.value}`,
        effect: { tag: null, txn: null, set: { name: v.name, value: v.value } },
      };
    default:
      return { sql: null, effect: PLAIN };
  }
}

/**
 * One client's view of the shared PGlite session: its own statement names (mapped to names no
 * other client can reach), its settings, and the transaction state it believes it is in (each
 * unit really runs in a read-only transaction that is rolled back).
 */
export class BiWireClient {
  private status: Txn = 'I';
  private readonly settings = new Map<string, string>();
  /** Client statement name → its internal name and what executing it does. */
  private readonly statements = new Map<string, { internal: string; effect: Effect }>();
  private counter = 0;

  constructor(
    private readonly id: number,
    private readonly runner: UnitRunner,
    private readonly onRefused: (code: string, reason: string, sql: string) => void,
  ) {}

  /** Takes a client setting given at startup (already checked by the caller). */
  preset(name: string, value: string): void {
    this.settings.set(name, value);
  }

  /** The internal names of the statements this client prepared, to deallocate when it leaves. */
  preparedNames(): string[] {
    return [...this.statements.values()].map((s) => s.internal);
  }

  /** Answers a simple Query message. */
  async query(body: Buffer, write: (b: Buffer) => void): Promise<void> {
    const [sql] = readCstr(body, 0);
    const v = guardSql(sql);
    if (v.kind === 'refuse') return this.refuse(v.code, v.reason, sql, write);
    if (this.status === 'E' && !(v.kind === 'transaction' && v.command !== 'BEGIN'))
      return this.refuse('25P02', ABORTED, sql, write);
    if (v.kind === 'empty') return write(Buffer.concat([emptyQueryResponse(), this.ready()]));
    if (v.kind === 'transaction' || v.kind === 'noop') {
      const { effect } = effectOf(v, this.status);
      this.apply(effect);
      return write(Buffer.concat([commandComplete(effect.tag ?? 'SET'), this.ready()]));
    }
    const { sql: replaced, effect } = effectOf(v, this.status);
    const message = replaced === null ? encode('Q', body) : encode('Q', cstr(replaced));
    await this.runUnit(message, [effect], write);
  }

  /** Answers a unit of extended-protocol messages, the last of them a Sync. */
  async extended(messages: readonly WireMessage[], write: (b: Buffer) => void): Promise<void> {
    const out: Buffer[] = [];
    const executes: Effect[] = [];
    const portals = new Map<string, Effect>();
    let unnamed: Effect | null = null;
    const before = new Map(this.statements);
    try {
      for (const m of messages) {
        if (m.type === 'P') {
          const [name, a] = readCstr(m.body, 0);
          const [sql, b] = readCstr(m.body, a);
          const v = guardSql(sql);
          if (v.kind === 'refuse') throw new Refusal(v.code, `${v.reason}: ${sql}`);
          if (this.status === 'E' && !(v.kind === 'transaction' && v.command !== 'BEGIN'))
            throw new Refusal('25P02', ABORTED);
          const { sql: replaced, effect } = effectOf(v, this.status);
          let target = '';
          if (name === '') unnamed = effect;
          else {
            const known = this.statements.get(name);
            target = known?.internal ?? `deloton_bi_${this.id}_${++this.counter}`;
            // A name in use fails in PostgreSQL as it should; a new one is noted for later.
            if (!known) this.statements.set(name, { internal: target, effect });
          }
          out.push(encode('P', cstr(target), cstr(replaced ?? sql), m.body.subarray(b)));
        } else if (m.type === 'B') {
          const [portal, a] = readCstr(m.body, 0);
          const [name, b] = readCstr(m.body, a);
          const { internal, effect } = this.statement(name, unnamed);
          portals.set(portal, effect);
          out.push(encode('B', cstr(portal), cstr(internal), m.body.subarray(b)));
        } else if ((m.type === 'D' || m.type === 'C') && m.body[0] === 0x53 /* S */) {
          const [name] = readCstr(m.body, 1);
          let internal: string;
          if (m.type === 'D') internal = this.statement(name, unnamed).internal;
          else {
            // Closing a statement that does not exist is no error in PostgreSQL either.
            internal =
              name === '' ? '' : (this.statements.get(name)?.internal ?? 'deloton_bi_none');
            this.statements.delete(name);
          }
          out.push(encode(m.type, 'S', cstr(internal)));
        } else if (m.type === 'E') {
          const [portal] = readCstr(m.body, 0);
          executes.push(portals.get(portal) ?? PLAIN);
          out.push(encode('E', m.body));
        } else if (m.type !== 'H') {
          // D and C of portals, and the Sync: portals live only inside the unit.
          out.push(encode(m.type, m.body));
        }
      }
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      // Nothing of a refused unit runs, so none of its names were made or closed.
      this.statements.clear();
      for (const [k, v] of before) this.statements.set(k, v);
      return this.refuse(e.code, e.message, '', write);
    }
    await this.runUnit(Buffer.concat(out), executes, write);
  }

  private statement(name: string, unnamed: Effect | null): { internal: string; effect: Effect } {
    if (name === '') {
      // The unnamed statement is shared with the app's own queries: only one parsed in this
      // unit is the client's.
      if (unnamed === null) throw new Refusal('26000', 'unnamed prepared statement does not exist');
      return { internal: '', effect: unnamed };
    }
    const known = this.statements.get(name);
    if (!known) throw new Refusal('26000', `prepared statement "${name}" does not exist`);
    return known;
  }

  private async runUnit(
    messages: Buffer,
    executes: readonly Effect[],
    write: (b: Buffer) => void,
  ): Promise<void> {
    let results = 0;
    let failed = false;
    const settings = [...this.settings]
      .map(([name, value]) => `SET LOCAL ${name} TO ${value}; `)
      .join('');
    const setupError = await this.runner.run(settings, messages, (m) => {
      const type = String.fromCharCode(m[0]!);
      if (type === 'Z' || type === 'A') return; // the real status is ours; NOTIFY is the app's
      if (type === 'E') failed = true;
      if (type === 'C' || type === 'I' || type === 's') {
        const effect = executes[results++] ?? PLAIN;
        if (effect.tag !== null && type === 'C') return write(commandComplete(effect.tag));
      }
      write(m);
    });
    if (setupError) {
      failed = true;
      write(setupError);
    }
    // Executes that completed (each ends in one C, I or s) took effect, in order.
    for (const effect of executes.slice(0, results)) this.apply(effect);
    if (failed && this.status === 'T') this.status = 'E';
    write(this.ready());
  }

  private apply(effect: Effect): void {
    if (effect.txn === 'BEGIN' && this.status === 'I') this.status = 'T';
    else if (effect.txn === 'COMMIT' || effect.txn === 'ROLLBACK') this.status = 'I';
    if (effect.set && /^default$/i.test(effect.set.value)) this.settings.delete(effect.set.name);
    else if (effect.set) this.settings.set(effect.set.name, effect.set.value);
  }

  private refuse(code: string, reason: string, sql: string, write: (b: Buffer) => void): void {
    this.onRefused(code, reason, sql);
    if (this.status === 'T') this.status = 'E';
    write(Buffer.concat([errorResponse(code, reason), this.ready()]));
  }

  private ready(): Buffer {
    return readyForQuery(this.status);
  }
}

const ABORTED = 'current transaction is aborted, commands ignored until end of transaction block';
