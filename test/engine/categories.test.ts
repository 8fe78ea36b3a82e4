import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CategorySpec, greedyCover, selectCanaries } from '../../src/engine/categories.ts';
import { componentBatches, planRelease } from '../../src/engine/plan.ts';
import type { TargetSpec } from '../../src/engine/ports.ts';
import { runRelease } from '../../src/engine/run-release.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { seededRandom } from '../../src/stats/random.ts';
import { FakeClock } from '../support/fake-clock.ts';
import {
  component,
  RecordingReporter,
  release,
  ScriptedChecker,
  ScriptedExecutor,
} from '../support/fakes.ts';

function target(name: string, labels: Record<string, string>): TargetSpec {
  return { name, labels };
}

/** aws/gcp × chrome/firefox, each combination twice, in a mixed order. */
const CLOUD_BROWSER = [
  target('t1', { cloud: 'aws', browser: 'chrome' }),
  target('t2', { cloud: 'aws', browser: 'chrome' }),
  target('t3', { cloud: 'gcp', browser: 'firefox' }),
  target('t4', { cloud: 'aws', browser: 'firefox' }),
  target('t5', { cloud: 'gcp', browser: 'chrome' }),
  target('t6', { cloud: 'gcp', browser: 'firefox' }),
  target('t7', { cloud: 'aws', browser: 'firefox' }),
  target('t8', { cloud: 'gcp', browser: 'chrome' }),
];

/** Seeded random fleets: 2–4 labels of 2–3 values, some targets lacking a label. */
function randomFleet(seed: number): { targets: TargetSpec[]; labels: string[] } {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random.uniform() * n);
  const labels = ['cloud', 'browser', 'region', 'os'].slice(0, 2 + pick(3));
  const sizes = labels.map(() => 2 + pick(2));
  const count = 3 + pick(10);
  const targets = Array.from({ length: count }, (_, i) => {
    const carried: Record<string, string> = {};
    labels.forEach((label, d) => {
      if (random.uniform() < 0.9) carried[label] = `v${pick(sizes[d] as number)}`;
    });
    return target(`t${i + 1}`, carried);
  });
  return { targets, labels };
}

/** Everything a pairwise cover must hold, computed straight from the fleet: values and co-occurring pairs. */
function pairwiseUniverse(targets: TargetSpec[], labels: string[]): Set<string> {
  const universe = new Set<string>();
  for (const t of targets) for (const key of elementsOf(t, labels)) universe.add(key);
  return universe;
}

function elementsOf(t: TargetSpec, labels: string[]): string[] {
  const keys: string[] = [];
  for (const [i, a] of labels.entries()) {
    if (!(a in t.labels)) continue;
    keys.push(`${a}=${t.labels[a]}`);
    for (const b of labels.slice(i + 1))
      if (b in t.labels) keys.push(`${a}=${t.labels[a]}|${b}=${t.labels[b]}`);
  }
  return keys;
}

function combination(t: TargetSpec, labels: string[]): string {
  return labels.map((l) => t.labels[l] ?? '-').join('/');
}

/** The smallest number of targets covering the universe, by trying every subset of distinct categories. */
function bruteForceOptimum(targets: TargetSpec[], labels: string[]): number {
  const distinct = [...new Map(targets.map((t) => [combination(t, labels), t])).values()];
  const universe = pairwiseUniverse(targets, labels);
  let best = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 1 << distinct.length; mask++) {
    const chosen = distinct.filter((_, i) => mask & (1 << i));
    if (chosen.length >= best) continue;
    const covered = new Set(chosen.flatMap((t) => elementsOf(t, labels)));
    if (covered.size === universe.size) best = chosen.length;
  }
  return best;
}

function byName(targets: TargetSpec[], name: string): TargetSpec {
  const found = targets.find((t) => t.name === name);
  if (!found) throw new Error(`no target ${name}`);
  return found;
}

describe('selectCanaries', () => {
  describe('with coverage all', () => {
    const selection = selectCanaries(CLOUD_BROWSER, { labels: ['cloud', 'browser'], coverage: 'all' });

    it('picks the first target of each combination present, in config order', () => {
      expect(selection.canaries.map((c) => c.target)).toEqual(['t1', 't3', 't4', 't5']);
    });

    it('says which combination each canary covers', () => {
      expect(selection.canaries.map((c) => c.covers)).toEqual([
        ['cloud=aws, browser=chrome'],
        ['cloud=gcp, browser=firefox'],
        ['cloud=aws, browser=firefox'],
        ['cloud=gcp, browser=chrome'],
      ]);
    });

    it('is as small as its lower bound: one target per combination is the optimum', () => {
      expect(selection.lowerBound).toBe(4);
      expect(selection.required).toBe(4);
    });

    it('counts a missing label as a combination of its own', () => {
      const fleet = [...CLOUD_BROWSER, target('t9', { cloud: 'aws' })];
      const s = selectCanaries(fleet, { labels: ['cloud', 'browser'], coverage: 'all' });
      expect(s.canaries.at(-1)).toEqual({
        target: 't9',
        labels: { cloud: 'aws' },
        covers: ['cloud=aws, browser unset'],
      });
      expect(s.unlabelled).toEqual([{ label: 'browser', targets: ['t9'] }]);
    });
  });

  describe('with coverage pairwise', () => {
    /** Three labels of two values, all eight combinations present: four targets cover every pair. */
    const cube = ['a', 'b']
      .flatMap((x) => ['a', 'b'].flatMap((y) => ['a', 'b'].map((z) => ({ x, y, z }))))
      .map((labels, i) => target(`c${i + 1}`, labels));
    const spec: CategorySpec = { labels: ['x', 'y', 'z'], coverage: 'pairwise' };

    it('covers every pair with fewer canaries than combinations', () => {
      const s = selectCanaries(cube, spec);
      expect(s.canaries.length).toBeLessThan(8);
      const covered = new Set(s.canaries.flatMap((c) => elementsOf(byName(cube, c.target), spec.labels)));
      expect(covered).toEqual(pairwiseUniverse(cube, spec.labels));
    });

    it('shows the lower bound beside it: the most value pairs of one pair of labels', () => {
      expect(selectCanaries(cube, spec).lowerBound).toBe(4);
    });

    it('lists the pairs each canary covers', () => {
      expect(selectCanaries(cube, spec).canaries[0]).toEqual({
        target: 'c1',
        labels: { x: 'a', y: 'a', z: 'a' },
        covers: ['x=a × y=a', 'x=a × z=a', 'y=a × z=a'],
      });
    });

    it('covers a value that occurs on no target with another label', () => {
      const fleet = [...CLOUD_BROWSER, target('t9', { cloud: 'azure' })];
      const s = selectCanaries(fleet, { labels: ['cloud', 'browser'], coverage: 'pairwise' });
      expect(s.canaries.find((c) => c.target === 't9')?.covers).toEqual(['cloud=azure']);
    });
  });

  describe('on 300 small random fleets (seeded)', () => {
    const fleets = Array.from({ length: 300 }, (_, i) => randomFleet(1000 + i));

    it('all: one canary per distinct combination, and every combination present', () => {
      for (const { targets, labels } of fleets) {
        const s = selectCanaries(targets, { labels, coverage: 'all' });
        const chosen = s.canaries.map((c) => combination(byName(targets, c.target), labels));
        expect(new Set(chosen).size).toBe(chosen.length);
        expect(new Set(chosen)).toEqual(new Set(targets.map((t) => combination(t, labels))));
        expect(s.lowerBound).toBe(chosen.length);
      }
    });

    it('pairwise: the canaries cover every value and every pair of values that occur together', () => {
      for (const { targets, labels } of fleets) {
        const s = selectCanaries(targets, { labels, coverage: 'pairwise' });
        const covered = new Set(s.canaries.flatMap((c) => elementsOf(byName(targets, c.target), labels)));
        expect(covered).toEqual(pairwiseUniverse(targets, labels));
      }
    });

    it('pairwise: lower bound ≤ brute-force optimum ≤ greedy ≤ the greedy guarantee H(k) × optimum', () => {
      let optimal = 0;
      for (const { targets, labels } of fleets) {
        const s = selectCanaries(targets, { labels, coverage: 'pairwise' });
        const optimum = bruteForceOptimum(targets, labels);
        const k = labels.length + (labels.length * (labels.length - 1)) / 2;
        const harmonic = Array.from({ length: k }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b);
        expect(s.lowerBound).toBeLessThanOrEqual(optimum);
        expect(s.canaries.length).toBeGreaterThanOrEqual(optimum);
        expect(s.canaries.length).toBeLessThanOrEqual(Math.floor(harmonic * optimum));
        if (s.canaries.length === optimum) optimal += 1;
      }
      // Greedy is usually optimal on fleets this small; a collapse here would mean a broken choice rule.
      expect(optimal / fleets.length).toBeGreaterThan(0.8);
    });

    it('chooses the same canaries every time for the same fleet', () => {
      for (const { targets, labels } of fleets.slice(0, 50)) {
        const spec: CategorySpec = { labels, coverage: 'pairwise' };
        expect(selectCanaries(structuredClone(targets), spec)).toEqual(selectCanaries(targets, spec));
      }
    });
  });

  describe('with declared values', () => {
    it('reports a declared value no target carries, and a carried value not declared', () => {
      const s = selectCanaries(CLOUD_BROWSER, {
        labels: ['cloud', 'browser'],
        coverage: 'all',
        values: { cloud: ['aws', 'gcp', 'azure'], browser: ['chrome'] },
      });
      expect(s.missing).toEqual([{ label: 'cloud', value: 'azure' }]);
      expect(s.undeclared).toEqual([{ label: 'browser', value: 'firefox' }]);
    });
  });
});

describe('greedyCover', () => {
  it('takes the set covering the most uncovered elements, ties to the earliest', () => {
    const sets = [[0, 1], [2, 3], [0, 1, 2], [3]];
    expect(greedyCover(sets, 4, (s) => s)).toEqual([
      [0, 1, 2],
      [2, 3],
    ]);
  });
});

describe('a component with categories', () => {
  const spec: CategorySpec = { labels: ['cloud', 'browser'], coverage: 'all' };
  const app = { ...component({ name: 'app', categories: spec }), targets: CLOUD_BROWSER };

  it('deploys its canaries as the first batch and the rest in batches growing from its size', () => {
    const batches = componentBatches(app);
    expect(batches.map((b) => b.map((t) => t.name))).toEqual([
      ['t1', 't3', 't4', 't5'],
      ['t2', 't6', 't7', 't8'],
    ]);
  });

  it('plans as usual when no target carries a category label', () => {
    const plain = { ...app, targets: [target('p1', {}), target('p2', {}), target('p3', {})] };
    expect(componentBatches(plain).map((b) => b.length)).toEqual([1, 2]);
  });

  it('shows the canaries and what they cover in the plan', () => {
    const plan = planRelease('shop', 'prod', [app]);
    expect(plan.components[0]?.canaries?.canaries.map((c) => c.target)).toEqual(['t1', 't3', 't4', 't5']);
    expect(plan.components[0]?.batches[0]?.targets).toEqual(['t1', 't3', 't4', 't5']);
  });

  describe('when the engine rolls it out', () => {
    let ledger: SqliteLedger;
    beforeEach(async () => {
      ledger = await SqliteLedger.open(':memory:');
    });
    afterEach(async () => {
      await ledger.close();
    });

    it('deploys every canary, and nothing else, in batch 1', async () => {
      const clock = new FakeClock();
      const executor = new ScriptedExecutor(clock);
      const ports = {
        executor,
        checker: new ScriptedChecker(clock),
        reporter: new RecordingReporter(),
        clock,
        ledger,
      };
      const result = await runRelease(release({ components: [app] }), ports, { previousVersion: null });
      expect(result.decision).toBe('succeeded');
      const firstBatch = executor.deploys().filter((c) => c.batch === 1);
      expect(firstBatch.map((c) => c.target).sort()).toEqual(['t1', 't3', 't4', 't5']);
      expect(result.components[0]?.batches.map((b) => b.targets.length)).toEqual([4, 4]);
    });
  });
});
