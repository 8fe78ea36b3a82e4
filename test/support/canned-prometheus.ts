/**
 * A stand-in for the Prometheus HTTP API in unit tests: a real HTTP server on 127.0.0.1 that
 * answers each POST from a function of its path and form parameters, and records every request.
 * (The real thing runs in test/checks/prometheus-real.test.ts.)
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  contentType: string | undefined;
  params: URLSearchParams;
}

export type Reply = { status?: number; json?: unknown; text?: string };

export interface CannedPrometheus {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function cannedPrometheus(
  answer: (path: string, params: URLSearchParams) => Reply,
): Promise<CannedPrometheus> {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const params = new URLSearchParams(await body(req));
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    seen.push({ method: req.method ?? '', path, contentType: req.headers['content-type'], params });
    const reply = answer(path, params);
    const text = reply.text ?? JSON.stringify(reply.json);
    res
      .writeHead(reply.status ?? 200, { 'content-type': reply.text ? 'text/html' : 'application/json' })
      .end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `{status: success}` with an instant vector of the given samples. */
export function vector(...samples: { labels?: Record<string, string>; value: string }[]): Reply {
  return {
    json: {
      status: 'success',
      data: {
        resultType: 'vector',
        result: samples.map((s) => ({ metric: s.labels ?? {}, value: [1_700_000_000, s.value] })),
      },
    },
  };
}

/** A range result with one series per entry, steps at the given times. */
export function matrix(...series: { labels?: Record<string, string>; values: [number, string][] }[]): Reply {
  return {
    json: {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: series.map((s) => ({ metric: s.labels ?? {}, values: s.values })),
      },
    },
  };
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => resolve(text));
  });
}
