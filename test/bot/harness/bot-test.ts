/**
 * Per-test setup for the bot's webhook tests: an empty SQLite ledger in memory, the bot behind
 * its HTTP server, a fake clock, GitHub mocked strictly.
 */
import { afterEach, beforeEach } from 'vitest';
import { SqliteLedger } from '../../../src/ledger/sqlite.ts';
import type { Ledger } from '../../../src/ledger/types.ts';
import { type BotServer, startBot } from './bot-server.ts';
import { GitHubMock, resetNetwork, strictNetwork } from './github-mock.ts';
import { type CommentOptions, commentPayload, type StatusOptions, statusPayload } from './payloads.ts';

export const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

export interface BotTest {
  ledger: Ledger;
  server: BotServer;
  github: GitHubMock;
  clock: { now: number };
  comment(options: CommentOptions, id?: string): Promise<string>;
  status(options: StatusOptions, id?: string): Promise<string>;
}

/** Call in a describe: `const t = useBot();`, then use `t.github`, `t.comment(...)` in its tests. */
export function useBot(): BotTest {
  const t = { clock: { now: T0 } } as BotTest;
  beforeEach(async () => {
    strictNetwork();
    t.clock.now = T0;
    t.ledger = await SqliteLedger.open(':memory:');
    t.server = await startBot({ ledger: t.ledger, now: () => t.clock.now });
    t.github = new GitHubMock();
    t.comment = async (options, id) =>
      expectOk(await t.server.deliver('issue_comment', commentPayload(options), { id }));
    t.status = async (options, id) =>
      expectOk(await t.server.deliver('deployment_status', statusPayload(options), { id }));
  });
  afterEach(async () => {
    await t.server.close();
    await t.ledger.close();
    resetNetwork();
  });
  return t;
}

/** The bot answered 200 (it handled the delivery without an error); the delivery id. */
function expectOk(delivery: { id: string; status: number; body: string }): string {
  if (delivery.status !== 200) {
    throw new Error(`the bot answered ${delivery.status}: ${delivery.body}`);
  }
  return delivery.id;
}
