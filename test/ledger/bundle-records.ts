/** One record of each kind a bundle carries, for the bundle and import tests. */
import type { LedgerRecord } from '../../src/ledger/types.ts';

export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

export const RECORDS: LedgerRecord[] = [
  { type: 'version', version: { service: 'api', n: 1, version: '1.1', commit: 'aaa', createdAt: T0 } },
  {
    type: 'run',
    run: {
      runId: 'r1',
      service: 'api',
      environment: 'prod',
      version: '1.1',
      commit: 'aaa',
      startedAt: T0,
      finishedAt: T0 + 5,
      decision: 'succeeded',
      reasonCode: 'all_batches_healthy',
      durationMs: 5,
      actor: 'alice',
    },
  },
  {
    type: 'event',
    event: {
      runId: 'r1',
      seq: 1,
      at: T0,
      kind: 'check',
      status: 'ok',
      service: 'api',
      environment: 'prod',
      version: '1.1',
      target: 'w1',
      data: { value: 42, nested: { b: 1, 2: 'x' } },
    },
  },
  {
    type: 'target',
    target: {
      service: 'api',
      environment: 'prod',
      component: 'web',
      target: 'w1',
      version: '1.1',
      goodVersion: '1.1',
      runId: 'r1',
      updatedAt: T0 + 5,
    },
  },
  {
    type: 'outcome',
    outcome: {
      service: 'api',
      version: '1.1',
      environment: 'prod',
      outcome: 'failure',
      source: 'job',
      sourceId: 'j1',
      at: T0 + 6,
    },
  },
  {
    type: 'verdict',
    verdict: {
      service: 'api',
      version: '1.1',
      verdict: 'bad',
      reasonCode: 'marked_bad',
      kind: 'override',
      actor: 'alice',
      reason: 'corrupts the index',
      message: 'marked bad by alice: corrupts the index',
      evidence: null,
      at: T0 + 7,
    },
  },
  {
    type: 'watch',
    watch: {
      service: 'api',
      environment: 'prod',
      component: 'web',
      target: 'w1',
      check: 'health',
      at: T0 + 8,
      state: 'red',
      status: 'fail',
      reason: 'HTTP 503',
      value: null,
    },
  },
];
