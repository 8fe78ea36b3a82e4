import { describe, expect, it } from 'vitest';
import type { ReleasePlan } from '../../src/engine/plan.ts';
import type { DeployResult } from '../../src/engine/result.ts';
import {
  MAX_TABLE_ROWS,
  renderMarkdownSummary,
  renderPlanMarkdown,
} from '../../src/render/markdown-summary.ts';
import { rolledBackRun } from './engine-report.ts';
import { rolledBackResult, shortRun } from './fixtures.ts';

describe('renderMarkdownSummary', () => {
  describe('for a rollout the engine rolled back', () => {
    it('matches the committed snapshot (read it: it is what a check run shows)', async () => {
      const { result, events } = await rolledBackRun();
      const markdown = renderMarkdownSummary(result, events);
      await expect(`${markdown}\n`).toMatchFileSnapshot('__snapshots__/rolled-back-check-run.md');
    });
  });

  describe('for a rolled-back deploy', () => {
    const markdown = renderMarkdownSummary(rolledBackResult(), shortRun());

    it('opens with the headline, then the verdict lines in a fenced block', () => {
      const lines = markdown.split('\n');
      expect(lines[0]).toBe('### ↩️ metrics-store 2.14.7 → production: rolled back (check\\_failed)');
      const verdict = markdown.slice(markdown.indexOf('#### Verdict'));
      expect(verdict).toMatch(
        /^#### Verdict\n\n```text\nCRITICAL: health on app-3 \(412\.00 ms\) is greater than maximum allowed \(300\.00 ms\)\n/,
      );
      expect(verdict).toContain('ROLLED BACK: check health on app-3: p95 412 ms is above 300 ms\n```');
    });

    it('has a components × batches table with status and duration', () => {
      expect(markdown).toContain(
        [
          '| component | batch | targets | status | duration |',
          '| --- | --- | --- | --- | --- |',
          '| app | 1/3 | 1 | rolled back | 31.2 s |',
          '| app | 2/3 | 2 | **FAILED** | 24.4 s |',
        ].join('\n'),
      );
    });

    it('draws each numeric check as a fenced ASCII chart whose lines are aligned', () => {
      const block = /#### Check `health`\n\n```text\n([\s\S]*?)\n```/.exec(markdown)?.[1] ?? '';
      const frame = block.split('\n').filter((l) => /^\s*\d*\s[+|]/.test(l));
      const starts = new Set(frame.map((l) => l.search(/[+|]/)));
      expect(starts.size).toBe(1);
      expect(block).toContain('max 300.00 ms');
    });

    it('and as a Mermaid xychart with the limit as a second line', () => {
      const block = /```mermaid\n(xychart-beta[\s\S]*?)\n```/.exec(markdown)?.[1] ?? '';
      const lines = block.split('\n');
      expect(lines[1]).toBe('  title "health (ms): 14 observations"');
      expect(lines[3]).toMatch(/^ {2}y-axis "ms" \d+ --> \d+$/);
      const [values, limit] = lines.filter((l) => l.startsWith('  line ['));
      expect(limit).toBe(`  line [${Array(14).fill('300').join(', ')}]`);
      expect(values?.split(',')).toHaveLength(14);
    });

    it('lists stage timings from the events', () => {
      expect(markdown).toMatch(/#### Stage timings\n\n\| stage \| count \| min \| median \| p95 \| max \|/);
    });
  });

  describe('when the report is longer than the limit', () => {
    const result: DeployResult = {
      ...rolledBackResult(),
      checks: Array.from({ length: 40 }, (_, i) => ({
        ...rolledBackResult().checks[0],
        check: `health-${i}`,
      })),
    } as DeployResult;
    const markdown = renderMarkdownSummary(result, shortRun(), {
      maxLength: 20_000,
      logUrl: 'https://example.test/run',
    });

    it('keeps within it, leaving out whole sections and saying so, the verdict kept', () => {
      expect(markdown.length).toBeLessThanOrEqual(20_000);
      expect(markdown).toContain('#### Verdict');
      expect(markdown).toMatch(
        /_\d+ more section\(s\) left out to stay within 20,000 characters\._ \[The run's log\]\(https:\/\/example\.test\/run\) has everything\.$/,
      );
      expect((markdown.match(/```mermaid/g) ?? []).length).toBeLessThan(40);
    });
  });

  describe('with a very long rollback list', () => {
    const base = rolledBackResult();
    const rolledBack = Array.from({ length: 500 }, (_, i) => ({ ...base.rolledBack[0], target: `app-${i}` }));
    const markdown = renderMarkdownSummary({ ...base, rolledBack } as DeployResult, []);

    it('shows the first rows and counts the rest', () => {
      expect(markdown).toContain(`| … ${500 - (MAX_TABLE_ROWS - 1)} more |`);
    });
  });
});

describe('renderPlanMarkdown', () => {
  const plan: ReleasePlan = {
    service: 'shop',
    environment: 'prod',
    components: [
      {
        name: 'app',
        batches: [
          { targets: ['t-1'], bakeSeconds: 30 },
          { targets: ['t-2', 't-3'], bakeSeconds: 30 },
        ],
      },
    ],
  };

  it('says nothing was deployed and lists every batch', () => {
    const markdown = renderPlanMarkdown(plan, 'rollback-release');
    expect(markdown).toContain('dry run, nothing deployed');
    expect(markdown).toContain('| 2/2 | 2 | 30 s | t-2, t-3 |');
  });
});
