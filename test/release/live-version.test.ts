import { describe, expect, it } from 'vitest';
import {
  combinedHistory,
  type DeploymentHistory,
  liveOf,
  liveVersion,
  type Success,
} from '../../src/release/live-version.ts';

function success(version: string, at: number): Success {
  return { version, commit: `c-${version}`, at };
}

function history(successes: Success[]): DeploymentHistory {
  return { successes: async () => successes };
}

describe('the live version', () => {
  it('is none before the first success', () => {
    expect(liveOf([])).toBeNull();
  });

  it('is the version of the newest success, in whatever order the record keeps them', () => {
    expect(liveOf([success('1', 10), success('3', 30), success('2', 20)])?.version).toBe('3');
  });

  it('is the version a rollback put back, once that rollback succeeded last', () => {
    expect(liveOf([success('1', 10), success('2', 20), success('1', 30)])?.version).toBe('1');
  });

  describe('read from several records at once', () => {
    it('is a CLI run’s version when the run succeeded after the bot’s last release', async () => {
      const bot = history([success('1', 10)]);
      const runs = history([success('2', 20)]);
      expect(await liveVersion(combinedHistory(bot, runs), 'shop', 'prod')).toBe('2');
    });

    it('is the bot’s release when it succeeded after the last run', async () => {
      const bot = history([success('3', 30)]);
      const runs = history([success('2', 20)]);
      expect(await liveVersion(combinedHistory(bot, runs), 'shop', 'prod')).toBe('3');
    });
  });
});
