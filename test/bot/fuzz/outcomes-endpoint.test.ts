import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT_SOURCES } from '../../../bot/http/outcomes-body.ts';
import { repositoryKey } from '../../../bot/http/signature.ts';
import { fuzzRuns, fuzzTimeout } from '../../support/fuzz-runs.ts';
import { jobSignature, OUTCOMES_SECRET } from '../harness/bot-server.ts';
import { useBot } from '../harness/bot-test.ts';
import { useLenientGitHub } from '../harness/lenient-github.ts';
import { FULL_NAME } from '../harness/payloads.ts';
import { word } from './hostile-text.ts';

const QUICK = 100;
/** The answers the endpoint documents; anything else (a 500) is a crash. */
const DOCUMENTED = [200, 400, 401, 404, 405, 413, 422];

const outcome = fc.record(
  {
    version: fc.oneof(fc.constantFrom('1', '2', '3', '2.14.7'), word),
    environment: fc.oneof(fc.constantFrom('staging', 'production', 'eu', 'moon'), word),
    outcome: fc.oneof(fc.constantFrom('success', 'failure'), word),
    job: fc.oneof(fc.constantFrom('j-1', 'j-2'), word),
    at: fc.oneof(
      fc.constantFrom('2026-12-01T09:00:00Z', 'yesterday'),
      fc.date().map((d) => d.toString()),
    ),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

/** Bodies a job, a careless script or an attacker might post: near the schema, or anything. */
const body = fc.oneof(
  fc.record(
    {
      repository: fc.oneof(fc.constantFrom(FULL_NAME, 'evil/repo', 'acme'), word),
      source: fc.oneof(fc.constantFrom('http', 'spark', ...BOT_SOURCES), word),
      outcomes: fc.oneof(fc.array(outcome, { maxLength: 5 }), fc.anything()),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

/** How the body is signed: with the secret, the repository's key, a wrong key, or not at all. */
const signing = fc.constantFrom('secret', 'repository', 'wrong', 'none');

function signatureOf(text: string, how: string): string | null {
  if (how === 'none') return null;
  if (how === 'wrong') return jobSignature(text, 'guessed');
  return jobSignature(text, how === 'secret' ? OUTCOMES_SECRET : repositoryKey(OUTCOMES_SECRET, FULL_NAME));
}

describe('the outcomes endpoint, given generated posts', () => {
  const t = useBot();
  const github = useLenientGitHub(beforeEach, afterEach);

  // The app is installed on acme/shop and on no other repository.
  beforeEach(() => {
    github.scope.get(`${github.repoPath}/installation`).reply(200, { id: 42, account: { login: 'acme' } });
    github.scope
      .get(/^\/repos\/(?!acme\/shop\/)[^/]+\/[^/]+\/installation$/)
      .reply(404, { message: 'Not Found' });
  });

  it(
    'answers every post with a documented status and JSON, counting each outcome it takes',
    async () => {
      await fc.assert(
        fc.asyncProperty(body, signing, async (posted, how) => {
          const raw = JSON.stringify(posted) ?? 'undefined';
          const answer = await t.postOutcomes(undefined, { raw, signature: signatureOf(raw, how) });
          expect(DOCUMENTED).toContain(answer.status);
          const json = JSON.parse(answer.body) as Record<string, unknown>;
          if (answer.status === 200) {
            const count = (posted as { outcomes: unknown[] }).outcomes.length;
            expect(Number(json.recorded) + Number(json.duplicates)).toBe(count);
          } else expect(typeof json.error).toBe('string');
          if (how === 'wrong' || how === 'none') expect(answer.status).toBe(401);
          expect(github.unplanned).toEqual([]);
        }),
        fuzzRuns(QUICK),
      );
      const bots = await t.ledger.outcomes({ service: 'shop' });
      expect(bots.filter((o) => (BOT_SOURCES as readonly string[]).includes(o.source))).toEqual([]);
    },
    fuzzTimeout(QUICK, 1000),
  );
});
