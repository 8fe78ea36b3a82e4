import { describe, expect, it } from 'vitest';
import { T0, useBot } from './harness/bot-test.ts';
import { TRANCHE_YML } from './harness/payloads.ts';

const V3_SHA = 'c'.repeat(40);
const YAML = `${TRANCHE_YML}verdict: { checkRuns: [e2e], workflowRuns: [nightly] }\n`;

describe('check runs and workflow runs as outcomes', () => {
  const t = useBot();

  /** 3 is known to the bot: it saw 3 deployed to staging from V3_SHA. */
  async function threeKnown() {
    t.github.token().config(YAML);
    await t.succeeded(9001, 'staging', '3', V3_SHA);
  }

  const ciOutcomes = async () =>
    (await t.ledger.outcomes({ service: 'shop' })).filter((o) => o.source !== 'deployment_status');

  it('counts a completed check run tranche.yml names, on a version’s commit, in its own stratum', async () => {
    await threeKnown();
    t.github.config(YAML);
    await t.checkRun({ id: 501, name: 'e2e', conclusion: 'failure', sha: V3_SHA });
    t.github.done();
    expect(await ciOutcomes()).toEqual([
      {
        service: 'shop',
        version: '3',
        environment: 'check:e2e',
        outcome: 'failure',
        source: 'check_run',
        sourceId: '501',
        at: T0,
      },
    ]);
  });

  it('counts a workflow run by its name, once per attempt', async () => {
    await threeKnown();
    t.github.config(YAML, 2);
    await t.workflowRun({ id: 601, name: 'nightly', conclusion: 'timed_out', sha: V3_SHA });
    await t.workflowRun({ id: 601, name: 'nightly', conclusion: 'success', attempt: 2, sha: V3_SHA });
    t.github.done();
    expect((await ciOutcomes()).map((o) => [o.environment, o.outcome, o.sourceId])).toEqual([
      ['workflow:nightly', 'failure', '601:1'],
      ['workflow:nightly', 'success', '601:2'],
    ]);
  });

  it('counts a check run once when it comes again under a new delivery id (a replay)', async () => {
    await threeKnown();
    t.github.config(YAML, 2);
    await t.checkRun({ id: 506, name: 'e2e', conclusion: 'success', sha: V3_SHA }, 'delivery-1');
    await t.checkRun({ id: 506, name: 'e2e', conclusion: 'success', sha: V3_SHA }, 'delivery-2');
    t.github.done();
    expect((await ciOutcomes()).map((o) => o.sourceId)).toEqual(['506']);
  });

  it('ignores check runs tranche.yml does not name, and commits that are no version', async () => {
    await threeKnown();
    t.github.config(YAML, 2);
    await t.checkRun({ id: 502, name: 'lint', conclusion: 'failure', sha: V3_SHA });
    await t.checkRun({ id: 503, name: 'e2e', conclusion: 'failure', sha: 'f'.repeat(40) });
    t.github.done();
    expect(await ciOutcomes()).toEqual([]);
    // Every check run of every commit comes here: the ones ignored are logged at debug only.
    expect(t.server.debugLogs).toContain(
      'check_run check:lint on ccccccc: not an outcome tranche.yml counts',
    );
    expect(t.server.debugLogs).toContain(
      'check_run check:e2e: commit fffffff is no version of shop; ignored',
    );
    expect(t.server.logs.filter((line) => line.startsWith('check_run'))).toEqual([]);
  });

  it('says at warn that nothing is counted while tranche.yml cannot be read', async () => {
    await threeKnown();
    t.github.config(`${YAML}colour: blue\n`);
    await t.checkRun({ id: 507, name: 'e2e', conclusion: 'failure', sha: V3_SHA });
    t.github.done();
    expect(await ciOutcomes()).toEqual([]);
    expect(t.server.logs).toContainEqual(
      expect.stringMatching(/^check_run check:e2e on ccccccc: not counted: .*colour: unknown key 'colour'/),
    );
  });

  it("ignores, without a request, conclusions that say nothing and the Action's own check runs", async () => {
    await threeKnown();
    await t.checkRun({ id: 504, name: 'e2e', conclusion: 'cancelled', sha: V3_SHA });
    await t.checkRun({ id: 505, name: 'tranche / staging', conclusion: 'failure', sha: V3_SHA });
    await t.workflowRun({ id: 602, name: 'nightly', conclusion: 'skipped', sha: V3_SHA });
    t.github.done();
    expect(await ciOutcomes()).toEqual([]);
  });
});
