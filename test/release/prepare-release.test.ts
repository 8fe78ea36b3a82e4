import { describe, expect, it } from 'vitest';
import type { ReleaseConstraints } from '../../src/engine/constraints.ts';
import type { VerdictRecord } from '../../src/ledger/fleet-types.ts';
import type { DeployLedger } from '../../src/ledger/types.ts';
import { type PrepareRequest, prepareRelease } from '../../src/release/prepare-release.ts';
import type { VersionSource } from '../../src/release/version-source.ts';

const COMMIT = 'a'.repeat(40);
const RECORDED: ReleaseConstraints = { requires: { storage: '>=1.0.0' } };
const CONFIGURED: ReleaseConstraints = { requires: {} };

/** shop 1.1 live in prod, 1.2 numbered; `bad` versions have a bad verdict; storage 2.0.0 runs beside. */
function source(bad: string[] = []): VersionSource {
  const verdict = (version: string): VerdictRecord =>
    ({
      service: 'shop',
      version,
      verdict: 'bad',
      kind: 'override',
      at: 0,
      message: 'corrupts carts',
    }) as VerdictRecord;
  return {
    ledger: {} as DeployLedger,
    nextVersion: async () => {
      throw new Error('prepare names its versions');
    },
    history: { successes: async () => [{ version: '1.1', commit: COMMIT, at: 1 }] },
    knowsOtherServices: true,
    commitOf: async (_service, version) => (['1.1', '1.2'].includes(version) ? COMMIT : undefined),
    recordedConstraints: async () => RECORDED,
    standingVerdict: async (_service, version) => (bad.includes(version) ? verdict(version) : undefined),
    liveReleases: async () => [{ service: 'storage', version: '2.0.0', constraints: null }],
  };
}

const request = (over: Partial<PrepareRequest> = {}): PrepareRequest => ({
  service: 'shop',
  environment: 'prod',
  named: '1.2',
  commit: COMMIT,
  template: '1.{n}',
  action: 'deploy',
  configured: CONFIGURED,
  now: 0,
  ...over,
});

describe('preparing a release', () => {
  it('settles the version, reads what is live before it, and finds nothing to refuse', async () => {
    expect(await prepareRelease(source(), request())).toEqual({
      version: '1.2',
      commit: COMMIT,
      constraints: CONFIGURED,
      previousVersion: '1.1',
      refusals: [],
    });
  });

  it('returns the gate’s refusal of a bad version instead of throwing it', async () => {
    const prepared = await prepareRelease(source(['1.2']), request());
    expect(prepared.refusals.map((r) => r.kind)).toEqual(['bad_verdict']);
  });

  it('checks a rollback with what the version recorded, not today’s config', async () => {
    const prepared = await prepareRelease(source(), request({ named: '1.1', action: 'rollback' }));
    expect(prepared.constraints).toEqual(RECORDED);
  });
});
