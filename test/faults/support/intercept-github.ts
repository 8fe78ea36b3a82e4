/**
 * GitHub's API as the fake GitHub (fake-github.ts), through nock in the calling process: every
 * request is recorded and answered from `state`, changing it as GitHub would, except the one
 * `fault` names (or, a lasting fault, every one from it on), which gets the fault instead (a 502
 * is carried out all the same).
 */
import nock from 'nock';
import type { RecordedRequest } from '../../action/harness/scenario.ts';
import { answer, type GitHubState } from './fake-github.ts';
import { type FaultPlan, faultAnswer, faultApplies } from './github-faults.ts';

export interface Interception {
  /** Every request, in order, with the status it got. */
  requests: RecordedRequest[];
  /** Requests the fake has no route for (answered 404). */
  unmatched: string[];
  scope: nock.Scope;
}

const METHODS = ['GET', 'POST', 'PATCH'] as const;

export function interceptGitHub(api: string, state: GitHubState, fault: FaultPlan): Interception {
  const failing = (index: number) =>
    fault.at !== null && (fault.lasting ? index >= fault.at : index === fault.at);
  const requests: RecordedRequest[] = [];
  const unmatched: string[] = [];
  const scope = nock(api);
  /** The request being matched: nock hands interceptors the path, and each interceptor has one method. */
  let matching = { method: '', path: '' };
  const matches = (method: string, path: string, when = true) => {
    matching = { method, path };
    return when;
  };
  if (fault.kind === 'reset' && fault.at !== null) {
    for (const method of METHODS) {
      (fault.lasting ? scope.persist() : scope)
        .intercept((path) => matches(method, path, failing(requests.length)), method)
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
        const injected = failing(index) && fault.kind !== 'reset' ? faultAnswer(fault.kind) : undefined;
        const real = injected && !faultApplies(fault.kind) ? undefined : answer(state, method, path, input);
        if (!injected && !real) unmatched.push(`${method} ${path}`);
        const reply = injected ?? {
          ...(real ?? { status: 404, body: { message: 'Not Found' } }),
          headers: {},
        };
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
  return { requests, unmatched, scope };
}
