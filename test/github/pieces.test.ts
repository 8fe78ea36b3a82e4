import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { DeployEvent } from '../../src/engine/ports.ts';
import { failureAnnotations } from '../../src/github/annotations.ts';
import { outcomeUnknown, parseRepo, redactedMessage } from '../../src/github/client.ts';
import { chunks, cut } from '../../src/github/limits.ts';
import { selectTargets } from '../../src/github/target-subset.ts';
import { fleetConfig } from '../action/fleet.ts';
import { component } from '../support/fakes.ts';

describe('parseRepo', () => {
  it('reads owner/repo and refuses anything else', () => {
    expect(parseRepo('acme/shop.api')).toEqual({ owner: 'acme', repo: 'shop.api' });
    expect(parseRepo('acme')).toBeUndefined();
    expect(parseRepo('acme/shop/extra')).toBeUndefined();
  });
});

describe('outcomeUnknown', () => {
  it('is true for 5xx and for no answer at all, false for a refusal', () => {
    expect(outcomeUnknown({ status: 502 })).toBe(true);
    expect(outcomeUnknown(new Error('socket hang up'))).toBe(true);
    expect(outcomeUnknown({ status: 422 })).toBe(false);
    expect(outcomeUnknown({ status: 403 })).toBe(false);
  });
});

describe('redactedMessage', () => {
  it('names the status and the request of an error that came with no message', () => {
    const error = Object.assign(new Error(''), {
      status: 404,
      request: { method: 'POST', url: 'https://ghe.example/api/v3/repos/acme/shop/check-runs?x=1' },
    });
    expect(redactedMessage(error)).toBe(
      'HTTP 404 from POST https://ghe.example/api/v3/repos/acme/shop/check-runs, with no message',
    );
  });

  it('hides anything shaped like a GitHub token', () => {
    expect(
      redactedMessage(
        new Error('bad credentials ghp_abcdefghijklmnop1234 and github_pat_ABCDEFGHIJKLMNOPQR_x'),
      ),
    ).toBe('bad credentials *** and ***');
  });
});

describe('cut', () => {
  it('leaves text within the limit alone and marks a cut with …', () => {
    expect(cut('short', 140)).toBe('short');
    const long = cut('x'.repeat(200), 140);
    expect([...long]).toHaveLength(140);
    expect(long.endsWith('…')).toBe(true);
  });

  it('counts code points, never splitting a surrogate pair', () => {
    expect(cut('😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('chunks', () => {
  it('splits into consecutive groups of at most the size', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 50)).toEqual([]);
  });
});

describe('selectTargets', () => {
  const components = [component({ name: 'a', targets: 3 }), component({ name: 'd', targets: 1 })];

  it('keeps only the named targets and drops components left with none', () => {
    const selected = selectTargets(components, ['a-2']);
    expect(selected.map((c) => [c.name, c.targets.map((t) => t.name)])).toEqual([['a', ['a-2']]]);
  });

  it('refuses a name that is no target, listing the ones that are', () => {
    expect(() => selectTargets(components, ['a-9'])).toThrow(
      'payload.tranche.targets: a-9 is not a target of this environment (targets: a-1, a-2, a-3, d-1)',
    );
  });
});

describe('failureAnnotations', () => {
  const loaded = parseConfig(fleetConfig(), 'tranche.yml');
  const base = {
    runId: 'r',
    seq: 1,
    at: 0,
    service: 'shop',
    environment: 'prod',
    version: '1.3',
    component: 'app',
    batch: 2,
  };
  const check = (target: string): DeployEvent => ({
    ...base,
    kind: 'check',
    status: 'failed',
    target,
    message: 'value 480 is greater than max 300',
    data: { check: 'latency', status: 'fail' },
  });

  it('puts a failing check on the line that defines it, once per target', () => {
    const annotations = failureAnnotations([check('t-2'), check('t-2'), check('t-3')], {
      loaded,
      path: 'deploy/tranche.yml',
      environment: 'prod',
    });
    expect(annotations.map((a) => [a.path, a.start_line, a.title])).toEqual([
      ['deploy/tranche.yml', 13, 'check latency failed on t-2'],
      ['deploy/tranche.yml', 13, 'check latency failed on t-3'],
    ]);
  });

  it('puts a failed deploy on its component’s deploy command', () => {
    const failed: DeployEvent = {
      ...base,
      kind: 'target_deploy',
      status: 'failed',
      target: 't-1',
      message: 'exit 4',
    };
    const [annotation] = failureAnnotations([failed], { loaded, path: 'tranche.yml', environment: 'prod' });
    expect(annotation).toMatchObject({
      start_line: 8,
      title: 'deploy of app failed on t-1',
      message: 'exit 4 (batch 2)',
    });
  });

  it('ignores what did not fail', () => {
    expect(
      failureAnnotations([{ ...check('t-1'), status: 'ok' }], {
        loaded,
        path: 'tranche.yml',
        environment: 'prod',
      }),
    ).toEqual([]);
  });
});
