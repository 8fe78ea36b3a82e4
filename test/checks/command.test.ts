import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandCheckSpec } from '../../src/checks/check-specs.ts';
import { runCommandCheck } from '../../src/checks/command.ts';
import { ShellExecutor } from '../../src/exec/shell-executor.ts';
import { commandCheck, context } from './context.ts';

const cwd = mkdtempSync(join(tmpdir(), 'tranche-check-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const executor = new ShellExecutor({ baseEnv: { PATH: process.env.PATH }, killGraceMs: 200 });

function check(command: string, options: Partial<CommandCheckSpec> = {}, signal?: AbortSignal) {
  return runCommandCheck(commandCheck(command, options), context(), cwd, executor, signal);
}

describe('command check', () => {
  describe('exit status', () => {
    it('passes when the command exits 0', async () => {
      expect(await check('true')).toEqual({ status: 'pass', value: undefined, message: 'exited 0' });
    });

    it('runs with the target in TRANCHE_* variables and TRANCHE_ACTION=check', async () => {
      const result = await check(
        'test "$TRANCHE_ACTION" = check && test "$TRANCHE_TARGET" = web-1 && test "$TRANCHE_BATCH" = 2',
      );
      expect(result.status).toBe('pass');
    });

    it('fails with the exit code and the last line of stderr when the command exits non-zero', async () => {
      const result = await check('echo progress; echo first >&2; echo "disk full" >&2; exit 2');
      expect(result.status).toBe('fail');
      expect(result.message).toBe('command exited with code 2: disk full');
    });

    it('falls back to the last line of stdout when stderr is empty', async () => {
      const result = await check('echo "p99 too high"; echo; exit 1');
      expect(result.message).toBe('command exited with code 1: p99 too high');
    });

    it('is an error, not a fail, when the command times out', async () => {
      const result = await check('sleep 300', { timeoutMs: 200 });
      expect(result.status).toBe('error');
      expect(result.message).toBe('timed out after 0.20 s');
    });

    it('is an error when the command cannot start', async () => {
      const result = await runCommandCheck(commandCheck('true'), context(), join(cwd, 'missing'), executor);
      expect(result.status).toBe('error');
      expect(result.message).toContain('does not exist');
    });

    it('is an error when the run is cancelled', async () => {
      const result = await check('sleep 300', {}, AbortSignal.timeout(100));
      expect(result).toMatchObject({ status: 'error', message: 'cancelled' });
    });
  });

  describe('value', () => {
    it('records {"value": n} from the last non-empty line of stdout', async () => {
      const result = await check('echo warming up; echo \'{"value": 42.5}\'; echo');
      expect(result).toEqual({ status: 'pass', value: 42.5, message: 'exited 0, value 42.5' });
    });

    it('records no value when the last line is not {"value": n}', async () => {
      const result = await check('echo \'{"value": 1}\'; echo done');
      expect(result).toMatchObject({ status: 'pass', value: undefined });
    });

    it('records the value of a failing command but still fails', async () => {
      const result = await check('echo \'{"value": 3}\'; exit 4', { max: 10 });
      expect(result).toMatchObject({ status: 'fail', value: 3 });
      expect(result.message).toContain('code 4');
    });
  });

  describe('bounds', () => {
    it('passes a value within max and min, with the threshold', async () => {
      const result = await check('echo \'{"value": 7}\'', { max: 10, min: 5 });
      expect(result).toEqual({
        status: 'pass',
        value: 7,
        threshold: { max: 10, min: 5 },
        message: 'value 7 is within limits (min 5, max 10)',
      });
    });

    it('passes a value equal to max', async () => {
      expect((await check('echo \'{"value": 10}\'', { max: 10 })).status).toBe('pass');
    });

    it('fails a value above max', async () => {
      const result = await check('echo \'{"value": 12}\'', { max: 10 });
      expect(result).toMatchObject({ status: 'fail', value: 12, message: 'value 12 is greater than max 10' });
    });

    it('fails a value below min', async () => {
      const result = await check('echo \'{"value": 2}\'', { min: 5 });
      expect(result).toMatchObject({ status: 'fail', value: 2, message: 'value 2 is less than min 5' });
    });

    it('is no_data, never a pass, when a bound is set and the command prints no value', async () => {
      const result = await check('echo all good', { max: 10 });
      expect(result.status).toBe('no_data');
      expect(result.value).toBeUndefined();
      expect(result.message).toContain('expected one for max 10');
    });

    it('is no_data when a bound is set and the command prints nothing at all', async () => {
      expect((await check('true', { min: 1 })).status).toBe('no_data');
    });

    it.each([
      ['a string', '{"value": "7"}'],
      ['null', '{"value": null}'],
      ['a JSON array', '[7]'],
      ['an object without value', '{"p95": 7}'],
    ])('is no_data when a bound is set and the value is %s', async (_, line) => {
      const result = await check(`echo '${line}'`, { max: 10 });
      expect(result.status).toBe('no_data');
    });
  });
});
