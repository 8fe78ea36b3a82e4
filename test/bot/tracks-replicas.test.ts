import { afterEach, beforeEach, expect, it } from 'vitest';
import { PostgresLedger } from '../../src/ledger/postgres.ts';
import { describePostgres, freshLedgerUrl } from '../support/postgres.ts';
import { type BotServer, startBot } from './harness/bot-server.ts';
import { GitHubMock, resetNetwork, strictNetwork } from './harness/github-mock.ts';
import { commentPayload, statusPayload, TRANCHE_YML } from './harness/payloads.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const TRACKS_YML = `${TRANCHE_YML}tracks:
  - { name: yolo, environments: [staging], bake: 1h }
  - { name: canary, environments: [eu], bake: 4h }
  - { name: stable, environments: [production] }
`;

describePostgres('promotion timers with two bot replicas on one PostgreSQL ledger', () => {
  let ledgers: PostgresLedger[];
  let replicas: BotServer[];
  let github: GitHubMock;
  const clock = { now: T0 };

  beforeEach(async () => {
    strictNetwork();
    clock.now = T0;
    const url = await freshLedgerUrl();
    ledgers = [await PostgresLedger.open(url), await PostgresLedger.open(url)];
    replicas = await Promise.all(
      ledgers.map((ledger, i) => startBot({ ledger, now: () => clock.now, replica: `replica-${i}` })),
    );
    github = new GitHubMock();
  });

  afterEach(async () => {
    for (const replica of replicas) await replica.close();
    for (const ledger of ledgers) await ledger.close();
    resetNetwork();
  });

  const [a, b] = [0, 1];
  const bothSweep = () => Promise.all(replicas.map((r) => r.bot.sweep()));

  it('fires each promotion once, whichever replica saw the deploy and however both sweep at once', async () => {
    github.token().config(TRACKS_YML);
    await replicas[a]?.deliver(
      'deployment_status',
      statusPayload({ deploymentId: 9001, state: 'success', environment: 'staging', version: '3' }),
    );

    clock.now = T0 + HOUR;
    github.config(TRACKS_YML).createDeployment(9002).raceLoser(TRACKS_YML);
    await bothSweep();
    github.done();
    expect(github.bodies('createDeployment').map((d) => d.environment)).toEqual(['eu']);

    github.config(TRACKS_YML);
    await replicas[b]?.deliver(
      'deployment_status',
      statusPayload({ deploymentId: 9002, state: 'success', environment: 'eu', version: '3' }),
    );
    clock.now = T0 + 5 * HOUR;
    github.config(TRACKS_YML, 2).createDeployment(9003);
    await bothSweep();
    // An hour on, no second promotion; the release whose Action never reported has timed out,
    // and one replica reports it (both may find the report owed; one claims it).
    clock.now = T0 + 6 * HOUR;
    github.config(TRACKS_YML).deploymentStatus(9003).raceLoser(TRACKS_YML);
    await bothSweep();
    github.done();
    expect(github.bodies('status:9003')).toEqual([expect.objectContaining({ state: 'error' })]);
    expect(github.bodies('createDeployment').map((d) => d.environment)).toEqual(['eu', 'production']);
    const promotions = await ledgers[b]?.promotions({ service: 'shop' });
    expect(promotions?.map((p) => [p.toTrack, p.state])).toEqual([
      ['canary', 'done'],
      ['stable', 'done'],
    ]);
    const promotedBy = (to: string) =>
      replicas.filter((r) =>
        r.logs.some((l) => l.startsWith(`shop 3 promoted from`) && l.includes(`to ${to}:`)),
      );
    expect(promotedBy('canary')).toHaveLength(1);
    expect(promotedBy('stable')).toHaveLength(1);
  });

  it('answers a /promote delivered to both once, with the promotion, and deploys it once', async () => {
    github.token().config(TRACKS_YML);
    await replicas[a]?.deliver(
      'deployment_status',
      statusPayload({ deploymentId: 9001, state: 'success', environment: 'staging', version: '3' }),
    );

    clock.now = T0 + 600_000;
    github.token();
    for (const _ of replicas) github.config(TRACKS_YML).reaction().permission('alice', 'maintain');
    github.createDeployment(9002).comment(12, 5001).comment(12, 5002);
    const payload = commentPayload({ body: '/promote 3' });
    const deliveries = await Promise.all(
      replicas.map((r) => r.deliver('issue_comment', payload, { id: 'delivery-promote' })),
    );
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
    github.done();
    expect(github.bodies('createDeployment').map((d) => d.environment)).toEqual(['eu']);
    const replies = github.bodies('comment').map((c) => String(c.body));
    expect(replies).toEqual([
      expect.stringContaining('🚀 **Deploying**: shop `3`'),
      '⏩ Promoting `3` from **yolo** to **canary** (**eu**), for @alice; each deployment reports here.',
    ]);
    const promotions = await ledgers[a]?.promotions({ service: 'shop' });
    expect(promotions?.map((p) => [p.toTrack, p.state])).toEqual([['canary', 'done']]);
  });
});
