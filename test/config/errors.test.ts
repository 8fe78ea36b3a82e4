import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, formatPath } from '../../src/config/errors.ts';
import { parseConfig } from '../../src/config/load.ts';
import { yaml } from './example.ts';

/** Lines 1–7 of a valid file; tests append or replace lines after them. */
const HEAD = [
  'service: metrics-store', //                  1
  'environments:', //                           2
  '  production:', //                           3
  '    components:', //                         4
  '      - name: app', //                       5
  '        targets: [app-1, app-2]', //         6
  '        deploy: ./deploy.sh', //             7
];

function configError(text: string): ConfigError {
  try {
    parseConfig(text, 'tranche.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function errorLines(...lines: string[]): string[] {
  return configError(yaml(...lines)).message.split('\n');
}

const COMPONENT = 'environments.production.components[0]';

describe('configuration errors', () => {
  describe('a value out of range', () => {
    it('points at the value: growth 0 at line 9, column 19', () => {
      expect(errorLines(...HEAD, '        rollout:', '          growth: 0')).toEqual([
        `tranche.yml:9:19 ${COMPONENT}.rollout.growth: expected a number ≥ 1, got 0`,
      ]);
    });

    it('refuses a component with no targets, at the empty list', () => {
      expect(errorLines(...HEAD.slice(0, 5), '        targets: []', '        deploy: ./deploy.sh')).toEqual([
        `tranche.yml:6:18 ${COMPONENT}.targets: expected at least one target`,
      ]);
    });

    it('refuses a time limit of zero, which would be no limit at all', () => {
      expect(errorLines(...HEAD, '        timeout: 0s')).toEqual([
        `tranche.yml:8:18 ${COMPONENT}.timeout: expected a duration longer than 0`,
      ]);
    });

    it('refuses checks repeated more often than every 100ms', () => {
      expect(errorLines(...HEAD, '        rollout: { bake: 30s, checkEvery: 0s }')).toEqual([
        `tranche.yml:8:43 ${COMPONENT}.rollout.checkEvery: expected a duration of at least 100ms`,
      ]);
    });

    it('asks for an integer where a fraction is given', () => {
      expect(errorLines(...HEAD, '        rollout: { first: 1.5 }')).toEqual([
        `tranche.yml:8:27 ${COMPONENT}.rollout.first: expected an integer ≥ 1, got 1.5`,
      ]);
    });

    it('says what it got where a number of another type is given', () => {
      expect(errorLines(...HEAD, '        rollout: { first: "one", growth: [2] }')).toEqual([
        `tranche.yml:8:27 ${COMPONENT}.rollout.first: expected an integer ≥ 1, got "one"`,
        `tranche.yml:8:42 ${COMPONENT}.rollout.growth: expected a number ≥ 1, got a list`,
      ]);
    });

    it('bounds the samples of an http check to 1..1000', () => {
      expect(
        errorLines(...HEAD, 'checks:', '  health:', '    http: { url: "http://{target}/", samples: 1001 }'),
      ).toEqual(['tranche.yml:10:47 checks.health.http.samples: expected an integer from 1 to 1000']);
    });

    it('refuses a command check whose min is above its max', () => {
      expect(
        errorLines(...HEAD, 'checks:', '  q:', '    command: ./q.sh', '    min: 5', '    max: 1'),
      ).toEqual(['tranche.yml:11:10 checks.q.min: min must not be greater than max']);
    });
  });

  describe('an unknown key', () => {
    it('points at the key and suggests the one meant', () => {
      expect(errorLines(...HEAD, '        rollout:', '          grwoth: 2')).toEqual([
        `tranche.yml:9:11 ${COMPONENT}.rollout.grwoth: unknown key 'grwoth' (did you mean 'growth'?)`,
      ]);
    });

    it('takes two letters swapped for one typo', () => {
      expect(errorLines(...HEAD, '        rollout: { frist: 1 }')).toEqual([
        `tranche.yml:8:20 ${COMPONENT}.rollout.frist: unknown key 'frist' (did you mean 'first'?)`,
      ]);
    });

    it('names a key nothing resembles without a suggestion', () => {
      expect(errorLines(...HEAD, 'colour: blue')).toEqual(["tranche.yml:8:1 colour: unknown key 'colour'"]);
    });

    it('reports every unknown key of a mapping on its own line', () => {
      expect(errorLines(...HEAD, '        tiemout: 2m', '        owner: me')).toEqual([
        `tranche.yml:8:9 ${COMPONENT}.tiemout: unknown key 'tiemout' (did you mean 'timeout'?)`,
        `tranche.yml:9:9 ${COMPONENT}.owner: unknown key 'owner'`,
      ]);
    });
  });

  describe('a missing key', () => {
    it('points at the mapping that lacks deploy', () => {
      expect(errorLines(...HEAD.slice(0, 6))).toEqual([
        `tranche.yml:5:9 ${COMPONENT}.deploy: expected deploy (per target) or deployBatch (per batch)`,
      ]);
    });

    it('points at the start of the file when service is missing', () => {
      expect(errorLines(...HEAD.slice(1))).toEqual(['tranche.yml:1:1 service: required']);
    });

    it('points at the key of a block mapping that lacks url', () => {
      expect(errorLines(...HEAD, 'checks:', '  health:', '    http:', '      status: 204')).toEqual([
        'tranche.yml:10:5 checks.health.http.url: required',
      ]);
    });
  });

  describe('a wrong type', () => {
    it('says what it expected and what it got', () => {
      expect(errorLines(...HEAD.slice(0, 6), '        deploy: [a, b]')).toEqual([
        `tranche.yml:7:17 ${COMPONENT}.deploy: expected a string, got a list`,
      ]);
    });

    it('points at the key of an empty value', () => {
      expect(errorLines(...HEAD.slice(0, 6), '        deploy:')).toEqual([
        `tranche.yml:7:9 ${COMPONENT}.deploy: expected a string, got an empty value`,
      ]);
    });

    it('explains the two forms of a target', () => {
      expect(errorLines(...HEAD.slice(0, 5), '        targets: [app-1, 7]', HEAD[6] ?? '')).toEqual([
        `tranche.yml:6:26 ${COMPONENT}.targets[1]: expected a target name or a {name, labels} mapping`,
      ]);
    });

    it('lists the allowed failure policies', () => {
      expect(errorLines(...HEAD, '    onFailure: retry')).toEqual([
        'tranche.yml:8:16 environments.production.onFailure: expected one of rollback-release, rollback-component, halt',
      ]);
    });

    it('rejects a whole file that is not a mapping', () => {
      expect(errorLines('- a', '- b')).toEqual(['tranche.yml:1:1: expected a mapping, got a list']);
    });

    it('quotes only the start of a file that is one long string (not a config at all)', () => {
      const passwd = 'root:x:0:0:root:/root:/bin/bash daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin';
      expect(errorLines(passwd)).toEqual([
        'tranche.yml:1:1: expected a mapping, got the string "root:x:0:0:root:/root:/bin/bash daemon:x:1:1:daemon:/usr..."',
      ]);
    });

    it('rejects an empty file', () => {
      expect(configError('').message).toBe('tranche.yml:1:1: expected a mapping, got an empty value');
    });
  });

  describe('a bad duration', () => {
    it('shows the accepted forms at the value', () => {
      expect(errorLines(...HEAD, '        timeout: soon')).toEqual([
        `tranche.yml:8:18 ${COMPONENT}.timeout: expected a duration like 30s, 2m or 300ms`,
      ]);
    });

    it('reports a bad duration inside a check', () => {
      expect(errorLines(...HEAD, 'checks:', '  q:', '    command: ./q.sh', '    timeout: -3')).toEqual([
        'tranche.yml:11:14 checks.q.timeout: expected a duration like 30s, 2m or 300ms',
      ]);
    });
  });

  describe('names and references', () => {
    it('points at a check reference that names no check', () => {
      expect(
        errorLines(
          ...HEAD,
          '        checks: [health, helth]',
          'checks:',
          '  health:',
          '    command: ./health.sh',
        ),
      ).toEqual([
        `tranche.yml:8:26 ${COMPONENT}.checks[1]: check 'helth' is not defined under checks (did you mean 'health'?)`,
      ]);
    });

    it('reports an undefined check even when nothing is defined under checks', () => {
      expect(errorLines(...HEAD, '        checks: [health]')).toEqual([
        `tranche.yml:8:18 ${COMPONENT}.checks[0]: check 'health' is not defined under checks`,
      ]);
    });

    it('points at the second of two targets with the same name', () => {
      expect(
        errorLines(...HEAD.slice(0, 5), '        targets: [app-1, { name: app-1 }]', HEAD[6] ?? ''),
      ).toEqual([`tranche.yml:6:26 ${COMPONENT}.targets[1]: target 'app-1' is listed more than once`]);
    });

    it('points at the second of two components with the same name', () => {
      expect(errorLines(...HEAD, ...HEAD.slice(4))).toEqual([
        "tranche.yml:8:9 environments.production.components[1]: component 'app' is listed more than once",
      ]);
    });

    it('requires a lowercase service name', () => {
      expect(errorLines('service: Metrics Store', ...HEAD.slice(1))).toEqual([
        "tranche.yml:1:10 service: expected a lowercase name of letters, digits, '.', '_' and '-', like metrics-store",
      ]);
    });

    it('requires {n} in the version template', () => {
      expect(errorLines(...HEAD, 'version: "2.14"')).toEqual([
        'tranche.yml:8:10 version: expected a template containing {n}',
      ]);
    });
  });

  describe('the shape of an environment', () => {
    it('requires at least one environment', () => {
      expect(errorLines('service: api', 'environments: {}')).toEqual([
        'tranche.yml:2:15 environments: expected at least one environment',
      ]);
    });

    it('requires at least one component', () => {
      expect(errorLines('service: api', 'environments:', '  production:', '    components: []')).toEqual([
        'tranche.yml:4:17 environments.production.components: expected at least one component',
      ]);
    });
  });

  describe('the form of a check', () => {
    it('refuses a check with both http and command', () => {
      expect(
        errorLines(...HEAD, 'checks:', '  both:', '    http: { url: "http://x/" }', '    command: ./x.sh'),
      ).toEqual([
        "tranche.yml:9:3 checks.both: a check needs exactly one of 'http', 'command', 'prometheus' or 'analysis'",
      ]);
    });

    it('says exactly one kind is allowed, not that one kind is an unknown key, when the command form fits better', () => {
      expect(
        errorLines(
          ...HEAD,
          'checks:',
          '  both:',
          '    command: ./x.sh',
          '    max: 300',
          '    http: { url: "http://x/" }',
        ),
      ).toEqual([
        "tranche.yml:9:3 checks.both: a check needs exactly one of 'http', 'command', 'prometheus' or 'analysis'",
      ]);
    });

    it('refuses a check with neither', () => {
      expect(errorLines(...HEAD, 'checks:', '  none: {}')).toEqual([
        "tranche.yml:9:9 checks.none: a check needs exactly one of 'http', 'command', 'prometheus' or 'analysis'",
      ]);
    });

    it('reports problems inside the form the check evidently uses', () => {
      expect(errorLines(...HEAD, 'checks:', '  up:', '    http: { url: "ftp://x/", status: 200 }')).toEqual([
        'tranche.yml:10:18 checks.up.http.url: expected an http:// or https:// URL',
      ]);
    });

    it('points at an http option given to a command check', () => {
      expect(errorLines(...HEAD, 'checks:', '  q:', '    command: ./q.sh', '    samples: 3')).toEqual([
        "tranche.yml:11:5 checks.q.samples: unknown key 'samples'",
      ]);
    });
  });

  describe('YAML syntax', () => {
    it('reports a duplicate key at its line and column', () => {
      expect(errorLines(...HEAD, 'service: again')).toEqual([
        'tranche.yml:8:1: invalid YAML: Map keys must be unique',
      ]);
    });

    it('reports broken indentation in one line, at the position of the problem', () => {
      expect(errorLines('service: api', '  environments: x', 'foo: "unterminated')).toEqual([
        'tranche.yml:1:10: invalid YAML: Nested mappings are not allowed in compact mappings',
      ]);
    });
  });

  describe('several problems at once', () => {
    it('lists them in file order, one per line, and carries them as issues', () => {
      const error = configError(
        yaml(...HEAD, '        timeout: soon', '        rollout: { growth: 0 }', 'colour: blue'),
      );
      expect(error.message.split('\n')).toEqual([
        `tranche.yml:8:18 ${COMPONENT}.timeout: expected a duration like 30s, 2m or 300ms`,
        `tranche.yml:9:28 ${COMPONENT}.rollout.growth: expected a number ≥ 1, got 0`,
        "tranche.yml:10:1 colour: unknown key 'colour'",
      ]);
      expect(error.issues[1]).toEqual({
        file: 'tranche.yml',
        line: 9,
        column: 28,
        path: ['environments', 'production', 'components', 0, 'rollout', 'growth'],
        message: 'expected a number ≥ 1, got 0',
      });
    });
  });

  describe('formatting', () => {
    it('renders keys with dots and indexes in brackets', () => {
      expect(formatPath(['environments', 'production', 'components', 0, 'rollout'])).toBe(
        'environments.production.components[0].rollout',
      );
    });

    it('quotes keys that are not plain words', () => {
      expect(formatPath(['environments', 'eu.west', 'components'])).toBe(
        'environments["eu.west"].components',
      );
    });

    it('leaves out the position of an issue without one', () => {
      expect(formatIssue({ file: 'tranche.yml', path: [], message: 'file not found' })).toBe(
        'tranche.yml: file not found',
      );
    });
  });
});
