/**
 * HTML built by a tagged template that escapes every interpolated value: only a fragment made by
 * `html` itself (or `raw` for markup written in this code) goes in as it is, so a service name, a
 * label or a commit message can never become markup.
 */
export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Markup written in this code (never a value from the ledger or a request). */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** A time as the page shows it: ISO 8601 in UTC, to the second, in a <time> the script localises. */
export function timeTag(at: number | null | undefined): Html {
  if (at === null || at === undefined) return html`<span class="muted">–</span>`;
  const iso = new Date(at).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')}Z</time>`;
}
