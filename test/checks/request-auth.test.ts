/** Checks behind authentication: credentials from named environment variables, sent as headers. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PrometheusCheckSpec, RequestAuth } from '../../src/checks/check-specs.ts';
import { createChecker } from '../../src/checks/checker.ts';
import { ShellExecutor } from '../../src/exec/shell-executor.ts';
import { context, httpCheck } from './context.ts';

const executor = new ShellExecutor({ baseEnv: { PATH: process.env.PATH } });
const BASIC = `Basic ${Buffer.from('admin:s3cret').toString('base64')}`;

/**
 * A real server standing for a health endpoint and a Prometheus behind an authenticating proxy:
 * 401 unless the request carries `authorization` (and, under /tenant, X-Scope-OrgID) as expected.
 */
let server: Server;
let base: string;
let seen: IncomingHttpHeaders[] = [];
let expected = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    const tenantOk = !req.url?.includes('/tenant') || req.headers['x-scope-orgid'] === 'team-7';
    if (req.headers.authorization !== expected || !tenantOk) {
      res.writeHead(401).end('unauthorized');
      return;
    }
    const vector = {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [0, '4'] }] },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(vector));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
});

function prometheusCheck(server: string, auth: RequestAuth): PrometheusCheckSpec {
  return { kind: 'prometheus', name: 'errors', server, query: 'sum(up)', max: 5, timeoutMs: 2_000, auth };
}

describe('a check with auth', () => {
  it('sends HTTP basic auth with the password from the named environment variable', async () => {
    expected = BASIC;
    const checker = createChecker({ executor, env: { HEALTH_PASSWORD: 's3cret' } });
    const auth = { basic: { username: 'admin', passwordEnv: 'HEALTH_PASSWORD' } };
    const result = await checker.run(httpCheck(`${base}/health`, { samples: 1, auth }), context(), '.');
    expect(result).toMatchObject({ status: 'pass' });
    expect(seen.map((h) => h.authorization)).toEqual([BASIC]);
  });

  it('queries a Prometheus behind a proxy with a bearer token and a tenant header, one from the environment', async () => {
    expected = 'Bearer prom-token';
    const checker = createChecker({ executor, env: { PROM_TOKEN: 'prom-token', TENANT: 'team-7' } });
    const auth = { bearer: { tokenEnv: 'PROM_TOKEN' }, headers: { 'X-Scope-OrgID': { env: 'TENANT' } } };
    const result = await checker.run(prometheusCheck(`${base}/tenant`, auth), context(), '.');
    expect(result).toMatchObject({ status: 'pass', value: 4 });
    expect(seen).toMatchObject([
      {
        authorization: 'Bearer prom-token',
        'x-scope-orgid': 'team-7',
        'content-type': 'application/x-www-form-urlencoded',
      },
    ]);
  });

  it('fails the check naming the variable that is not set, and sends no request', async () => {
    const checker = createChecker({ executor, env: {} });
    const auth = { basic: { username: 'admin', passwordEnv: 'HEALTH_PASSWORD' } };
    const result = await checker.run(httpCheck(`${base}/health`, { samples: 1, auth }), context(), '.');
    expect(result).toMatchObject({
      status: 'error',
      message:
        'cannot authenticate: the environment variable HEALTH_PASSWORD (the basic auth password) is not set',
    });
    expect(seen).toEqual([]);
  });
});
