import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { parseConfig } from '../../src/config/load.ts';
import { yaml } from './example.ts';

const HEAD = [
  'service: shop', //                    1
  'environments:', //                    2
  '  production:', //                    3
  '    components:', //                  4
  '      - name: app', //                5
  '        targets: [app-1]', //         6
  '        deploy: ./deploy.sh', //      7
  '    notify:', //                      8
];

const SECRET_URL = 'https://hooks.slack.com/services/T000/B000/very-secret';

function errorText(...lines: string[]): string {
  try {
    parseConfig(yaml(...HEAD, ...lines), 'tranche.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('notify: in tranche.yml', () => {
  it('reads channels by the names of the variables holding their URLs, with defaults', () => {
    const { config } = parseConfig(
      yaml(
        ...HEAD,
        '      slack: { urlEnv: SLACK_DEPLOY_WEBHOOK }',
        '      webhook: { urlEnv: HOOK_URL, secretEnv: HOOK_SECRET }',
        '      dashboard: https://grafana.example.com/d/shop?var-version={version}',
      ),
      'tranche.yml',
    );
    const notify = config.environments.production?.notify;
    expect(notify?.slack).toEqual({ urlEnv: 'SLACK_DEPLOY_WEBHOOK' });
    expect(notify?.webhook).toEqual({ urlEnv: 'HOOK_URL', secretEnv: 'HOOK_SECRET' });
    expect(notify?.timeout).toBe(30_000);
    expect(notify?.events).toContain('verdict_bad');
  });

  it('refuses a URL written as the channel, at its line and column, without echoing it', () => {
    const message = errorText(`      slack: ${SECRET_URL}`);
    expect(message).toMatch(
      /^tranche\.yml:9:14 environments\.production\.notify\.slack: a webhook URL is a secret/,
    );
    expect(message).not.toContain('very-secret');
  });

  it('says an empty channel is a mapping, not a secret URL', () => {
    expect(errorText('      slack:')).toContain(
      'environments.production.notify.slack: expected a mapping, got an empty value',
    );
  });

  it('refuses a url: key, pointing at the key', () => {
    const message = errorText(`      teams: { url: "${SECRET_URL}" }`);
    expect(message.split('\n')).toContain(
      'tranche.yml:9:16 environments.production.notify.teams.url: a webhook URL is a secret and is never written in tranche.yml: put it in an environment variable and name the variable, e.g. { urlEnv: SLACK_DEPLOY_WEBHOOK }',
    );
    expect(message).not.toContain('very-secret');
  });

  it('refuses a URL in place of the variable name', () => {
    const message = errorText(`      webhook: { urlEnv: "${SECRET_URL}", secretEnv: S }`);
    expect(message).toMatch(
      /^tranche\.yml:9:\d+ environments\.production\.notify\.webhook\.urlEnv: a webhook URL is a secret/,
    );
    expect(message).not.toContain('very-secret');
  });

  it('wants the webhook signed, an event it knows and at least one channel', () => {
    expect(errorText('      webhook: { urlEnv: HOOK_URL }')).toContain(
      'notify.webhook.secretEnv: expected the name of the environment variable that holds the signing secret',
    );
    expect(errorText('      slack: { urlEnv: S }', '      events: [deployed]')).toContain(
      'notify.events[0]: expected one of run_started',
    );
    expect(errorText('      timeout: 5s')).toContain('expected at least one of slack, teams or webhook');
  });
});
