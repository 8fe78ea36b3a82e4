import { describe, expect, it } from 'vitest';
import type { VersionRecord } from '../../src/ledger/types.ts';
import {
  settleVersion,
  UnknownVersionError,
  VersionCommitError,
  type VersionRequest,
} from '../../src/release/settle-version.ts';
import type { VersionSource } from '../../src/release/version-source.ts';

const BUILT = 'b'.repeat(40);
const OTHER = 'c'.repeat(40);

/** A source that numbered 1.1 for BUILT and 1.2 without a commit, and numbers 1.3 next. */
function source(): Pick<VersionSource, 'nextVersion' | 'commitOf'> & { numbered: VersionRecord[] } {
  const numbered: VersionRecord[] = [];
  const commits = new Map<string, string | null>([
    ['1.1', BUILT],
    ['1.2', null],
    ['1.0', BUILT.slice(0, 7)],
  ]);
  return {
    numbered,
    async nextVersion(service: string, commit: string | null, _template: string, now: number) {
      const record = { service, n: 3, version: '1.3', commit, createdAt: now };
      numbered.push(record);
      return record;
    },
    commitOf: async (_service, version) => commits.get(version),
  };
}

const request = (over: Partial<VersionRequest>): VersionRequest => ({
  service: 'shop',
  commit: OTHER,
  template: '1.{n}',
  action: 'deploy',
  now: 0,
  ...over,
});

describe('settling the version of a release', () => {
  it('numbers the next version for the commit deployed when none is named', async () => {
    const s = source();
    expect(await settleVersion(s, request({}))).toEqual({ version: '1.3', commit: OTHER });
    expect(s.numbered).toHaveLength(1);
  });

  describe('a named version', () => {
    it('runs the commit it was numbered for, and numbers nothing', async () => {
      const s = source();
      expect(await settleVersion(s, request({ named: '1.1', commit: BUILT }))).toEqual({
        version: '1.1',
        commit: BUILT,
      });
      expect(s.numbered).toEqual([]);
    });

    it('is refused when the source never numbered it', async () => {
      await expect(settleVersion(source(), request({ named: '9.9' }))).rejects.toBeInstanceOf(
        UnknownVersionError,
      );
    });

    it('is refused for a deploy of another commit', async () => {
      const refused = settleVersion(source(), request({ named: '1.1', commit: OTHER }));
      await expect(refused).rejects.toBeInstanceOf(VersionCommitError);
      await expect(refused).rejects.toMatchObject({ built: BUILT, deployed: OTHER });
    });

    it('runs the whole SHA deployed when it was numbered for an abbreviation of it', async () => {
      expect(await settleVersion(source(), request({ named: '1.0', commit: BUILT }))).toEqual({
        version: '1.0',
        commit: BUILT,
      });
      const refused = settleVersion(source(), request({ named: '1.0', commit: OTHER }));
      await expect(refused).rejects.toBeInstanceOf(VersionCommitError);
      // Only a SHA abbreviates: a name is compared whole.
      const named = source();
      named.commitOf = async () => 'main';
      await expect(
        settleVersion(named, request({ named: '1.0', commit: 'mainline' })),
      ).rejects.toBeInstanceOf(VersionCommitError);
    });

    it('checks its own commit out for a rollback, whatever commit the run started from', async () => {
      const settled = await settleVersion(
        source(),
        request({ named: '1.1', commit: OTHER, action: 'rollback' }),
      );
      expect(settled).toEqual({ version: '1.1', commit: BUILT });
    });

    it('runs the commit deployed when it was numbered without one', async () => {
      expect(await settleVersion(source(), request({ named: '1.2' }))).toEqual({
        version: '1.2',
        commit: OTHER,
      });
    });
  });
});
