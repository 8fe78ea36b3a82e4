/**
 * Named parameters for the ledger's SQL, checked by the compiler.
 *
 * A statement names its parameters in the SQL itself, `$service`, and is declared `as const` so
 * its text is a literal type; {@link Params} reads the names out of that type, so a call site must
 * pass an object with exactly those keys: a value cannot land in another column's place, and a
 * parameter cannot be left out. A name may appear more than once (`$now` twice binds one value).
 *
 * The drivers want other forms (node:sqlite `?1`, PostgreSQL `$1`): {@link compile} rewrites a
 * statement once into the driver's numbered markers and the order to bind its values in, and
 * {@link bind} puts an object's values into that order. Statements built at run time (a filter's
 * WHERE clause) carry their parameters beside them as a {@link SqlQuery}.
 */

export type SqlParam = string | number | null;

type Letter =
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'f'
  | 'g'
  | 'h'
  | 'i'
  | 'j'
  | 'k'
  | 'l'
  | 'm'
  | 'n'
  | 'o'
  | 'p'
  | 'q'
  | 'r'
  | 's'
  | 't'
  | 'u'
  | 'v'
  | 'w'
  | 'x'
  | 'y'
  | 'z'
  | '_';
type NameChar = Letter | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';

/** The name at the start of `S` and what follows it. */
type TakeName<S extends string, Name extends string = ''> = S extends `${infer C}${infer Rest}`
  ? C extends NameChar
    ? TakeName<Rest, `${Name}${C}`>
    : [Name, S]
  : [Name, ''];

/** The parameter names in statement text `S`: every `$name`. */
export type ParamNames<S extends string, Found extends string = never> = S extends `${string}$${infer Rest}`
  ? TakeName<Rest> extends [infer Name extends string, infer After extends string]
    ? ParamNames<After, Found | Name>
    : Found
  : Found;

/**
 * The parameter object statement `S` takes: one key per name. Text the compiler cannot read (a
 * `string` built at run time) takes any names, and compile() and bind() check them instead.
 */
export type Params<S extends string> = string extends S
  ? Readonly<Record<string, SqlParam>>
  : { readonly [K in ParamNames<S>]: SqlParam };

/** A statement built at run time with the values of its parameters. */
export interface SqlQuery {
  sql: string;
  params: Record<string, SqlParam>;
}

/** A statement in the driver's form: numbered markers, and the parameter each number binds. */
export interface CompiledStatement {
  text: string;
  names: readonly string[];
}

/** `$name`: a letter or _ first, so PostgreSQL's own `$1` is never taken for a name. */
const NAMED = /\$([a-z_][a-z0-9_]*)/g;

/**
 * Rewrites each `$name` as the driver's numbered marker (`marker(1)`, `marker(2)`, ...), one
 * number per distinct name. The ledger's statements hold no `$` or `?` inside string literals or
 * comments, so a plain scan is enough; a `?` is refused, as the old positional form.
 */
export function compile(sql: string, marker: (index: number) => string): CompiledStatement {
  if (sql.includes('?')) {
    throw new Error(`a ledger statement names its parameters ($name), it has a positional ?: ${sql}`);
  }
  const names: string[] = [];
  const text = sql.replace(NAMED, (_, name: string) => {
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return marker(index + 1);
  });
  return { text, names };
}

/** The values of `params` in the order `statement` binds them; every name must be given, and no other. */
export function bind(statement: CompiledStatement, params: Readonly<Record<string, SqlParam>>): SqlParam[] {
  const given = Object.keys(params);
  const extra = given.filter((key) => !statement.names.includes(key));
  if (extra.length > 0 || given.length !== statement.names.length) {
    const missing = statement.names.filter((name) => !Object.hasOwn(params, name));
    throw new Error(
      `statement parameters do not match: ${[...missing.map((m) => `missing $${m}`), ...extra.map((e) => `unknown $${e}`)].join(', ')}: ${statement.text}`,
    );
  }
  return statement.names.map((name) => params[name] ?? null);
}

/** A cache of compiled statements for one driver's marker form. */
export function compiler(marker: (index: number) => string): (sql: string) => CompiledStatement {
  const cache = new Map<string, CompiledStatement>();
  return (sql) => {
    let compiled = cache.get(sql);
    if (compiled === undefined) {
      compiled = compile(sql, marker);
      cache.set(sql, compiled);
    }
    return compiled;
  };
}

/** The parameter argument of a statement: none when it names none. */
export type ParamArgs<S extends string> = string extends S
  ? [params?: Params<S>]
  : [ParamNames<S>] extends [never]
    ? []
    : [params: Params<S>];

/**
 * A WHERE clause built from a filter, each value a named parameter beside it: the one way the
 * ledger's statements built at run time (runs-sql.ts, releases-sql.ts, fleet-sql.ts) are made.
 */
export class Conditions {
  readonly params: Record<string, SqlParam> = {};
  private readonly conditions: string[] = [];

  /** A condition without parameters. */
  add(condition: string): void {
    this.conditions.push(condition);
  }

  /** `column = $column`, when a value is given. */
  equal(column: string, value: SqlParam | undefined): void {
    this.compare(`${column} =`, column, value);
  }

  /** `<left> $name`, e.g. `started_at >= $since`, when a value is given. */
  compare(left: string, name: string, value: SqlParam | undefined): void {
    if (value === undefined) return;
    this.params[name] = value;
    this.conditions.push(`${left} $${name}`);
  }

  /** `column IN ($column_0, ...)`, when values are given; none match nothing. */
  oneOf(column: string, values: readonly string[] | undefined): void {
    if (values === undefined) return;
    if (values.length === 0) {
      this.conditions.push('1 = 0');
      return;
    }
    const names = values.map((value, i) => {
      this.params[`${column}_${i}`] = value;
      return `$${column}_${i}`;
    });
    this.conditions.push(`${column} IN (${names.join(', ')})`);
  }

  clause(): string {
    return this.conditions.length > 0 ? ` WHERE ${this.conditions.join(' AND ')}` : '';
  }

  /** ` LIMIT n`, when a limit is given (see limited). */
  limit(limit: number | undefined, what: string): string {
    return limit === undefined ? '' : ` LIMIT ${checkedLimit(limit, what)}`;
  }
}

/**
 * `sql` with ` LIMIT n`, the number written into the statement rather than bound: SQLite prepares
 * a statement whose LIMIT is a parameter anew every time it runs (the planner reads the limit's
 * value), which costs more than the query itself. The few limits in use each keep one prepared
 * statement.
 */
export function limited<S extends string>(sql: S, limit: number, what: string): `${S} LIMIT ${number}` {
  return `${sql} LIMIT ${checkedLimit(limit, what)}`;
}

function checkedLimit(limit: number, what: string): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`${what} limit must be a whole number of 0 or more, got ${limit}`);
  }
  return limit;
}
