import type { SqlParam } from './statement.ts';

/**
 * A parameter as both backends can store it. PostgreSQL's text cannot hold the NUL character and
 * refuses the whole statement, so a NUL in a command's output, a webhook field or a label would
 * lose the record that carries it; it is stored as U+FFFD on both backends, so they agree.
 */
export function storable(param: SqlParam): SqlParam {
  return typeof param === 'string' && param.includes('\u0000') ? param.replaceAll('\u0000', '\ufffd') : param;
}
