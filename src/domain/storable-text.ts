// The one place that decides whether feed text can be stored as it is. PostgreSQL's text cannot
// hold NUL, and a lone UTF-16 surrogate (which JSON can smuggle in as "\ud800") reaches it as
// U+FFFD: two keys that differ in JavaScript would then be one key in the database, and what the
// code compared would not be what was stored. Such text is refused at the edge, never mended.

/** Why PostgreSQL could not store `s` exactly as it is, or null when it can. */
export function unstorable(s: string): string | null {
  if (s.includes('\0')) return 'a NUL byte';
  if (!s.isWellFormed()) return 'a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

/**
 * The same for every string in a parsed JSON value, object keys included; names where. Walked
 * with a stack of its own, not by recursion: a record nested ten thousand deep is still a record.
 */
export function unstorableInJson(value: unknown): string | null {
  const todo: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const { value: v, path } = next;
    if (typeof v === 'string') {
      const why = unstorable(v);
      if (why) return `${shorten(path) || 'value'} holds ${why}`;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) todo.push({ value: v[i], path: `${path}[${i}]` });
    } else if (typeof v === 'object' && v !== null) {
      const entries: [string, unknown][] = Object.entries(v as Record<string, unknown>);
      for (const [k] of entries) {
        const keyWhy = unstorable(k);
        if (keyWhy) return `a field name${path ? ` in ${shorten(path)}` : ''} holds ${keyWhy}`;
      }
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        todo.push({ value: child, path: `${path ? `${path}.` : ''}${nameOf(k)}` });
      }
    }
  }
  return null;
}

// A reason names a field only by a plain identifier: a field name is input too, and reasons
// must never carry what a record says.
const nameOf = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(k) ? k : 'a field');

/** A path short enough for a reason (a deep one is cut). */
const shorten = (path: string): string => (path.length > 60 ? `${path.slice(0, 57)}...` : path);
