import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChecker } from '../../src/checks/checker.ts';
import type { Executor, TargetCheckSpec } from '../../src/engine/ports.ts';
import { ShellExecutor } from '../../src/exec/shell-executor.ts';
import { commandCheck, context, httpCheck } from './context.ts';

const executor = new ShellExecutor({ baseEnv: { PATH: process.env.PATH } });
const cwd = process.cwd();

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('createChecker', () => {
  describe('dispatching by kind', () => {
    it('runs a command check and names the result after the check', async () => {
      const result = await createChecker({ executor }).run(
        commandCheck('echo \'{"value": 3}\''),
        context(),
        cwd,
      );
      expect(result).toMatchObject({ check: 'query', status: 'pass', value: 3 });
      expect(result.durationMs).toBeGreaterThan(0);
    });

    it('labels a command check’s value with the unit its config declares', async () => {
      const spec = { ...commandCheck('echo \'{"value": 3}\''), unit: 'ms' };
      const result = await createChecker({ executor }).run(spec, context(), cwd);
      expect(result).toMatchObject({ value: 3, unit: 'ms' });
    });

    it('runs an http check', async () => {
      const result = await createChecker({ executor }).run(
        httpCheck(`${base}/`, { samples: 2 }),
        context(),
        cwd,
      );
      expect(result).toMatchObject({ check: 'health', status: 'pass', metric: 'p95', unit: 'ms' });
    });

    it('uses the injected fetch and now', async () => {
      const urls: string[] = [];
      let time = 0;
      const checker = createChecker({
        executor,
        fetchImpl: async (url) => {
          urls.push(url);
          return new Response('ok', { status: 200 });
        },
        now: () => (time += 5),
      });
      const result = await checker.run(
        httpCheck('http://example.invalid/{target}', { samples: 2 }),
        context(),
        cwd,
      );
      expect(urls).toEqual(['http://example.invalid/web-1', 'http://example.invalid/web-1']);
      expect(result).toMatchObject({ status: 'pass', value: 5 });
      expect(result.durationMs).toBe(25);
    });
  });

  describe('when a check implementation throws', () => {
    it('turns an exception thrown by the executor into an error with its message', async () => {
      const throwing: Executor = {
        run() {
          throw new Error('executor exploded');
        },
      };
      const result = await createChecker({ executor: throwing }).run(commandCheck('true'), context(), cwd);
      expect(result).toMatchObject({ check: 'query', status: 'error' });
      expect(result.message).toContain('executor exploded');
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('turns a rejection of the executor into an error', async () => {
      const rejecting: Executor = { run: () => Promise.reject(new TypeError('no such thing')) };
      const result = await createChecker({ executor: rejecting }).run(commandCheck('true'), context(), cwd);
      expect(result.status).toBe('error');
      expect(result.message).toContain('no such thing');
    });

    it('turns a fetch that throws synchronously into an error', async () => {
      const checker = createChecker({
        executor,
        fetchImpl: () => {
          throw new Error('fetch exploded');
        },
      });
      const result = await checker.run(httpCheck('http://example.invalid/'), context(), cwd);
      expect(result.status).toBe('error');
      expect(result.message).toContain('fetch exploded');
    });

    it('turns an executor resolving with garbage into an error, never a pass', async () => {
      const garbage = { run: () => Promise.resolve(undefined) } as unknown as Executor;
      const result = await createChecker({ executor: garbage }).run(commandCheck('true'), context(), cwd);
      expect(result.status).toBe('error');
    });

    it('turns an unknown kind of check into an error', async () => {
      const spec = { kind: 'smoke', name: 'odd', timeoutMs: 1_000 } as unknown as TargetCheckSpec;
      const result = await createChecker({ executor }).run(spec, context(), cwd);
      expect(result).toMatchObject({ check: 'odd', status: 'error' });
      expect(result.message).toContain('unknown check kind "smoke"');
    });
  });
});
