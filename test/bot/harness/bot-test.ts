/**
 * Per-test setup for the bot's webhook tests: an empty SQLite ledger (in memory, or in a file
 * when the test restarts the bot), the bot behind its HTTP server, a fake clock, GitHub mocked
 * strictly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { SqliteLedger } from '../../../src/ledger/sqlite.ts';
import type { Ledger } from '../../../src/ledger/types.ts';
import { type BotServer, type Delivery, startBot } from './bot-server.ts';
import { GitHubMock, resetNetwork, strictNetwork } from './github-mock.ts';
import {
  type CheckRunOptions,
  type CommentOptions,
  checkRunPayload,
  commentPayload,
  type ProtectionRuleOptions,
  protectionRulePayload,
  resetCommentIds,
  type StatusOptions,
  statusPayload,
  type WorkflowRunOptions,
  workflowRunPayload,
} from './payloads.ts';

export const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

export interface BotTest {
  ledger: Ledger;
  server: BotServer;
  github: GitHubMock;
  clock: { now: number };
  comment(options: CommentOptions, id?: string): Promise<string>;
  status(options: StatusOptions, id?: string): Promise<string>;
  /** The success of a deployment of `version` the bot did not create (the Action's own, on push). */
  succeeded(deploymentId: number, environment: string, version: string, sha?: string): Promise<string>;
  checkRun(options: CheckRunOptions, id?: string): Promise<string>;
  workflowRun(options: WorkflowRunOptions, id?: string): Promise<string>;
  protectionRule(options: ProtectionRuleOptions, id?: string): Promise<string>;
  postOutcomes(body: unknown, options?: { signature?: string | null; raw?: string }): Promise<Delivery>;
  /** The bot process's timer, once. */
  sweep(): Promise<void>;
  /** Stops the bot and closes its ledger, then starts a new bot on the ledger reopened from its file. */
  restart(): Promise<void>;
}

export interface BotTestOptions {
  /** Keep the ledger in a file (which restart() reopens) rather than in memory. */
  ledgerFile?: boolean;
  /** The bot process's environment (notification URLs); read when each test starts. */
  env?: () => Record<string, string | undefined>;
}

/** Call in a describe: `const t = useBot();`, then use `t.github`, `t.comment(...)` in its tests. */
export function useBot(options: BotTestOptions = {}): BotTest {
  const t = { clock: { now: T0 } } as BotTest;
  let dir: string | undefined;
  const open = () => SqliteLedger.open(dir ? join(dir, 'ledger.db') : ':memory:');
  const start = async () => {
    t.ledger = await open();
    t.server = await startBot({ ledger: t.ledger, now: () => t.clock.now, env: options.env?.() });
  };
  beforeEach(async () => {
    strictNetwork();
    resetCommentIds();
    t.clock.now = T0;
    dir = options.ledgerFile ? mkdtempSync(join(tmpdir(), 'tranche-bot-')) : undefined;
    await start();
    t.github = new GitHubMock();
    const deliver = async (event: string, payload: unknown, id?: string) =>
      expectOk(await t.server.deliver(event, payload, { id }));
    t.comment = (o, id) => deliver('issue_comment', commentPayload(o), id);
    t.status = (o, id) => deliver('deployment_status', statusPayload(o), id);
    t.succeeded = (deploymentId, environment, version, sha) =>
      t.status({ deploymentId, state: 'success', environment, version, ...(sha ? { sha } : {}) });
    t.checkRun = (o, id) => deliver('check_run', checkRunPayload(o), id);
    t.workflowRun = (o, id) => deliver('workflow_run', workflowRunPayload(o), id);
    t.protectionRule = (o, id) => deliver('deployment_protection_rule', protectionRulePayload(o), id);
    t.postOutcomes = (body, postOptions) => t.server.postOutcomes(body, postOptions);
    t.sweep = () => t.server.bot.sweep();
    t.restart = async () => {
      await t.server.close();
      await t.ledger.close();
      await start();
    };
  });
  afterEach(async () => {
    await t.server.close();
    await t.ledger.close();
    resetNetwork();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return t;
}

/**
 * A finished, successful run of another service in an environment, as the Action or the CLI
 * records it in a ledger it shares with the bot: what dependency constraints are checked against.
 */
export async function recordLiveRun(
  ledger: Ledger,
  run: { service: string; environment: string; version: string; at: number },
): Promise<void> {
  const runId = `${run.service}-${run.environment}-${run.version}`;
  const base = { runId, service: run.service, environment: run.environment, version: run.version };
  await ledger.record({ ...base, seq: 1, at: run.at, kind: 'run_started', status: 'started' });
  await ledger.record({
    ...base,
    seq: 2,
    at: run.at + 1,
    kind: 'run_finished',
    status: 'ok',
    data: { decision: 'succeeded' },
  });
}

/** The bot answered 200 (it handled the delivery without an error); the delivery id. */
function expectOk(delivery: { id: string; status: number; body: string }): string {
  if (delivery.status !== 200) {
    throw new Error(`the bot answered ${delivery.status}: ${delivery.body}`);
  }
  return delivery.id;
}
