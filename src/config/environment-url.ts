/**
 * An environment's `url`: the address GitHub links as "View deployment" (a deployment status's
 * `environment_url`), templated with the version deployed.
 */

/** What a url template may name, in braces. */
export const URL_PLACEHOLDERS = ['version', 'service', 'environment'] as const;

export type UrlValues = Record<(typeof URL_PLACEHOLDERS)[number], string>;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The template with each placeholder replaced by its value, escaped for a URL. */
export function environmentUrl(template: string, values: UrlValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? encodeURIComponent(values[name as keyof UrlValues]) : whole,
  );
}

/** Why the template cannot make an http(s) URL; undefined when it can. */
export function urlTemplateProblem(template: string): string | undefined {
  const unknown = [...template.matchAll(PLACEHOLDER)]
    .map((m) => m[1] ?? '')
    .filter((name) => !(URL_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    return `unknown placeholder {${unknown[0]}}: expected ${URL_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
  }
  const sample = environmentUrl(template, {
    version: '1.2.3',
    service: 'service',
    environment: 'environment',
  });
  const url = URL.canParse(sample) ? new URL(sample) : undefined;
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') return 'expected an http:// or https:// URL';
  return undefined;
}
