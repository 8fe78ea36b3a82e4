/**
 * Completing a check run: the conclusion with the first 50 annotations, the rest 50 at a time, and
 * a completion that still happens when GitHub refuses the annotations. nock strictly.
 */
import nock from 'nock';
import { Octokit } from 'octokit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Annotation } from '../../src/github/annotations.ts';
import { CheckRun } from '../../src/github/check-run.ts';

const API = 'https://api.github.com';
const R = '/repos/acme/shop';
const repo = { owner: 'acme', repo: 'shop' };
const client = new Octokit({ auth: 'test-token', request: { retries: 0 } });
const output = { title: 'rolled back', summary: 'the report' };

let warnings: string[];
const log = { info: () => {}, warning: (m: string) => warnings.push(m) };

beforeEach(() => {
  warnings = [];
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function annotations(n: number): Annotation[] {
  return Array.from({ length: n }, (_, i) => ({
    path: 'tranche.yml',
    start_line: i + 1,
    end_line: i + 1,
    annotation_level: 'failure',
    title: `check ${i}`,
    message: 'failed',
  }));
}

/** A check run with id 7, created through the API as the Action creates it. */
async function created(): Promise<CheckRun> {
  nock(API).post(`${R}/check-runs`).reply(201, { id: 7 });
  return CheckRun.create(
    client,
    repo,
    { environment: 'prod', sha: 'a'.repeat(40), runId: 'r1', output },
    log,
  );
}

type Body = { status?: string; conclusion?: string; output: { annotations: Annotation[] } };

describe('CheckRun.complete', () => {
  it('sends the conclusion with the first 50 annotations, then the other 70 in two requests', async () => {
    const run = await created();
    const bodies: Body[] = [];
    const scope = nock(API)
      .patch(`${R}/check-runs/7`, (body: Body) => bodies.push(body) > 0)
      .times(3)
      .reply(200, { id: 7 });
    await run.complete('failure', output, annotations(120));
    expect(bodies.map((b) => [b.status, b.conclusion, b.output.annotations.length])).toEqual([
      ['completed', 'failure', 50],
      [undefined, undefined, 50],
      [undefined, undefined, 20],
    ]);
    expect(bodies[2]?.output.annotations[0]?.start_line).toBe(101);
    expect(warnings).toEqual([]);
    scope.done();
  });

  it('completes without annotations when GitHub refuses them (422), and says so', async () => {
    const run = await created();
    const bodies: Body[] = [];
    const scope = nock(API)
      .patch(`${R}/check-runs/7`)
      .reply(422, { message: 'Invalid request: annotations' })
      .patch(`${R}/check-runs/7`, (body: Body) => bodies.push(body) > 0)
      .reply(200, { id: 7 });
    await run.complete('failure', output, annotations(60));
    expect(bodies).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'failure' })]);
    expect(bodies[0]?.output.annotations).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/^GitHub refused the annotations .*completing without them$/),
    ]);
    scope.done();
  });

  it('does not send the completion twice when GitHub fails it for another reason', async () => {
    const run = await created();
    const scope = nock(API).patch(`${R}/check-runs/7`).reply(500, { message: 'boom' });
    await run.complete('success', output, annotations(3));
    expect(warnings).toEqual([expect.stringMatching(/^could not complete the check run/)]);
    scope.done();
  });
});
