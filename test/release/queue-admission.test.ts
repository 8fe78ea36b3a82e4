import { describe, expect, it } from 'vitest';
import type { LockRecord, ReleaseRecord } from '../../src/ledger/types.ts';
import { type AdmissionSnapshot, admissionBlocker } from '../../src/release/queue-admission.ts';

function lock(name: string, holder: string): LockRecord {
  return { name, holder, acquiredAt: 0, renewedAt: 0, expiresAt: null, reason: null, data: null };
}

function running(environment: string): ReleaseRecord {
  return { id: 7, environment, requestedBy: 'bob' } as ReleaseRecord;
}

const candidate = { environment: 'prod', requestedBy: 'alice' };
const free: AdmissionSnapshot = { locks: [], run: null, running: [], queuedAhead: 0, concurrentReleases: 2 };

describe('admissionBlocker', () => {
  it('lets a release start when nothing holds its environment', () => {
    expect(admissionBlocker(candidate, free)).toBeNull();
  });

  it("waits for someone else's lock, and says whose", () => {
    const held = lock('acme/shop:env:prod', 'bob');
    expect(admissionBlocker(candidate, { ...free, locks: [held] })).toEqual({ reason: 'locked', lock: held });
  });

  it("lets the lock's holder through, ahead of those queued before", () => {
    const own = lock('acme/shop:global', 'alice');
    expect(admissionBlocker(candidate, { ...free, locks: [own], queuedAhead: 3 })).toBeNull();
  });

  it('waits for a release running in the same environment before a run outside the bot', () => {
    const busy = running('prod');
    const run = lock('deploy:shop:prod', 'ci-1');
    expect(admissionBlocker(candidate, { ...free, running: [busy], run })).toEqual({
      reason: 'busy',
      release: busy,
    });
    expect(admissionBlocker(candidate, { ...free, run })).toEqual({ reason: 'deploying', lock: run });
  });

  it('keeps the queue first asked, first started', () => {
    expect(admissionBlocker(candidate, { ...free, queuedAhead: 2 })).toEqual({ reason: 'queue', ahead: 2 });
  });

  it('waits for the repository-wide limit last', () => {
    const others = [running('staging'), running('qa')];
    expect(admissionBlocker(candidate, { ...free, running: others })).toEqual({
      reason: 'limit',
      running: others,
    });
  });
});
