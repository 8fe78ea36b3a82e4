import fc from 'fast-check';
import type nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCommand } from '../../../bot/commands/parse-command.ts';
import { fuzzRuns, fuzzTimeout } from '../../support/fuzz-runs.ts';
import { useBot } from '../harness/bot-test.ts';
import { useLenientGitHub } from '../harness/lenient-github.ts';
import { commentPayload, FULL_NAME, statusPayload } from '../harness/payloads.ts';
import { commandComment, liveHostileMarkup } from './hostile-text.ts';

const QUICK = 100;
/** GitHub refuses a comment longer than this. */
const GITHUB_COMMENT_MAX = 65_536;

describe('the bot, given generated signed webhooks', () => {
  const t = useBot();
  const github = useLenientGitHub(beforeEach, afterEach);
  /** The bot's replies in this test, in order. */
  let replies: string[];

  // GitHub as a reader without write access meets it.
  beforeEach(() => {
    replies = [];
    const r = github.repoPath;
    github.scope
      .post(new RegExp(`^${r}/issues/comments/\\d+/reactions$`))
      .reply(201, { id: 1, content: 'eyes' });
    github.scope
      .get(new RegExp(`^${r}/collaborators/[^/]+/permission$`))
      .reply(200, { permission: 'read', role_name: 'read', user: { login: 'mallory' } });
    github.scope.get(new RegExp(`^${r}/pulls/\\d+$`)).reply(200, {
      number: 12,
      state: 'open',
      head: { sha: 'a'.repeat(40), ref: 'feature', repo: { full_name: FULL_NAME } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: FULL_NAME } },
    });
    const comment = github.scope.post(new RegExp(`^${r}/issues/\\d+/comments$`));
    comment.reply(201, { id: 5001, html_url: `https://github.com/${FULL_NAME}/pull/12#issuecomment-5001` });
    github.scope.on('request', (_request: unknown, interceptor: nock.Interceptor, body: string) => {
      if (interceptor === comment) replies.push(String((JSON.parse(body) as { body?: unknown }).body));
    });
    github.scope.post(new RegExp(`^${r}/deployments/\\d+/statuses$`)).reply(201, { id: 1 });
  });

  it(
    'answers every comment that looks like a command with one reply that makes nothing of it live',
    async () => {
      let commentId = 100_000;
      await fc.assert(
        fc.asyncProperty(commandComment, async (body) => {
          const before = replies.length;
          commentId += 1;
          const delivery = await t.server.deliver(
            'issue_comment',
            commentPayload({ body, login: 'mallory', commentId }),
          );
          expect(delivery.status).toBe(200);
          const answers = replies.slice(before);
          expect(answers).toHaveLength(parseCommand(body, '/') === null ? 0 : 1);
          for (const reply of answers) {
            expect(reply.length).toBeLessThan(GITHUB_COMMENT_MAX);
            expect(liveHostileMarkup(reply, ['mallory'])).toEqual([]);
          }
          expect(github.unplanned).toEqual([]);
        }),
        fuzzRuns(QUICK),
      );
      expect(await t.ledger.releases({ repo: FULL_NAME })).toEqual([]);
    },
    fuzzTimeout(QUICK, 1000),
  );

  it(
    'takes any deployment status, however its payload is made, without an error',
    async () => {
      let deploymentId = 1000;
      const tranche = fc.oneof(
        fc.anything(),
        fc.record(
          {
            schemaVersion: fc.oneof(fc.constant(1), fc.anything()),
            version: fc.oneof(fc.constantFrom('1', '2', '3'), fc.string(), fc.anything()),
            rollback: fc.oneof(fc.boolean(), fc.anything()),
            requestedBy: fc.oneof(
              fc.constantFrom('alice', '@evil-team', '[x](https://evil.example)'),
              fc.string(),
            ),
          },
          { requiredKeys: [] },
        ),
      );
      const states = fc.constantFrom(
        'pending',
        'queued',
        'in_progress',
        'success',
        'failure',
        'error',
        'inactive',
        'evil',
      );
      await fc.assert(
        fc.asyncProperty(tranche, states, async (payloadTranche, state) => {
          deploymentId += 1;
          const payload = statusPayload({ deploymentId, state, version: '1' });
          payload.deployment.payload = { tranche: payloadTranche };
          const delivery = await t.server.deliver('deployment_status', payload);
          expect(delivery.status).toBe(200);
          expect(github.unplanned).toEqual([]);
        }),
        fuzzRuns(QUICK),
      );
    },
    fuzzTimeout(QUICK, 1000),
  );
});
