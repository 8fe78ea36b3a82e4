import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpCheckSpec } from '../../src/checks/check-specs.ts';
import { runHttpCheck } from '../../src/checks/http.ts';
import type { TargetSpec } from '../../src/engine/ports.ts';
import { context, httpCheck } from './context.ts';

interface Seen {
  url: string;
  connection: string | undefined;
}

/** A real HTTP server on 127.0.0.1 whose routes play healthy, failing, slow and hung targets. */
let server: Server;
let base: string;
let seen: Seen[] = [];
let inFlight = 0;
let maxInFlight = 0;
const counters = new Map<string, number>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  seen.push({ url: req.url ?? '', connection: req.headers.connection });
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  const reply = (status: number, body = 'ok'): void => {
    inFlight--;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  };
  const [, route, arg] = url.pathname.split('/');
  const count = (counters.get(url.pathname) ?? 0) + 1;
  counters.set(url.pathname, count);
  switch (route) {
    case 'status':
      reply(Number(arg));
      break;
    case 'first-fail': // /first-fail/N/key: 500 for the first N requests, then 200
      reply(count <= Number(arg) ? 500 : 200);
      break;
    case 'mixed': // 500, 503, 500, then 200
      reply([500, 503, 500][count - 1] ?? 200);
      break;
    case 'slow':
      setTimeout(() => reply(200), Number(arg));
      break;
    case 'big':
      reply(200, 'x'.repeat(4 * 1024 * 1024));
      break;
    case 'hang':
      break; // never answers
    default:
      reply(200);
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
  inFlight = 0;
  maxInFlight = 0;
});

function check(path: string, options: Partial<HttpCheckSpec> = {}, target: Partial<TargetSpec> = {}) {
  return runHttpCheck(httpCheck(`${base}${path}`, options), context(target));
}

/** A clock that returns the given readings in turn: one before and one after each sample. */
function readings(latencies: number[]): () => number {
  const times = latencies.flatMap((latency, i) => [i * 1000, i * 1000 + latency]);
  return () => times.shift() ?? Number.NaN;
}

function openConnections(): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
}

describe('http check', () => {
  describe('when every sample answers the expected status', () => {
    it('passes with the p95 latency in ms as its value', async () => {
      const result = await check('/ok', { samples: 5, p95Ms: 1_000 });
      expect(result).toMatchObject({ status: 'pass', metric: 'p95', unit: 'ms', threshold: { max: 1_000 } });
      expect(result.value).toBeGreaterThan(0);
      expect(result.value).toBeLessThan(1_000);
      expect(result.message).toMatch(/^p95 latency \d+\.\d\d ms over 5 samples is within max 1000\.00 ms$/);
    });

    it('takes the samples one after another', async () => {
      await check('/slow/20', { samples: 4 });
      expect(seen).toHaveLength(4);
      expect(maxInFlight).toBe(1);
    });

    it('computes the value as the nearest-rank p95 of the latencies measured with now()', async () => {
      const result = await runHttpCheck(httpCheck(`${base}/ok`, { samples: 5 }), context(), undefined, {
        now: readings([10, 20, 5, 40, 15]),
      });
      expect(result).toMatchObject({
        status: 'pass',
        value: 40,
        message: 'p95 latency 40.00 ms over 5 samples',
      });
      const twenty = await runHttpCheck(httpCheck(`${base}/ok`, { samples: 20 }), context(), undefined, {
        now: readings(Array.from({ length: 20 }, (_, i) => 20 - i)),
      });
      expect(twenty.value).toBe(19);
    });

    it('is an error, never a pass, when the latencies cannot be measured', async () => {
      const result = await runHttpCheck(
        httpCheck(`${base}/ok`, { samples: 2, p95Ms: 100 }),
        context(),
        undefined,
        {
          now: () => Number.NaN,
        },
      );
      expect(result.status).toBe('error');
      expect(result.message).toContain('could not measure latency');
    });

    it('reads the whole body of each answer into the latency', async () => {
      const result = await check('/big', { samples: 2 });
      expect(result.status).toBe('pass');
    });

    it('asks for Connection: close and leaves no connection open', async () => {
      await check('/ok', { samples: 3 });
      expect(seen.map((s) => s.connection)).toEqual(['close', 'close', 'close']);
      expect(await openConnections()).toBe(0);
    });
  });

  describe('when a sample answers another status', () => {
    it('fails with how many samples returned what', async () => {
      const result = await check('/first-fail/2/a', { samples: 5 });
      expect(result.status).toBe('fail');
      expect(result.message).toBe('2 of 5 samples returned 500, expected 200');
    });

    it('lists each wrong status with its count', async () => {
      const result = await check('/mixed/b', { samples: 5 });
      expect(result.message).toBe('2 of 5 samples returned 500 and 1 returned 503, expected 200');
    });

    it('passes a non-200 status that is the expected one', async () => {
      expect((await check('/status/204', { status: 204, samples: 2 })).status).toBe('pass');
    });

    it('does not follow a redirect', async () => {
      const result = await check('/status/302', { samples: 1 });
      expect(result.message).toBe('1 of 1 samples returned 302, expected 200');
    });
  });

  describe('when the target is slow', () => {
    it('fails when the p95 latency is over p95Ms', async () => {
      const result = await check('/slow/150', { samples: 3, p95Ms: 50 });
      expect(result.status).toBe('fail');
      expect(result.value).toBeGreaterThanOrEqual(145);
      expect(result.threshold).toEqual({ max: 50 });
      expect(result.message).toMatch(
        /^p95 latency \d+\.\d\d ms over 3 samples is greater than max 50\.00 ms$/,
      );
    });

    it('is an error when a sample takes longer than timeoutMs', async () => {
      const started = performance.now();
      const result = await check('/hang', { samples: 3, timeoutMs: 200 });
      expect(result.status).toBe('error');
      expect(result.message).toBe(`GET ${base}/hang: sample 1 of 3 timed out after 0.20 s`);
      expect(performance.now() - started).toBeLessThan(2_000);
    });
  });

  describe('when the target cannot be reached', () => {
    it('is an error with the cause when the connection is refused', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const result = await runHttpCheck(httpCheck(`http://127.0.0.1:${port}/`), context());
      expect(result.status).toBe('error');
      expect(result.message).toContain('sample 1 of 5 failed');
      expect(result.message).toContain('ECONNREFUSED');
    });

    it('is an error when the run is cancelled', async () => {
      const result = await runHttpCheck(httpCheck(`${base}/hang`), context(), AbortSignal.timeout(100));
      expect(result).toMatchObject({ status: 'error', message: 'cancelled' });
    });
  });

  describe('url placeholders', () => {
    it('fills {target} and {labels.KEY} URL-encoded', async () => {
      const result = await check(
        '/echo/{target}?region={labels.region}',
        { samples: 1 },
        { name: 'web 1/a', labels: { region: 'eu west&x=1' } },
      );
      expect(result.status).toBe('pass');
      expect(seen.map((s) => s.url)).toEqual(['/echo/web%201%2Fa?region=eu%20west%26x%3D1']);
    });

    it('is an error, without any request, for an unknown placeholder', async () => {
      const result = await check('/echo/{host}', { samples: 1 });
      expect(result.status).toBe('error');
      expect(result.message).toContain('unknown placeholder {host}; use {target} or {labels.KEY}');
      expect(seen).toHaveLength(0);
    });

    it('is an error, without any request, for a label the target does not have', async () => {
      const result = await check('/echo/{labels.zone}', { samples: 1 }, { labels: { region: 'eu' } });
      expect(result.status).toBe('error');
      expect(result.message).toContain('target web-1 has no label "zone" for placeholder {labels.zone}');
      expect(seen).toHaveLength(0);
    });
  });
});
