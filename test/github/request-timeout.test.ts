import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from 'octokit';
import { afterEach, describe, expect, it } from 'vitest';
import { boundRequests } from '../../src/github/request-timeout.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A GitHub API on 127.0.0.1 that answers /zen at once and takes any other request without answering. */
async function github(): Promise<string> {
  const server = createServer((request, response) => {
    if (request.url === '/zen')
      response.writeHead(200, { 'content-type': 'text/plain' }).end('Keep it logically awesome.');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const client = (baseUrl: string, timeoutMs: number) =>
  boundRequests(
    new Octokit({
      baseUrl,
      request: { retries: 0 },
      throttle: { enabled: false },
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    }),
    timeoutMs,
  );

describe('a request to GitHub', () => {
  it('gives up when the server takes it and never answers', async () => {
    const octokit = client(await github(), 200);
    await expect(
      octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' }),
    ).rejects.toThrow(/abort|timeout/i);
  });

  it('is answered as before when the server answers', async () => {
    const { data } = await client(await github(), 60_000).request('GET /zen');
    expect(data).toBe('Keep it logically awesome.');
  });

  it('still stops when the caller’s own signal aborts', async () => {
    const octokit = client(await github(), 60_000);
    const caller = new AbortController();
    const pending = octokit.request('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'shop',
      request: { signal: caller.signal },
    });
    caller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });
});
