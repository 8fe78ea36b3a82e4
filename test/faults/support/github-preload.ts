/**
 * Loaded with `node --import` into the bundled Action's process: GitHub's API becomes the fake
 * GitHub (fake-github.ts) starting from the state in TRANCHE_TEST_SCENARIO, with the scenario's
 * fault injected into one request; every other connection is refused. At exit the requests, those
 * the fake could not answer and GitHub's final state are written to TRANCHE_TEST_RECORD.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import nock from 'nock';
import type { GitHubScenario } from './github-faults.ts';
import { interceptGitHub } from './intercept-github.ts';

const scenarioFile = process.env.TRANCHE_TEST_SCENARIO;
const recordFile = process.env.TRANCHE_TEST_RECORD;
if (!scenarioFile || !recordFile)
  throw new Error('the GitHub preload needs TRANCHE_TEST_SCENARIO and TRANCHE_TEST_RECORD');
const { state, fault } = JSON.parse(readFileSync(scenarioFile, 'utf8')) as GitHubScenario;
const api = process.env.GITHUB_API_URL ?? 'https://api.github.com';

nock.disableNetConnect();
const { requests, unmatched } = interceptGitHub(api, state, fault);

process.on('exit', () => {
  writeFileSync(recordFile, JSON.stringify({ requests, unmatched, pending: [], github: state }, null, 2));
});
