import type { Queryable, SqlParam } from './db.js';

/**
 * A piece of SQL with its values kept beside the text, in the style of Kysely's `sql` tag:
 * fragments compose into one statement and are numbered ($1, $2, ...) only then, so no code
 * counts placeholders by hand.
 */
export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly (SqlParam | Sql)[],
  ) {}
}

/** A SQL fragment: `${value}` binds a parameter, `${fragment}` splices another fragment. */
export function sql(strings: TemplateStringsArray, ...values: (SqlParam | Sql)[]): Sql {
  return new Sql(strings, values);
}

/** Trusted text spliced as it is (a constant identifier or channel name, never input). */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

/** The statement text with numbered placeholders, and its values in that order. */
export function compile(statement: Sql): { text: string; params: SqlParam[] } {
  const params: SqlParam[] = [];
  const walk = (s: Sql): string => {
    let text = s.strings[0] ?? '';
    s.values.forEach((v, i) => {
      if (v instanceof Sql) text += walk(v);
      else {
        params.push(v);
        text += `$${params.length}`;
      }
      text += s.strings[i + 1] ?? '';
    });
    return text;
  };
  return { text: walk(statement), params };
}

/** Runs a composed statement. */
export function run<R extends object = Record<string, unknown>>(
  q: Queryable,
  statement: Sql,
): Promise<R[]> {
  const { text, params } = compile(statement);
  return q.query<R>(text, params);
}
