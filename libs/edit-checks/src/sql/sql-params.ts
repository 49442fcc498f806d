/** Bound parameters of one statement: each value gets its `$n`, so nothing a user sends is spliced into SQL. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** The placeholder of a value, with a cast so PostgreSQL never has to guess its type. */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}
