import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analysisArms, armsLabel } from '../../src/engine/arms.ts';
import type { Checker, ComponentSpec, ReleaseSpec } from '../../src/engine/ports.ts';
import { runRelease } from '../../src/engine/run-release.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { FakeClock } from '../support/fake-clock.ts';
import {
  analysisCheck,
  type BatchCall,
  component,
  RecordingReporter,
  release,
  ScriptedBatchChecker,
  ScriptedExecutor,
  targetsNamed,
} from '../support/fakes.ts';

let ledger: SqliteLedger;
beforeEach(async () => {
  ledger = await SqliteLedger.open(':memory:');
});
afterEach(async () => {
  await ledger.close();
});

function harness(script?: ConstructorParameters<typeof ScriptedBatchChecker>[1], checker?: Checker) {
  const clock = new FakeClock();
  const executor = new ScriptedExecutor(clock);
  const batch = new ScriptedBatchChecker(clock, script);
  const reporter = new RecordingReporter();
  const ports = { executor, checker: checker ?? batch, reporter, clock, ledger };
  const run = (spec: ReleaseSpec) => runRelease(spec, ports, { previousVersion: '2.14.6' });
  return { clock, executor, checker: batch, reporter, run };
}

/** Four targets (batches 1, 2, 1), a 30 s bake checked every 10 s, and one analysis check. */
function analysed(options: Partial<ComponentSpec> & { bakeMs?: number } = {}): ReleaseSpec {
  const { bakeMs = 30_000, ...rest } = options;
  return release({
    components: [
      {
        ...component({ name: 'app', targets: 4, rollout: { bakeMs, checkIntervalMs: 10_000 } }),
        checks: [analysisCheck('errors')],
        ...rest,
      },
    ],
  });
}

describe('runRelease with a batch check', () => {
  describe('during the bake of each batch', () => {
    it('compares the targets deployed so far with those not yet deployed, every round', async () => {
      const h = harness();
      await h.run(analysed());
      const rounds = h.checker.batchCalls.map((c) => [
        c.batch,
        c.canaries.join(','),
        c.baselines.join(','),
        c.final,
      ]);
      expect(rounds).toEqual([
        [1, 'app-1', 'app-2,app-3,app-4', false],
        [1, 'app-1', 'app-2,app-3,app-4', false],
        [1, 'app-1', 'app-2,app-3,app-4', true],
        [2, 'app-1,app-2,app-3', 'app-4', false],
        [2, 'app-1,app-2,app-3', 'app-4', false],
        [2, 'app-1,app-2,app-3', 'app-4', true],
      ]);
    });

    it('tells each batch how many batches of the rollout compare, so they share alpha', async () => {
      const h = harness();
      await h.run(analysed({ targets: targetsNamed('app', 10) }));
      const perBatch = new Map(h.checker.batchCalls.map((c) => [c.batch, c.comparisons]));
      // Ten targets go out in batches of 1, 2, 4 and 3: the first three have baselines left.
      expect([...perBatch]).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
    });

    it('opens the window when the batch’s deploy finished, not before it', async () => {
      const h = harness();
      await h.run(analysed());
      const deployed = h.reporter.events.filter((e) => e.kind === 'target_deploy' && e.status === 'ok');
      const first = h.checker.batchCalls[0] as BatchCall;
      expect(first.windowStart).toBe(deployed[0]?.at);
      expect(first.now - first.windowStart).toBe(10_000);
    });

    it('neither runs nor records it in the last batch, where no baseline target is left', async () => {
      const h = harness();
      const result = await h.run(analysed());
      expect(result.decision).toBe('succeeded');
      const lastBatch = h.reporter.events.filter((e) => e.kind === 'check' && e.batch === 3);
      expect(lastBatch.map((e) => e.target)).not.toContain('4 canaries vs 0 baselines');
      expect(h.reporter.events.some((e) => e.status === 'skipped')).toBe(false);
      expect(h.checker.batchCalls.some((c) => c.batch === 3)).toBe(false);
    });

    it('looks every checkEvery from the end of the deploy, however long each look takes', async () => {
      const clock = new FakeClock();
      const executor = new ScriptedExecutor(clock);
      // Every look takes 50 ms: looks scheduled from the end of the previous one would drift.
      const checker = new ScriptedBatchChecker(clock, () => {
        clock.tick(50);
        return {};
      });
      const ports = { executor, checker, reporter: new RecordingReporter(), clock, ledger };
      await runRelease(analysed(), ports, { previousVersion: null });
      const offsets = checker.batchCalls.filter((c) => c.batch === 1).map((c) => c.now - c.windowStart);
      expect(offsets).toEqual([10_000, 20_000, 30_000]);
    });
  });

  describe('when the analysis finds a regression', () => {
    it('fails the batch and rolls back, naming the arms', async () => {
      const h = harness((call) =>
        call.batch === 2
          ? { status: 'fail', message: 'e-value 316.23 ≥ 100.00', value: 316.23, threshold: { max: 100 } }
          : {},
      );
      const good = ['app-1', 'app-2', 'app-3', 'app-4'].map((target) => ({
        component: 'app',
        target,
        version: '2.14.6',
        good: true,
      }));
      await ledger.updateTargets('metrics-store', 'production', 'run-0', good);
      const result = await h.run(analysed());
      expect(result).toMatchObject({ decision: 'rolled_back', reasonCode: 'check_failed' });
      expect(result.message).toBe('check errors on 3 canaries vs 1 baseline: e-value 316.23 ≥ 100.00');
      expect(
        h.executor
          .rollbacks()
          .map((c) => c.target)
          .sort(),
      ).toEqual(['app-1', 'app-2', 'app-3']);
      expect(h.checker.batchCalls.filter((c) => c.batch === 2)).toHaveLength(1);
    });

    it('records the value against its threshold in the check series, for the plot', async () => {
      const h = harness((call) => ({ value: call.batch * 10, threshold: { max: 100 }, metric: 'e-value' }));
      const result = await h.run(analysed());
      const series = result.checks.find((c) => c.check === 'errors');
      expect(series?.max).toBe(100);
      expect(series?.points.map((p) => [p.target, p.value])).toContainEqual(['1 canary vs 3 baselines', 10]);
    });
  });

  describe('when the analysis stays inconclusive', () => {
    it('fails nothing and records the status and the evidence', async () => {
      const h = harness(() => ({ evidence: { eValue: 3.2, decision: 'inconclusive' } }));
      const result = await h.run(analysed());
      expect(result.decision).toBe('succeeded');
      const event = h.reporter.events.find((e) => e.kind === 'check' && e.status === 'ok');
      expect(event?.data).toMatchObject({
        status: 'inconclusive',
        scope: 'batch',
        canaries: 1,
        baselines: 3,
        evidence: { eValue: 3.2 },
      });
    });
  });

  describe('without a bake', () => {
    it('runs once right after the batch, as the final round', async () => {
      const h = harness();
      await h.run(analysed({ bakeMs: 0 }));
      expect(h.checker.batchCalls.map((c) => [c.batch, c.final])).toEqual([
        [1, true],
        [2, true],
      ]);
    });
  });

  describe('when a round runs past the end of the bake', () => {
    it('still gives the analysis a final round', async () => {
      const clock = new FakeClock();
      const executor = new ScriptedExecutor(clock);
      // The second round of batch 1 takes so long that the bake is over when it returns.
      const checker = new ScriptedBatchChecker(clock, (call) => {
        if (call.batch === 1 && call.now - call.windowStart === 20_000) clock.tick(15_000);
        return {};
      });
      const ports = { executor, checker, reporter: new RecordingReporter(), clock, ledger };
      await runRelease(analysed(), ports, { previousVersion: null });
      expect(checker.batchCalls.filter((c) => c.batch === 1).map((c) => c.final)).toEqual([
        false,
        false,
        true,
      ]);
    });
  });

  describe('with a checker that cannot run batch checks', () => {
    it('reports the check as errored, never as passed', async () => {
      const plain: Checker = {
        run: async (spec) => ({ check: spec.name, status: 'pass', message: 'ok', durationMs: 1 }),
      };
      const h = harness(undefined, plain);
      const result = await h.run(analysed());
      expect(result).toMatchObject({ decision: 'rolled_back', reasonCode: 'check_errored' });
      expect(result.message).toContain('this checker cannot run batch checks');
    });
  });
});

describe('analysisArms', () => {
  const comp = {
    ...component({ name: 'app', targets: 0 }),
    targets: [
      { name: 'a', labels: { cloud: 'aws' } },
      { name: 'b', labels: { cloud: 'gcp' } },
      { name: 'c', labels: { cloud: 'aws' } },
    ],
  };
  const deployed = [comp.targets[0] as { name: string; labels: Record<string, string> }];

  it('takes the undeployed targets as baselines by default', () => {
    expect(analysisArms(comp, deployed, undefined).baselines.map((t) => t.name)).toEqual(['b', 'c']);
  });

  it('keeps only baselines with the given labels', () => {
    expect(analysisArms(comp, deployed, { labels: { cloud: 'aws' } }).baselines.map((t) => t.name)).toEqual([
      'c',
    ]);
  });

  it('takes named baselines, also outside the component, but never a deployed one', () => {
    const arms = analysisArms(comp, deployed, { targets: ['a', 'c', 'baseline-1'] });
    expect(arms.baselines).toEqual([
      { name: 'c', labels: { cloud: 'aws' } },
      { name: 'baseline-1', labels: {} },
    ]);
    expect(armsLabel(arms)).toBe('1 canary vs 2 baselines');
  });
});
