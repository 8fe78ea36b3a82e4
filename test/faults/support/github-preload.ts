/**
 * Loaded with `node --import` into the bundled Action's process: GitHub's API becomes the fake
 * GitHub (fake-github.ts) starting from the state in TRANCHE_TEST_SCENARIO, with the scenario's
 * fault injected into one request; every other connection is refused. At exit the requests, those
 * the fake could not answer and GitHub's final state are written to TRANCHE_TEST_RECORD.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import nock from 'nock';
import type { RecordedRequest } from '../../action/harness/scenario.ts';
import { answer } from './fake-github.ts';
import { faultAnswer, faultApplies, type GitHubScenario } from './github-faults.ts';

const scenarioFile = process.env.TRANCHE_TEST_SCENARIO;
const recordFile = process.env.TRANCHE_TEST_RECORD;
if (!scenarioFile || !recordFile)
  throw new Error('the GitHub preload needs TRANCHE_TEST_SCENARIO and TRANCHE_TEST_RECORD');
const { state, fault } = JSON.parse(readFileSync(scenarioFile, 'utf8')) as GitHubScenario;
const api = process.env.GITHUB_API_URL ?? 'https://api.github.com';

nock.disableNetConnect();
const requests: RecordedRequest[] = [];
const unmatched: string[] = [];
const METHODS = ['GET', 'POST', 'PATCH'] as const;
const scope = nock(api);
/** The request being matched: nock hands interceptors the path, and each interceptor has one method. */
let matching = { method: '', path: '' };
const matches = (method: string, path: string, when = true) => {
  matching = { method, path };
  return when;
};
if (fault.kind === 'reset' && fault.at !== null) {
  for (const method of METHODS) {
    scope
      .intercept((path) => matches(method, path, requests.length === fault.at), method)
      .replyWithError(
        // An Error: nock leaves a fetch hanging for ever on a plain object.
        Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      );
  }
}
for (const method of METHODS) {
  scope
    .persist()
    .intercept((path) => matches(method, path), method)
    .reply(() => {
      const { path } = matching;
      const index = requests.length - 1;
      const input = requests[index]?.body;
      const injected = index === fault.at && fault.kind !== 'reset' ? faultAnswer(fault.kind) : undefined;
      const real = injected && !faultApplies(fault.kind) ? undefined : answer(state, method, path, input);
      if (!injected && !real) unmatched.push(`${method} ${path}`);
      const reply = injected ?? { ...(real ?? { status: 404, body: { message: 'Not Found' } }), headers: {} };
      const last = requests[index];
      if (last) last.status = reply.status;
      return [
        reply.status,
        reply.body as nock.Body,
        { 'content-type': 'application/json', ...reply.headers },
      ];
    });
}
scope.on('request', (_request: unknown, _interceptor: unknown, body: string) => {
  requests.push({ ...matching, body: body ? JSON.parse(body) : null, status: 0 });
});

process.on('exit', () => {
  writeFileSync(recordFile, JSON.stringify({ requests, unmatched, pending: [], github: state }, null, 2));
});
