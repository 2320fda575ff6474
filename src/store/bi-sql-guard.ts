// The SQL guard of the embedded BI socket (pglite-wire-server.ts). PGlite is one session, and its
// user is a superuser: a statement could end our read-only transaction (COMMIT), leave the
// reader role (SET ROLE, set_config, functions that run SQL text) or keep session state. The
// role and the read-only transaction refuse writes by themselves; this guard closes the ways
// out of them. It reads the text with a small tokenizer (quotes, dollar quotes, comments), so a
// keyword inside a string or a comment is neither missed nor taken for SQL.

/** What the server does with one statement a client sent. */
export type GuardVerdict =
  | { readonly kind: 'run' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'transaction'; readonly command: 'BEGIN' | 'COMMIT' | 'ROLLBACK' }
  /** An allowed setting, replayed in each later statement of this client (`SET LOCAL`). */
  | { readonly kind: 'set'; readonly name: string; readonly value: string }
  /** SET TRANSACTION / SET SESSION CHARACTERISTICS: answered, nothing to do (all is read-only). */
  | { readonly kind: 'noop'; readonly tag: 'SET' }
  | { readonly kind: 'refuse'; readonly code: string; readonly reason: string };

interface Token {
  readonly kind: 'word' | 'qident' | 'string' | 'param' | 'num' | 'op' | 'semi';
  /** Lower-cased for words; the identifier for quoted identifiers; the source text otherwise. */
  readonly text: string;
  readonly src: string;
}

const READ_KEYWORDS = new Set(['select', 'with', 'show', 'explain', 'values', 'table']);
/** Settings a client may change for itself (each is SET LOCAL in its own transactions only). */
export const CLIENT_SETTINGS: ReadonlySet<string> = new Set([
  'application_name',
  'bytea_output',
  'client_encoding',
  'client_min_messages',
  'datestyle',
  'extra_float_digits',
  'intervalstyle',
  'lock_timeout',
  'statement_timeout',
  'timezone',
]);
// Names refused anywhere in a statement: they change settings (the role among them), run SQL
// given as text (which the guard cannot read), keep session-level locks, signal or sleep.
const FORBIDDEN_NAMES = new Set([
  'set_config',
  'insert',
  'update',
  'delete',
  'merge',
  'truncate',
  'into',
  'pg_notify',
  'ts_stat',
  'ts_rewrite',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
]);
const FORBIDDEN_PREFIXES = [
  'query_to_',
  'cursor_to_',
  'table_to_',
  'schema_to_',
  'database_to_',
  'pg_sleep',
  'pg_advisory',
  'pg_try_advisory',
  'lo_',
  'dblink',
  'pg_read_',
  'pg_ls_',
];

const refuse = (code: string, reason: string): GuardVerdict => ({ kind: 'refuse', code, reason });
const READ_ONLY = '25006';
const DENIED = '42501';
const UNSUPPORTED = '0A000';

const isIdentStart = (c: string): boolean => /[A-Za-z_\u0080-\uffff]/.test(c);
const isIdentChar = (c: string): boolean => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** Splits SQL into tokens, dropping comments; a string or comment left open is an error. */
export function tokenize(sql: string): Token[] | { error: string } {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n' && sql[i] !== '\r') i++;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const pair = sql.slice(i, i + 2);
        depth += pair === '/*' ? 1 : pair === '*/' ? -1 : 0;
        i += pair === '/*' || pair === '*/' ? 2 : 1;
      }
      if (depth > 0) return { error: 'a comment is not closed' };
    } else if ((c === 'U' || c === 'u') && next === '&' && /['"]/.test(sql[i + 2] ?? '')) {
      return { error: 'U& escapes are not accepted here' };
    } else if (c === "'" || (/[EeBbXxNn]/.test(c) && next === "'")) {
      const start = i;
      const backslash = c === 'E' || c === 'e';
      i = c === "'" ? i + 1 : i + 2;
      let closed = false;
      while (i < n) {
        if (backslash && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") {
          i++;
          closed = true;
          break;
        } else i++;
      }
      if (!closed) return { error: 'a string is not closed' };
      tokens.push({ kind: 'string', text: sql.slice(start, i), src: sql.slice(start, i) });
    } else if (c === '"') {
      const start = i++;
      let name = '';
      let closed = false;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') {
          name += '"';
          i += 2;
        } else if (sql[i] === '"') {
          i++;
          closed = true;
          break;
        } else name += sql[i++];
      }
      if (!closed) return { error: 'a quoted name is not closed' };
      tokens.push({ kind: 'qident', text: name.toLowerCase(), src: sql.slice(start, i) });
    } else if (c === '$' && /[0-9]/.test(next)) {
      const start = i++;
      while (i < n && /[0-9]/.test(sql[i]!)) i++;
      tokens.push({ kind: 'param', text: sql.slice(start, i), src: sql.slice(start, i) });
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i));
      if (!tag) {
        tokens.push({ kind: 'op', text: c, src: c });
        i++;
        continue;
      }
      const end = sql.indexOf(tag[0], i + tag[0].length);
      if (end < 0) return { error: 'a dollar-quoted string is not closed' };
      const src = sql.slice(i, end + tag[0].length);
      tokens.push({ kind: 'string', text: src, src });
      i = end + tag[0].length;
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentChar(sql[i]!)) i++;
      const word = sql.slice(start, i);
      tokens.push({ kind: 'word', text: word.toLowerCase(), src: word });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next))) {
      const m = /^[0-9._]*([eE][+-]?[0-9]+)?[A-Za-z0-9_]*/.exec(sql.slice(i))!;
      tokens.push({ kind: 'num', text: m[0], src: m[0] });
      i += m[0].length;
    } else if (c === ';') {
      tokens.push({ kind: 'semi', text: ';', src: ';' });
      i++;
    } else {
      tokens.push({ kind: 'op', text: c, src: c });
      i++;
    }
  }
  return tokens;
}

const isName = (t: Token | undefined): t is Token => t?.kind === 'word' || t?.kind === 'qident';
const word = (t: Token | undefined): string => (t?.kind === 'word' ? t.text : '');

function forbiddenName(tokens: readonly Token[]): string | null {
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (!isName(t)) continue;
    if (FORBIDDEN_NAMES.has(t.text) || FORBIDDEN_PREFIXES.some((p) => t.text.startsWith(p)))
      return t.text;
    if (t.text === 'session' && word(tokens[k + 1]) === 'authorization')
      return 'session authorization';
  }
  return null;
}

function transaction(first: string, rest: readonly Token[]): GuardVerdict {
  const second = word(rest[0]);
  if (first === 'start' && second !== 'transaction')
    return refuse(READ_ONLY, 'only reads are served here');
  if (second === 'prepared' || (first === 'rollback' && second === 'to'))
    return refuse(UNSUPPORTED, 'savepoints and prepared transactions are not supported here');
  if (first === 'begin' || first === 'start') return { kind: 'transaction', command: 'BEGIN' };
  if (first === 'commit' || first === 'end') return { kind: 'transaction', command: 'COMMIT' };
  return { kind: 'transaction', command: 'ROLLBACK' };
}

function setStatement(rest: readonly Token[]): GuardVerdict {
  let k = ['local', 'session'].includes(word(rest[0])) ? 1 : 0;
  const name = word(rest[k]);
  if (name === 'transaction' || (name === 'session' && word(rest[k + 1]) === 'characteristics'))
    return { kind: 'noop', tag: 'SET' };
  if (name === 'role' || name === 'session')
    return refuse(DENIED, 'the role of this connection cannot be changed');
  let setting = name;
  if (name === 'time' && word(rest[k + 1]) === 'zone') {
    setting = 'timezone';
    k += 2;
  } else {
    k += 1;
    if (word(rest[k]) === 'to' || rest[k]?.text === '=') k += 1;
    else return refuse(UNSUPPORTED, 'SET needs TO or = here');
  }
  if (!CLIENT_SETTINGS.has(setting))
    return refuse(DENIED, `only these settings can be changed: ${[...CLIENT_SETTINGS].join(', ')}`);
  const value = rest.slice(k);
  if (value.length === 0) return refuse('42601', 'SET needs a value');
  // Rebuilt from tokens, so that a trailing comment cannot swallow what follows when replayed.
  return { kind: 'set', name: setting, value: value.map((t) => t.src).join(' ') };
}

/** Decides whether one client statement is served, answered without running, or refused. */
export function guardSql(sql: string): GuardVerdict {
  const tokens = tokenize(sql);
  if ('error' in tokens) return refuse('42601', tokens.error);
  const semi = tokens.findIndex((t) => t.kind === 'semi');
  const statement = semi < 0 ? tokens : tokens.slice(0, semi);
  if (semi >= 0 && tokens.slice(semi).some((t) => t.kind !== 'semi'))
    return refuse(DENIED, 'one statement at a time here');
  if (statement.length === 0) return { kind: 'empty' };
  const first = statement[0]!;
  const head = word(first);
  const rest = statement.slice(1);
  const isTransaction = ['begin', 'start', 'commit', 'end', 'rollback', 'abort'].includes(head);
  if (!isTransaction && head !== 'set' && !READ_KEYWORDS.has(head) && first.text !== '(')
    return refuse(
      READ_ONLY,
      'read-only: only SELECT, WITH, SHOW, EXPLAIN, VALUES and TABLE are served here',
    );
  const forbidden = forbiddenName(statement);
  if (forbidden !== null) return refuse(DENIED, `${forbidden} is not allowed here`);
  if (isTransaction) return transaction(head, rest);
  if (head === 'set') return setStatement(rest);
  if (head === 'explain' && rest.some((t) => ['analyze', 'analyse'].includes(word(t))))
    return refuse(DENIED, 'EXPLAIN ANALYZE is not allowed here');
  return { kind: 'run' };
}
