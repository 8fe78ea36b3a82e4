import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { parseConfig } from '../../src/config/load.ts';
import { resolveEnvironment, resolveTracks } from '../../src/config/resolve.ts';
import type { TrancheConfig } from '../../src/config/schema.ts';
import { seededRandom } from '../../src/stats/random.ts';

/** One environment per line: name and labels; each has one component with one target. */
function fleet(environments: [string, Record<string, string | number>][], tracks: string): string {
  const lines = ['service: api', 'environments:'];
  for (const [name, labels] of environments) {
    lines.push(
      `  ${name}:`,
      `    labels: ${JSON.stringify(labels)}`,
      '    components:',
      `      - { name: app, targets: [{ name: ${name}-1, labels: { ring: ${name === 'eu-aws' ? 'first' : 'rest'} } }], deploy: ./deploy.sh }`,
    );
  }
  return `${lines.join('\n')}\n${tracks}`;
}

/** aws/gcp × chrome/firefox; eu-aws and us-aws share a combination. */
const ENVIRONMENTS: [string, Record<string, string | number>][] = [
  ['eu-aws', { cloud: 'aws', browser: 'chrome' }],
  ['us-aws', { cloud: 'aws', browser: 'chrome' }],
  ['eu-gcp', { cloud: 'gcp', browser: 'firefox' }],
  ['us-gcp', { cloud: 'gcp', browser: 'chrome' }],
  ['ap-aws', { cloud: 'aws', browser: 'firefox' }],
];

const parse = (tracks: string, environments = ENVIRONMENTS) =>
  parseConfig(fleet(environments, tracks), 'tranche.yml').config;

function problems(tracks: string, environments = ENVIRONMENTS): string[] {
  try {
    parse(tracks, environments);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('the config was accepted');
}

const members = (config: TrancheConfig) =>
  resolveTracks(config).map((t) => [t.name, t.members.map((m) => m.environment)]);

describe('environment labels', () => {
  it('are strings, numbers and booleans made strings, and reach the resolved environment', () => {
    const config = parse('', [['eu', { cloud: 'aws', zone: 3 }]]);
    expect(config.environments.eu?.labels).toEqual({ cloud: 'aws', zone: '3' });
    expect(resolveEnvironment(config, 'eu').labels).toEqual({ cloud: 'aws', zone: '3' });
  });

  it('default to none', () => {
    const config = parseConfig(
      'service: api\nenvironments:\n  eu:\n    components: [{ name: app, targets: [a], deploy: ./d.sh }]\n',
      'tranche.yml',
    ).config;
    expect(resolveEnvironment(config, 'eu').labels).toEqual({});
  });
});

describe('a track choosing its environments by categories', () => {
  describe('with a list of labels (coverage all)', () => {
    const config = parse(`tracks:
  - { name: canary, categories: [cloud, browser], bake: 1h }
  - { name: stable, environments: [eu-aws, us-aws, eu-gcp, us-gcp, ap-aws] }
`);
    const [canary] = resolveTracks(config);

    it('takes the first environment of each combination, in config order', () => {
      expect(members(config)).toEqual([
        ['canary', ['eu-aws', 'eu-gcp', 'us-gcp', 'ap-aws']],
        ['stable', ['eu-aws', 'us-aws', 'eu-gcp', 'us-gcp', 'ap-aws']],
      ]);
    });

    it('keeps what each chosen environment covers, beside the lower bound', () => {
      expect(canary?.categories?.canaries.map((c) => [c.target, c.covers])).toEqual([
        ['eu-aws', ['cloud=aws, browser=chrome']],
        ['eu-gcp', ['cloud=gcp, browser=firefox']],
        ['us-gcp', ['cloud=gcp, browser=chrome']],
        ['ap-aws', ['cloud=aws, browser=firefox']],
      ]);
      expect(canary?.categories?.lowerBound).toBe(4);
    });
  });

  describe('among the environments it lists', () => {
    it('chooses only from those', () => {
      const config = parse(`tracks:
  - { name: canary, environments: [us-aws, us-gcp, ap-aws], categories: [cloud] }
`);
      expect(members(config)).toEqual([['canary', ['us-aws', 'us-gcp']]]);
    });
  });

  describe('without a list', () => {
    it('chooses among the environments no earlier track has', () => {
      const config = parse(`tracks:
  - { name: yolo, environments: [eu-aws] }
  - { name: canary, categories: { labels: [cloud, browser], coverage: pairwise } }
  - { name: stable, environments: [us-aws, eu-gcp, us-gcp, ap-aws] }
`);
      expect(members(config)[1]).toEqual(['canary', ['us-aws', 'eu-gcp', 'us-gcp', 'ap-aws']]);
    });

    it('chooses among those whose targets carry its selector, and narrows them to it', () => {
      const config = parse(`tracks:
  - { name: canary, categories: [cloud], targets: { ring: rest } }
`);
      expect(resolveTracks(config)[0]?.members).toEqual([
        { environment: 'us-aws', targets: ['us-aws-1'] },
        { environment: 'eu-gcp', targets: ['eu-gcp-1'] },
      ]);
    });
  });

  describe('declared values', () => {
    it('that no environment carries are a note of the choice, not an error', () => {
      const config = parse(`tracks:
  - name: canary
    categories: { labels: [cloud], values: { cloud: [aws, gcp, azure] } }
`);
      expect(resolveTracks(config)[0]?.categories?.missing).toEqual([{ label: 'cloud', value: 'azure' }]);
    });

    it('of a label that is no category are refused at their position', () => {
      expect(
        problems(`tracks:
  - name: canary
    categories: { labels: [cloud], values: { zone: [a] } }
`),
      ).toEqual([
        "tranche.yml:25:52 tracks[0].categories.values.zone: 'zone' is not one of the category labels (cloud)",
      ]);
    });
  });

  describe('refuses, at file:line:column', () => {
    it('a track with neither environments nor categories', () => {
      expect(problems('tracks:\n  - { name: canary, bake: 1h }\n')).toEqual([
        'tranche.yml:24:5 tracks[0]: a track needs environments, categories (to choose them by environment labels), or both',
      ]);
    });

    it('categories over labels no environment carries', () => {
      expect(problems('tracks:\n  - { name: canary, categories: [os] }\n')).toEqual([
        'tranche.yml:24:33 tracks[0].categories: no environment among eu-aws, us-aws, eu-gcp, us-gcp, ap-aws carries os (set them under environments.<name>.labels)',
      ]);
    });

    it('categories with nothing left to choose from', () => {
      expect(
        problems(`tracks:
  - { name: all, environments: [eu-aws, us-aws, eu-gcp, us-gcp, ap-aws] }
  - { name: canary, categories: [cloud] }
`),
      ).toEqual([
        'tranche.yml:25:33 tracks[1].categories: no environment outside the earlier tracks is left to choose from',
      ]);
    });

    it('categories whose selector no environment left holds a target for', () => {
      expect(
        problems(`tracks:
  - { name: yolo, environments: [eu-aws] }
  - { name: canary, categories: [cloud], targets: { ring: first } }
`),
      ).toEqual([
        'tranche.yml:25:33 tracks[1].categories: no environment outside the earlier tracks holds a target carrying ring=first',
      ]);
    });

    it('an unknown coverage', () => {
      expect(
        problems('tracks:\n  - { name: canary, categories: { labels: [cloud], coverage: most } }\n')[0],
      ).toContain('tracks[0].categories.coverage: expected one of all, pairwise');
    });
  });
});

/** Seeded random fleets of 3–10 environments over 2–3 labels of 2–3 values, some unlabelled. */
function randomEnvironments(seed: number): {
  environments: [string, Record<string, string>][];
  labels: string[];
} {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random.uniform() * n);
  const labels = ['cloud', 'browser', 'region'].slice(0, 2 + pick(2));
  const sizes = labels.map(() => 2 + pick(2));
  const environments = Array.from({ length: 3 + pick(8) }, (_, i): [string, Record<string, string>] => {
    const carried: Record<string, string> = {};
    labels.forEach((label, d) => {
      if (random.uniform() < 0.9) carried[label] = `v${pick(sizes[d] as number)}`;
    });
    return [`env-${i + 1}`, carried];
  });
  return { environments, labels };
}

/** The values and co-occurring value pairs of one environment's labels. */
function elements(labels: Record<string, string>, names: string[]): string[] {
  const keys: string[] = [];
  for (const [i, a] of names.entries()) {
    if (!(a in labels)) continue;
    keys.push(`${a}=${labels[a]}`);
    for (const b of names.slice(i + 1)) if (b in labels) keys.push(`${a}=${labels[a]}|${b}=${labels[b]}`);
  }
  return keys;
}

/** The fewest environments covering every value and pair, trying every subset. */
function bruteForceOptimum(environments: [string, Record<string, string>][], names: string[]): number {
  const universe = new Set(environments.flatMap(([, l]) => elements(l, names)));
  let best = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 1 << environments.length; mask++) {
    const chosen = environments.filter((_, i) => mask & (1 << i));
    if (chosen.length >= best) continue;
    if (new Set(chosen.flatMap(([, l]) => elements(l, names))).size === universe.size) best = chosen.length;
  }
  return best;
}

describe('the environments categories choose, on random small fleets', () => {
  const fleets = Array.from({ length: 30 }, (_, seed) => randomEnvironments(seed + 1)).filter(
    ({ environments, labels }) => environments.some(([, l]) => labels.some((label) => label in l)),
  );
  const choose = (environments: [string, Record<string, string>][], labels: string[], coverage: string) =>
    resolveTracks(
      parse(
        `tracks:\n  - name: canary\n    categories: { labels: [${labels}], coverage: ${coverage} }\n`,
        environments,
      ),
    )[0];

  it('with coverage all, hold exactly one environment of every combination present', () => {
    for (const { environments, labels } of fleets) {
      const combination = (l: Record<string, string>) => labels.map((x) => l[x] ?? '-').join('/');
      const chosen = choose(environments, labels, 'all')?.members.map((m) => m.environment) ?? [];
      const byName = new Map(environments);
      const combinations = chosen.map((name) => combination(byName.get(name) ?? {}));
      expect(new Set(combinations).size).toBe(combinations.length);
      expect(new Set(combinations)).toEqual(new Set(environments.map(([, l]) => combination(l))));
    }
  });

  it('with coverage pairwise, cover every value and pair, no fewer than the optimum nor than the lower bound', () => {
    for (const { environments, labels } of fleets) {
      const track = choose(environments, labels, 'pairwise');
      const byName = new Map(environments);
      const chosen = track?.members.map((m) => m.environment) ?? [];
      const covered = new Set(chosen.flatMap((name) => elements(byName.get(name) ?? {}, labels)));
      expect(covered).toEqual(new Set(environments.flatMap(([, l]) => elements(l, labels))));
      const optimum = bruteForceOptimum(environments, labels);
      expect(chosen.length).toBeGreaterThanOrEqual(optimum);
      expect(track?.categories?.lowerBound).toBeLessThanOrEqual(optimum);
    }
  });

  it('choose the same environments every time', () => {
    for (const { environments, labels } of fleets) {
      const once = choose(environments, labels, 'pairwise');
      expect(choose(environments, labels, 'pairwise')).toEqual(once);
    }
  });
});
