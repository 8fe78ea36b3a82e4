import { describe, expect, it } from 'vitest';
import { planSummary } from '../../bot/render/plan-summary.ts';
import { planRelease } from '../../src/engine/plan.ts';
import { component } from '../support/fakes.ts';

describe('planSummary', () => {
  describe('a component with canary categories', () => {
    it('shows the canaries beside the lower bound, and a declared value no target carries, under its line', () => {
      const target = (name: string, cloud: string) => ({ name, labels: { cloud } });
      const app = {
        ...component({
          name: 'app',
          categories: { labels: ['cloud'], coverage: 'all', values: { cloud: ['aws', 'gcp', 'azure'] } },
        }),
        targets: [target('a1', 'aws'), target('a2', 'aws'), target('g1', 'gcp')],
      };
      expect(planSummary(planRelease('shop', 'production', [app]))).toBe(
        [
          '- **app**: 3 targets in 2 batches (2, 1)',
          '  - canaries (all over cloud): 2, lower bound 2, covering 2 combination(s)',
          '  - declared but carried by no target: cloud=azure',
        ].join('\n'),
      );
    });
  });
});
