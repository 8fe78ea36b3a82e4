/**
 * The bot's webhook handling: webhooks per second and latency, on loopback, through the same
 * path as production: a signed POST to createNodeMiddleware in a Node HTTP server, the webhook
 * route's signature check, the handler, a SQLite ledger file, and GitHub's API answered by a fake GitHub
 * on 127.0.0.1 (so GitHub's own latency is not measured; Octokit's requests over loopback are).
 * Beside it, in the same run, a bare Probot app that makes the same GitHub requests and nothing
 * else: what Probot and Octokit cost alone, so the ratio is what Tranche adds.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { type ApplicationFunction, createNodeMiddleware } from 'probot';
import { CHECKPOINT_EVERY_MS, trancheBot } from '../bot/index.ts';
import { percentile } from '../src/checks/percentile.ts';
import { SqliteLedger } from '../src/ledger/sqlite.ts';
import { describe } from '../src/stats/describe.ts';
import { deliver, probotLogging, serve } from '../test/bot/harness/bot-server.ts';
import { commentPayload, statusPayload, TRANCHE_YML } from '../test/bot/harness/payloads.ts';
import type { Table } from './harness.ts';

/** The measured window: both apps send webhooks for the same seconds. */
const SECONDS = 4;
const WARM_UP = 50;
/** Warm-up webhooks are numbered from here, apart from the measured ones. */
const WARM_UP_FROM = 10_000_000;
/** Pairs of processes per row, Tranche's and the bare app's measured at the same time. */
const ROUNDS = 5;

interface Workload {
  name: string;
  /** What GitHub is asked per webhook. */
  requests: string;
  payload: (i: number) => { event: string; body: unknown };
}

/** The config's path as Octokit asks for it, and as the fake GitHub answers it. */
const CONFIG_PATH = '.github/tranche.yml';

/**
 * A Probot app that makes exactly the GitHub requests Tranche's bot makes for each workload, and
 * nothing else: no ledger, no parsing, no rendering.
 */
const bareApp: ApplicationFunction = (app) => {
  app.on('issue_comment.created', async (context) => {
    await context.octokit.rest.repos.getContent(context.repo({ path: CONFIG_PATH }));
    await context.octokit.rest.reactions.createForIssueComment(
      context.repo({ comment_id: context.payload.comment.id, content: 'eyes' }),
    );
    await context.octokit.rest.issues.createComment(context.issue({ body: 'No deployments recorded yet.' }));
  });
  app.on('deployment_status.created', async (context) => {
    await context.octokit.rest.repos.getContent(context.repo({ path: CONFIG_PATH }));
  });
};

const APPS = ['tranche', 'bare'] as const;
type AppName = (typeof APPS)[number];

const WORKLOADS: Workload[] = [
  {
    name: '`/status` comment',
    requests: 'read tranche.yml, 👀, reply',
    payload: (i) => ({
      event: 'issue_comment',
      body: commentPayload({ body: '/status', commentId: 1000 + i }),
    }),
  },
  {
    name: '`deployment_status` (in_progress)',
    requests: 'read tranche.yml',
    payload: (i) => ({
      event: 'deployment_status',
      body: statusPayload({ deploymentId: 100_000 + i, state: 'in_progress', version: String(i + 1) }),
    }),
  },
];

/**
 * GitHub's API for the bench: a plain HTTP server on 127.0.0.1 answering the requests the
 * workloads make, as GitHub would.
 */
async function fakeGitHub(): Promise<{ url: string; close(): Promise<void> }> {
  const config = JSON.stringify({
    type: 'file',
    encoding: 'base64',
    content: Buffer.from(TRANCHE_YML).toString('base64'),
  });
  const token = JSON.stringify({
    token: 'ghs_bench',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  return serve((request, response) => {
    request.resume();
    request.on('end', () => {
      const url = request.url ?? '';
      const [status, body] =
        request.method === 'GET' && url.endsWith(`/contents/${encodeURIComponent(CONFIG_PATH)}`)
          ? [200, config]
          : request.method === 'POST' && url.endsWith('/access_tokens')
            ? [201, token]
            : request.method === 'POST' && /\/issues\/(comments\/\d+\/reactions|\d+\/comments)$/.test(url)
              ? [201, '{"id":5001}']
              : [404, '{"message":"Not Found"}'];
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
}

interface Measured {
  webhooks: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** The process's CPU time (user + system, every thread) per webhook: sender, bot and fake GitHub alike. */
  cpuMs: number;
}

async function measure(
  workload: Workload,
  concurrency: number,
  appName: AppName,
  github: string,
  begin: () => Promise<void>,
): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-bench-bot-'));
  // As the bot opens it (bot/index.ts): checkpoints off the webhooks' thread.
  const ledger = await SqliteLedger.open(join(dir, 'ledger.db'), {
    backgroundCheckpoints: {
      everyMs: CHECKPOINT_EVERY_MS,
      onError: (message) => {
        throw new Error(`a checkpoint failed: ${message}`);
      },
    },
  });
  const bot = trancheBot({ ledger, sweepEveryMs: 0 });
  const app = appName === 'tranche' ? bot.app : bareApp;
  // Logged as in production, at info into a file (here /dev/null), not kept.
  const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const server = await serve(await createNodeMiddleware(app, { probot: probotLogging(log, github) }));
  try {
    for (let i = 0; i < WARM_UP; i++) {
      const { event, body } = workload.payload(WARM_UP_FROM + i);
      await deliver(server.url, event, body);
    }
    await begin();
    const latencies: number[] = [];
    let next = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const deadline = start + SECONDS * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        const { event, body } = workload.payload(next++);
        const begun = performance.now();
        const delivery = await deliver(server.url, event, body);
        if (delivery.status !== 200) throw new Error(`the bot answered ${delivery.status}: ${delivery.body}`);
        latencies.push(performance.now() - begun);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      webhooks: latencies.length,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuMs: (used.user + used.system) / 1000 / latencies.length,
    };
  } finally {
    bot.stop();
    await server.close();
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One app in a process of its own (`node bench/bot.ts <workload index> <in flight> <app>`): it
 * warms up, says `ready`, starts measuring when told `go` on its stdin, and prints the
 * measurement as JSON.
 */
function startAlone(workload: number, concurrency: number, app: AppName) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), String(workload), String(concurrency), app],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith('ready\n')) resolve();
    });
    // A process that dies while warming up fails the round rather than leaving it waiting (after ready: no effect).
    child.once('close', (code) =>
      reject(new Error(`the bot bench process of ${app} exited with ${String(code)} before it was ready`)),
    );
  });
  const done = once(child, 'close').then(([code]) => {
    if (code !== 0) throw new Error(`the bot bench process of ${app} exited with ${String(code)}`);
    return JSON.parse(out.slice('ready\n'.length)) as Measured;
  });
  return { ready, go: () => child.stdin.end('go\n'), done };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const rate = (value: number) => Math.round(value).toLocaleString('en-US');
const times = (value: number) => `${value.toFixed(2)}×`;
const median = (values: number[]) => describe(values)?.median ?? Number.NaN;

/** The median and range of a sample: `0.81× (0.74–0.86)`. */
function spread(values: number[]): string {
  const d = describe(values);
  return d ? `${times(d.median)} (${d.min.toFixed(2)}–${d.max.toFixed(2)})` : '-';
}

/**
 * ROUNDS pairs: in each, Tranche's bot and the bare app, each in its own process, measured over
 * the same seconds, so whatever else the machine runs meanwhile weighs on both alike.
 */
async function paired(workload: number, concurrency: number): Promise<Record<AppName, Measured>[]> {
  const rounds: Record<AppName, Measured>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const tranche = startAlone(workload, concurrency, 'tranche');
    const bare = startAlone(workload, concurrency, 'bare');
    await Promise.all([tranche.ready, bare.ready]);
    tranche.go();
    bare.go();
    rounds.push({ tranche: await tranche.done, bare: await bare.done });
  }
  return rounds;
}

export async function botBench(): Promise<Table[]> {
  const rows: string[][] = [];
  for (const [i, workload] of WORKLOADS.entries()) {
    for (const concurrency of [1, 8]) {
      const rounds = await paired(i, concurrency);
      const of = (app: AppName, key: keyof Measured) => median(rounds.map((r) => r[app][key]));
      rows.push([
        workload.name,
        workload.requests,
        String(concurrency),
        `${rate(of('tranche', 'webhooks'))} / ${rate(of('bare', 'webhooks'))}`,
        rate(of('tranche', 'perSecond')),
        `${ms(of('tranche', 'p50'))} / ${ms(of('tranche', 'p99'))}`,
        rate(of('bare', 'perSecond')),
        `${ms(of('bare', 'p50'))} / ${ms(of('bare', 'p99'))}`,
        spread(rounds.map((r) => r.tranche.perSecond / r.bare.perSecond)),
        `${of('tranche', 'cpuMs').toFixed(2)} / ${of('bare', 'cpuMs').toFixed(2)} ms`,
        spread(rounds.map((r) => r.bare.cpuMs / r.tranche.cpuMs)),
      ]);
    }
  }
  return [
    {
      title: 'Bot webhooks (bench/bot.ts)',
      header: [
        'webhook',
        'GitHub requests',
        'in flight',
        `webhooks in ${SECONDS} s, Tranche / bare`,
        'Tranche per second',
        'Tranche p50 / p99',
        'bare Probot per second',
        'bare p50 / p99',
        'Tranche ÷ bare',
        'CPU per webhook, Tranche / bare',
        'by CPU',
      ],
      rows,
      notes: [
        `- Each row is ${ROUNDS} rounds. In each, a process of Tranche's bot and one of the bare app run side by side: both warm up, then both send webhooks to their own app for the same ${SECONDS} seconds, so whatever else the machine runs weighs on both alike. The rates, latencies and CPU times are the medians of the rounds, and each ratio is the median of the rounds' ratios with their range. "by CPU" is the bare app's CPU time per webhook over Tranche's.`,
        "- The bare Probot app makes the same GitHub requests for the same webhook (read .github/tranche.yml; for a comment also 👀 and a reply) and nothing else, through the same Probot, Octokit, server and fake GitHub; 'Tranche ÷ bare' is Tranche's rate over its rate.",
        `- Each webhook is signed with the secret and POSTed over loopback to createNodeMiddleware in a Node HTTP server; the signature is checked once (by the bot's webhook route for Tranche, by Probot's for the bare app) and the webhook answered 200 once the handler is done, so the latency is the whole handling. ${WARM_UP} webhooks warm up first.`,
        "- GitHub is a fake on 127.0.0.1 that answers at once; Octokit's retry and throttling plugins are off (with throttling on, Octokit spaces an installation's writes about a second apart, as GitHub asks of apps, and that would be the rate).",
        '- The ledger is a SQLite file (WAL), checkpointed from a thread of its own as the bot does: a comment claims its delivery and reads the releases in one snapshot; a status claims its delivery and records the deployment in one transaction.',
        "- Each app runs in a process of its own, which sends the webhooks, runs the bot and plays GitHub; the two processes share the machine's cores. nock is not loaded there, since it routes every HTTP request of a process through its interceptors (some 40 ms each).",
      ],
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [workload, concurrency, app] = process.argv.slice(2);
  const chosen = WORKLOADS[Number(workload ?? -1)];
  const appName = APPS.find((a) => a === app);
  if (!chosen || !Number(concurrency) || !appName) {
    throw new Error(`usage: node bench/bot.ts <workload index> <in flight> <${APPS.join('|')}>`);
  }
  const github = await fakeGitHub();
  // Ready once warm; measures when the parent says go (paired).
  const begin = async () => {
    process.stdout.write('ready\n');
    await once(process.stdin, 'data');
  };
  try {
    const measured = await measure(chosen, Number(concurrency), appName, github.url, begin);
    process.stdout.write(JSON.stringify(measured));
  } finally {
    await github.close();
  }
}
