import { describe, expect, it } from 'vitest';
import { environmentUrl } from '../../src/config/environment-url.ts';
import { parseConfig } from '../../src/config/load.ts';
import { resolveEnvironment } from '../../src/config/resolve.ts';

function config(url: string): string {
  return [
    'service: shop',
    'environments:',
    '  staging:',
    `    url: "${url}"`,
    '    components:',
    '      - name: app',
    '        targets: [a]',
    '        deploy: ./deploy.sh',
    '',
  ].join('\n');
}

describe("an environment's url", () => {
  it('is resolved with the environment, as its template', () => {
    const { config: parsed } = parseConfig(config('https://{version}.staging.example.com'), 'tranche.yml');
    expect(resolveEnvironment(parsed, 'staging').url).toBe('https://{version}.staging.example.com');
  });

  it('puts the version, service and environment in, escaped for a URL', () => {
    expect(
      environmentUrl('https://{service}.example.com/{environment}?v={version}', {
        version: '2.14.3+build 7',
        service: 'shop',
        environment: 'staging',
      }),
    ).toBe('https://shop.example.com/staging?v=2.14.3%2Bbuild%207');
  });

  it('is refused, at its line and column, when it names an unknown placeholder', () => {
    expect(() => parseConfig(config('https://{commit}.example.com'), 'tranche.yml')).toThrow(
      'tranche.yml:4:10 environments.staging.url: unknown placeholder {commit}: expected {version}, {service}, {environment}',
    );
  });

  it('is refused when it is not an http(s) URL', () => {
    expect(() => parseConfig(config('ftp://{version}.example.com'), 'tranche.yml')).toThrow(
      'environments.staging.url: expected an http:// or https:// URL',
    );
  });
});
