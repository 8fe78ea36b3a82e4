/**
 * A track member's version from the bot's releases goes by the one live-version rule
 * (src/release/live-version.ts): the release that succeeded last, not the deployment GitHub
 * numbered last (a re-run of an older deployment's workflow succeeds after a newer one).
 */
import { describe, expect, it } from 'vitest';
import { releaseHealth } from '../../bot/tracks/track-health.ts';
import type { ReleaseRecord } from '../../src/ledger/types.ts';

const MINUTE = 60_000;

function succeeded(id: number, version: string, deploymentId: number, at: number): ReleaseRecord {
  return {
    id,
    repo: 'acme/shop',
    installationId: 1,
    environment: 'production',
    service: 'shop',
    origin: 'seen',
    kind: 'deploy',
    state: 'success',
    version,
    commit: null,
    requestedBy: 'ci',
    pullRequest: null,
    commentId: null,
    deploymentId,
    logUrl: null,
    checkRunUrl: null,
    description: null,
    plan: null,
    liveVersion: null,
    requestedAt: at - MINUTE,
    startedAt: at - MINUTE,
    finishedAt: at,
    succeededAt: at,
    updatedAt: at,
    targets: null,
    track: null,
  };
}

describe('a track member’s health from the bot’s releases', () => {
  it('runs the version that succeeded last, whatever order GitHub numbered the deployments in', async () => {
    // Deployment 9002 (3) succeeded first; then the workflow of 9001 (2) was run again and succeeded.
    const releases = [succeeded(2, '3', 9002, 10 * MINUTE), succeeded(1, '2', 9001, 20 * MINUTE)];
    const ledger = { releases: async () => releases };
    const tracks = [
      { name: 'stable', members: [{ environment: 'production' }], bakeMs: 0, promote: 'auto' as const },
    ];
    expect(await releaseHealth(ledger, 'acme/shop', tracks)).toEqual([
      { track: 'stable', environment: 'production', version: '2', healthySince: 20 * MINUTE },
    ]);
  });
});
