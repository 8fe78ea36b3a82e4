/**
 * Fills placeholders into a PromQL query so that no value can change the query's meaning: a value
 * is escaped for the string literal it stands in (double-quoted, single-quoted or raw), first
 * regex-escaped when that literal is the right side of a regex matcher (`=~`, `!~`), and a list
 * becomes an alternation of regex-escaped values; durations go outside string literals only.
 * Any other use of a placeholder, and any unknown one, is an error naming it.
 *
 * PromQL string escapes follow Go's (prometheus/promql/parser lexer); regex matchers are RE2,
 * anchored by Prometheus, and regex-escaped here as Go's regexp.QuoteMeta does.
 */
export interface TemplateValues {
  /** Single values, e.g. target, labels.cloud, environment. */
  strings?: Record<string, string>;
  /** Lists, only inside regex matchers: `instance=~"{targets}"` matches any of them exactly. */
  lists?: Record<string, readonly string[]>;
  /** Tokens such as durations (`93s`), only outside string literals: `[{window}]`. */
  tokens?: Record<string, string>;
}

export type Filled = { ok: true; query: string } | { ok: false; message: string };

const PLACEHOLDER = /^\{([A-Za-z][\w.-]*)\}/;

export function fillQuery(template: string, values: TemplateValues): Filled {
  const problems: string[] = [];
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i] as string;
    if (ch === '"' || ch === "'" || ch === '`') {
      const end = closingQuote(template, i);
      if (end < 0)
        return { ok: false, message: `query ${template}: unterminated string starting at ${i + 1}` };
      const regex = /[=!]~\s*$/.test(template.slice(0, i));
      out += ch + fillString(template.slice(i + 1, end), ch, regex, values, problems) + ch;
      i = end + 1;
      continue;
    }
    const match = PLACEHOLDER.exec(template.slice(i));
    if (match) {
      out += fillCode(match[0], match[1] as string, values, problems);
      i += match[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  return problems.length > 0
    ? { ok: false, message: `query ${template}: ${problems.join('; ')}` }
    : { ok: true, query: out };
}

/** Index of the quote closing the string that opens at `start`, or −1. */
function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (quote !== '`' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function fillString(
  body: string,
  quote: string,
  regex: boolean,
  values: TemplateValues,
  problems: string[],
): string {
  return body.replace(/\{([A-Za-z][\w.-]*)\}/g, (whole, name: string) => {
    const single = values.strings?.[name];
    const list = values.lists?.[name];
    if (single !== undefined) return escapeFor(regex ? quoteMeta(single) : single, quote, name, problems);
    if (list !== undefined) {
      if (!regex) {
        problems.push(`${whole} holds several values: use it in a regex matcher, e.g. instance=~"${whole}"`);
        return whole;
      }
      return escapeFor(`(?:${list.map(quoteMeta).join('|')})`, quote, name, problems);
    }
    if (values.tokens?.[name] !== undefined) {
      problems.push(`${whole} is a duration: put it outside quotes, e.g. [${whole}]`);
      return whole;
    }
    problems.push(unknown(whole, values));
    return whole;
  });
}

function fillCode(whole: string, name: string, values: TemplateValues, problems: string[]): string {
  const token = values.tokens?.[name];
  if (token !== undefined) return token;
  if (values.strings?.[name] !== undefined || values.lists?.[name] !== undefined) {
    problems.push(`${whole} must stand inside a quoted label value, e.g. instance="${whole}"`);
  } else {
    problems.push(unknown(whole, values));
  }
  return whole;
}

function unknown(whole: string, values: TemplateValues): string {
  if (whole.startsWith('{labels.')) return `the target has no label "${whole.slice(8, -1)}" for ${whole}`;
  const known = [
    ...Object.keys(values.strings ?? {}),
    ...Object.keys(values.lists ?? {}),
    ...Object.keys(values.tokens ?? {}),
  ].filter((name) => !name.startsWith('labels.'));
  return `unknown placeholder ${whole}; known: ${known.map((n) => `{${n}}`).join(', ')}, {labels.KEY}`;
}

/** RE2 metacharacters escaped, as Go's regexp.QuoteMeta does. */
export function quoteMeta(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** The value as the body of a PromQL string literal with the given quote. */
export function escapeFor(value: string, quote: string, name: string, problems: string[]): string {
  if (quote === '`') {
    if (value.includes('`')) problems.push(`{${name}} contains a backtick, which a raw string cannot hold`);
    return value;
  }
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}
