/** Builds a WHERE clause from optional conditions; every value travels as a bound parameter. */
export class Filters {
  readonly params: (string | number)[] = [];
  private readonly conditions: string[] = [];

  /** Binds a value and returns its placeholder (`$n`). */
  bind(value: string | number): string {
    return `$${this.params.push(value)}`;
  }

  /** Adds the condition `sql(placeholder)` when `value` is given. */
  when(value: string | number | undefined, sql: (p: string) => string): this {
    if (value !== undefined) this.conditions.push(sql(this.bind(value)));
    return this;
  }

  /** Adds a condition on an instant (epoch ms), bound as an ISO timestamp. */
  whenInstant(ms: number | undefined, sql: (p: string) => string): this {
    return this.when(ms === undefined ? undefined : new Date(ms).toISOString(), sql);
  }

  /** `WHERE a AND b`, or nothing. */
  where(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}
