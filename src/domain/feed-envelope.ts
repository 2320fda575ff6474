// The envelope is parsed for every message, so the common shapes skip JSON.parse: a `log`
// string without escapes other than its final "\n", and optionally a plain `key`.

const PREFIXES = ['{"log": "', '{"log":"'];
const KEY_PREFIX = ',"key":"';
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NEEDS_JSON = /[\u0000-\u001f\\]/;

/** The line and key of a simple envelope, or null when the general JSON parser must decide. */
export function fastUnwrap(
  value: string,
): { readonly kind: 'ok'; readonly line: string; readonly key: string | null } | null {
  let start = -1;
  for (const p of PREFIXES) {
    if (value.startsWith(p)) {
      start = p.length;
      break;
    }
  }
  if (start < 0) return null;
  const end = value.indexOf('"', start);
  if (end < 0) return null;
  // A backslash anywhere but in the trailing "\n" (or a control character) needs real JSON rules.
  let lineEnd = end;
  if (value.charCodeAt(end - 2) === 92 /* \ */ && value.charCodeAt(end - 1) === 110 /* n */)
    lineEnd = end - 2;
  const line = value.slice(start, lineEnd);
  if (NEEDS_JSON.test(line)) return null;
  const rest = value.length - end - 1;
  if (rest === 1 && value.charCodeAt(end + 1) === 125 /* } */)
    return { kind: 'ok', line, key: null };
  if (!value.startsWith(KEY_PREFIX, end + 1) || !value.endsWith('"}')) return null;
  const keyStart = end + 1 + KEY_PREFIX.length;
  const keyEnd = value.length - 2;
  if (keyEnd <= keyStart) return null;
  for (let i = keyStart; i < keyEnd; i++) {
    const c = value.charCodeAt(i);
    if (c === 92 || c === 34 || c < 32) return null;
  }
  return { kind: 'ok', line, key: value.slice(keyStart, keyEnd) };
}
