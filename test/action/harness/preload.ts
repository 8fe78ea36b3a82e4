/**
 * Loaded with `node --import` into the bundled Action's own process: GitHub's API becomes the nock
 * scenario in TRANCHE_TEST_SCENARIO (a JSON list of interactions), every other connection but
 * to 127.0.0.1 (a test's own receivers) is refused, and at exit every request (method, path, body, answer) and every interaction left
 * unused is written to TRANCHE_TEST_RECORD for the test to assert.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import nock from 'nock';
import type { Interaction, RecordedRequest, Recording } from './scenario.ts';

const scenarioFile = process.env.TRANCHE_TEST_SCENARIO;
const recordFile = process.env.TRANCHE_TEST_RECORD;
if (!scenarioFile || !recordFile)
  throw new Error('preload needs TRANCHE_TEST_SCENARIO and TRANCHE_TEST_RECORD');
const api = process.env.GITHUB_API_URL ?? 'https://api.github.com';
const interactions = JSON.parse(readFileSync(scenarioFile, 'utf8')) as Interaction[];

nock.disableNetConnect();
nock.enableNetConnect('127.0.0.1');
const requests: RecordedRequest[] = [];
const unmatched: string[] = [];
const scopes = interactions.map((interaction) => {
  const scope = nock(api)
    .intercept((path) => path === interaction.path, interaction.method)
    .reply(() => [
      interaction.status,
      interaction.echoDeployment === undefined
        ? (interaction.body ?? '')
        : echoed(interaction.echoDeployment),
      { 'content-type': 'application/json; charset=utf-8', ...interaction.headers },
    ]);
  scope.on('request', (_request: unknown, _interceptor: unknown, body: string) => {
    requests.push({
      method: interaction.method,
      path: interaction.path,
      body: body ? JSON.parse(body) : null,
      status: interaction.status,
    });
  });
  return scope;
});
nock.emitter.on('no match', (request: { method?: string; url?: string }) => {
  // The test's own receivers on 127.0.0.1 are reached for real, not matched.
  if (request.url?.startsWith('http://127.0.0.1:')) return;
  unmatched.push(`${request.method ?? '?'} ${request.url ?? '?'}`);
});

/** The deployment the last POST to /deployments asked for, as GitHub would list it. */
function echoed(id: number): unknown[] {
  const posted = requests.findLast((r) => r.method === 'POST' && r.path.endsWith('/deployments'));
  const body = (posted?.body ?? {}) as { ref?: string; environment?: string; payload?: unknown };
  return posted ? [{ id, sha: body.ref, environment: body.environment, payload: body.payload }] : [];
}

process.on('exit', () => {
  const recording: Recording = {
    requests,
    unmatched,
    pending: scopes.filter((scope) => !scope.isDone()).flatMap((scope) => scope.pendingMocks()),
  };
  writeFileSync(recordFile, JSON.stringify(recording, null, 2));
});
