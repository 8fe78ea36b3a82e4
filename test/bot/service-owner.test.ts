import { describe, expect, it } from 'vitest';
import { T0, useBot } from './harness/bot-test.ts';
import { GitHubMock } from './harness/github-mock.ts';
import { jobs } from './harness/jobs.ts';
import { TRANCHE_YML } from './harness/payloads.ts';

const OTHER = 'acme/shop-next';
const REFUSAL = `shop belongs to acme/shop, not to ${OTHER}: a service's outcomes, deployments, locks and leases come only from its own repositories (to share it, list ${OTHER} under repositories in the tranche.yml of acme/shop)`;

describe('a service bound to the repository that declared it first', () => {
  const t = useBot();

  /** acme/shop declares shop first: the bot sees 1 succeed in its production. */
  async function shopOwnsShop(yaml = TRANCHE_YML) {
    t.github.token().config(yaml);
    await t.succeeded(9001, 'production', '1');
    t.github.done();
  }

  /** What the ledger holds of shop: every outcome, verdict and release, and every lock. */
  async function shopRecords() {
    return {
      outcomes: await t.ledger.outcomes({ service: 'shop' }),
      verdicts: await t.ledger.verdicts('shop'),
      owner: await t.ledger.releases({ repo: 'acme/shop' }),
      other: await t.ledger.releases({ repo: OTHER }),
      locks: await t.ledger.locks(t.clock.now),
    };
  }

  it('binds shop to acme/shop at its first record', async () => {
    await shopOwnsShop();
    expect(await t.ledger.serviceOwner('shop')).toEqual({
      service: 'shop',
      repos: ['acme/shop'],
      boundAt: T0,
      updatedAt: T0,
    });
  });

  describe('another repository whose tranche.yml also says service: shop', () => {
    it('has its outcomes refused (403, with the reason and a log line), and shop keeps its records and verdict', async () => {
      await shopOwnsShop();
      const before = await shopRecords();
      const other = new GitHubMock(OTHER).installation().config();
      const answer = await t.postOutcomes({ repository: OTHER, outcomes: jobs('1', 'production', 200, 200) });
      other.done();
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ error: REFUSAL });
      expect(t.server.logs).toContain(`/tranche/outcomes: 403 ${REFUSAL}`);
      expect(await shopRecords()).toEqual(before);
    });

    it('has its deployment statuses refused with a log line: no release, no outcome, no verdict for shop', async () => {
      await shopOwnsShop();
      const before = await shopRecords();
      const other = new GitHubMock(OTHER).config();
      await t.status({
        deploymentId: 7001,
        state: 'failure',
        environment: 'production',
        version: '1',
        repo: OTHER,
      });
      other.done();
      expect(t.server.logs).toContain(`refused the status of deployment 7001 from ${OTHER}: ${REFUSAL}`);
      expect(await shopRecords()).toEqual(before);
    });

    it.each([
      ['/lock production', 'no lock is taken'],
      ['/deploy production', 'no release and no lease'],
      ['/rollback production', 'no release and no lease'],
    ])('has its %s refused with the reason in a reply and a log line: %s', async (body) => {
      await shopOwnsShop();
      const before = await shopRecords();
      const other = new GitHubMock(OTHER).config().reaction().comment();
      await t.comment({ body, repo: OTHER });
      other.done();
      expect(other.bodies('comment')[0]?.body).toContain(`🙅 ${REFUSAL.slice(0, 40)}`);
      expect(t.server.logs).toContain(`refused ${body.split(' ')[0]} in ${OTHER}#12: ${REFUSAL}`);
      expect(await shopRecords()).toEqual(before);
    });
  });

  describe("a repository acme/shop's tranche.yml lists under repositories", () => {
    it('has its outcomes accepted for shop', async () => {
      await shopOwnsShop(`${TRANCHE_YML}repositories: [acme/shop, ${OTHER}]\n`);
      const other = new GitHubMock(OTHER).installation().config();
      const answer = await t.postOutcomes({ repository: OTHER, outcomes: jobs('1', 'production', 2, 0) });
      other.done();
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ recorded: 2 });
      expect(await t.ledger.serviceOwner('shop')).toMatchObject({ repos: ['acme/shop', OTHER] });
    });
  });

  describe('a repository whose own tranche.yml lists itself for a service acme/shop owns', () => {
    it('is refused all the same: only an owner’s list counts', async () => {
      await shopOwnsShop();
      const other = new GitHubMock(OTHER).installation().config(`${TRANCHE_YML}repositories: [${OTHER}]\n`);
      const answer = await t.postOutcomes({ repository: OTHER, outcomes: jobs('1', 'production', 2, 2) });
      other.done();
      expect(answer.status).toBe(403);
      expect(await t.ledger.serviceOwner('shop')).toMatchObject({ repos: ['acme/shop'] });
      expect(await t.ledger.outcomes({ service: 'shop', environment: 'production' })).toHaveLength(1);
    });
  });
});
