import { afterEach, beforeEach, expect, it } from 'vitest';
import { PostgresLedger } from '../../src/ledger/postgres.ts';
import { describePostgres, freshLedgerUrl } from '../support/postgres.ts';
import { type BotServer, startBot } from './harness/bot-server.ts';
import { GitHubMock, resetNetwork, strictNetwork } from './harness/github-mock.ts';
import { commentPayload } from './harness/payloads.ts';

describePostgres('two bot replicas on one PostgreSQL ledger', () => {
  let ledgers: PostgresLedger[];
  let replicas: BotServer[];
  let github: GitHubMock;

  beforeEach(async () => {
    strictNetwork();
    const url = await freshLedgerUrl();
    ledgers = [await PostgresLedger.open(url), await PostgresLedger.open(url)];
    replicas = await Promise.all(ledgers.map((ledger) => startBot({ ledger })));
    github = new GitHubMock();
  });

  afterEach(async () => {
    for (const replica of replicas) await replica.close();
    for (const ledger of ledgers) await ledger.close();
    resetNetwork();
  });

  /** What each replica asks GitHub before it acts on a /deploy. */
  function bothAsk(logins: string[], commentIds: number[]) {
    for (const [i, login] of logins.entries()) {
      github.token().config().reaction(commentIds[i]).permission(login, 'write').pull();
    }
  }

  it('creates exactly one deployment for one command delivered to both', async () => {
    bothAsk(['alice', 'alice'], [1001, 1001]);
    github.tags().createTag().comment().createDeployment(9001);
    const payload = commentPayload({ body: '/deploy production', commentId: 1001 });
    const deliveries = await Promise.all(
      replicas.map((replica) => replica.deliver('issue_comment', payload, { id: 'delivery-shared' })),
    );
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
    github.done();
    expect(github.bodies('createDeployment')).toHaveLength(1);
    expect(github.bodies('comment')).toHaveLength(1);
    const releases = await ledgers[0]?.releases({ repo: 'acme/shop' });
    expect(releases?.map((r) => r.state)).toEqual(['starting']);
  });

  it('creates exactly one deployment for one command each replica gets under its own delivery id', async () => {
    bothAsk(['alice', 'alice'], [1001, 1001]);
    github.tags().createTag().comment().createDeployment(9001);
    const payload = commentPayload({ body: '/deploy production', commentId: 1001 });
    const deliveries = await Promise.all(
      replicas.map((replica, i) => replica.deliver('issue_comment', payload, { id: `delivery-${i}` })),
    );
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
    github.done();
    expect(github.bodies('createDeployment')).toHaveLength(1);
    expect(github.bodies('comment')).toHaveLength(1);
  });

  it('starts one of two commands racing for one environment and queues the other', async () => {
    bothAsk(['alice', 'bob'], [1001, 1002]);
    github.tags().createTag().comment(12, 5001).createDeployment(9001).comment(12, 5002);
    await Promise.all([
      replicas[0]?.deliver('issue_comment', commentPayload({ body: '/deploy production', commentId: 1001 })),
      replicas[1]?.deliver(
        'issue_comment',
        commentPayload({ body: '/deploy production', login: 'bob', commentId: 1002 }),
      ),
    ]);
    github.done();
    expect(github.bodies('createDeployment')).toHaveLength(1);
    const replies = github.bodies('comment').map((c) => String(c.body));
    expect(replies.filter((r) => r.startsWith('⏳ **Queued**'))).toHaveLength(1);
    const releases = await ledgers[1]?.releases({ repo: 'acme/shop' });
    expect(releases?.map((r) => r.state).sort()).toEqual(['queued', 'starting']);
  });
});
