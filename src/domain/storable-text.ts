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

/** The same for every string in a parsed JSON value, object keys included; names where. */
export function unstorableInJson(value: unknown, path = ''): string | null {
  if (typeof value === 'string') {
    const why = unstorable(value);
    return why && `${path || 'value'} holds ${why}`;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const why = unstorableInJson(value[i], `${path}[${i}]`);
      if (why) return why;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const keyWhy = unstorable(k);
    if (keyWhy) return `a field name${path ? ` in ${path}` : ''} holds ${keyWhy}`;
    const why = unstorableInJson(v, `${path ? `${path}.` : ''}${nameOf(k)}`);
    if (why) return why;
  }
  return null;
}

// A reason names a field only by a plain identifier: a field name is input too, and reasons
// must never carry what a record says.
const nameOf = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(k) ? k : 'a field');
