/**
 * A real HTTP server on 127.0.0.1 that stands in for Slack, Teams or a webhook receiver: it
 * records every request (headers and raw body) and answers as the test scripts it: a status
 * with headers, or `hang` (never answers; the request stays open until the receiver closes).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly server: Server;
  private readonly answer: (request: ReceivedRequest, index: number) => Answer;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(answer: (request: ReceivedRequest, index: number) => Answer) {
    this.answer = answer;
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: ReceivedRequest = {
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const answer = this.answer(received, this.requests.length);
        this.requests.push(received);
        if (answer === 'hang') {
          this.hanging.add(res);
          return;
        }
        res.writeHead(answer.status, answer.headers).end('ok');
      });
    });
  }

  /** Starts one on a free port of 127.0.0.1. */
  static async start(answer: (request: ReceivedRequest, index: number) => Answer = () => ({ status: 200 })) {
    const receiver = new WebhookReceiver(answer);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** A URL on this receiver; the path stands for the secret part of a real webhook URL. */
  url(path: string): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  /** JSON bodies received, in order. */
  bodies(): Record<string, unknown>[] {
    return this.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
