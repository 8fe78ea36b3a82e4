import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { untilInFileAlone } from '../support/sqlite-file-alone.ts';
import { deliver, serve, WEBHOOK_SECRET } from './harness/bot-server.ts';
import { type BundledBot, readDockerfile, startBundledBot } from './harness/bundled-bot.ts';
import { commentPayload, INSTALLATION_ID, TRANCHE_YML } from './harness/payloads.ts';

/** What the bot asked GitHub, in order: `METHOD path` and the body. */
interface Asked {
  request: string;
  body: string;
}

/**
 * GitHub's API on 127.0.0.1 under /api/v3 (where GHE_HOST points Probot), answering the requests
 * of a `/status` comment as GitHub does and 404 to anything else.
 */
async function fakeGitHub(asked: Asked[]) {
  const answers: Record<string, [number, unknown]> = {
    [`POST /api/v3/app/installations/${INSTALLATION_ID}/access_tokens`]: [
      201,
      { token: 'ghs_bundled', expires_at: new Date(Date.now() + 3_600_000).toISOString() },
    ],
    'GET /api/v3/repos/acme/shop/contents/.github%2Ftranche.yml': [
      200,
      { type: 'file', encoding: 'base64', content: Buffer.from(TRANCHE_YML).toString('base64') },
    ],
    'POST /api/v3/repos/acme/shop/issues/comments/1001/reactions': [201, { id: 1, content: 'eyes' }],
    'POST /api/v3/repos/acme/shop/issues/12/comments': [201, { id: 5001 }],
  };
  return serve((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const key = `${request.method} ${request.url}`;
      asked.push({ request: key, body });
      const [status, answer] = answers[key] ?? [404, { message: 'Not Found' }];
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
}

/** A registered app's environment, its API calls going to the fake GitHub at `github`. */
function appEnvironment(github: string, secret: string): Record<string, string> {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    HOST: '127.0.0.1',
    APP_ID: '2718',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: secret,
    GHE_HOST: new URL(github).host,
    GHE_PROTOCOL: 'http',
  };
}

describe('the bundled bot, as its image runs it', { timeout: 120_000 }, () => {
  let bot: BundledBot | undefined;
  let github: { url: string; close(): Promise<void> } | undefined;

  afterEach(async () => {
    await bot?.stop();
    await github?.close();
    bot = undefined;
    github = undefined;
  });

  it('runs the bundle the image copies, from app.yml beside it', () => {
    const image = readDockerfile();
    expect(image.cmd).toEqual(['node', 'dist/bot.js']);
    expect(image.copies).toEqual([
      { from: 'app.yml', to: 'app.yml' },
      { from: 'dist/bot.js', to: 'dist/bot.js' },
    ]);
    expect(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8')).toMatch(
      /^FROM node:24-slim$[\s\S]*^USER node$/m,
    );
  });

  it('answers a signed webhook from a directory with no node_modules, calling GitHub where GHE_HOST says', async () => {
    const asked: Asked[] = [];
    github = await fakeGitHub(asked);
    bot = await startBundledBot(appEnvironment(github.url, WEBHOOK_SECRET));
    expect(existsSync(`${bot.dir}/node_modules`)).toBe(false);

    const delivery = await deliver(bot.url, 'issue_comment', commentPayload({ body: '/status' }));

    expect(delivery.status).toBe(200);
    expect(asked.map((a) => a.request)).toEqual([
      `POST /api/v3/app/installations/${INSTALLATION_ID}/access_tokens`,
      'GET /api/v3/repos/acme/shop/contents/.github%2Ftranche.yml',
      'POST /api/v3/repos/acme/shop/issues/comments/1001/reactions',
      'POST /api/v3/repos/acme/shop/issues/12/comments',
    ]);
    expect(JSON.parse(asked.at(-1)?.body ?? '{}').body).toContain('No deployments recorded yet.');
    expect(existsSync(`${bot.dir}/ledger.db`)).toBe(true);
    // The bundle's checkpoint thread copies the delivery's claim into the file (the WAL alone would hold it).
    expect(await untilInFileAlone(`${bot.dir}/ledger.db`, 'bot_deliveries', 1)).toBe(1);
    expect(await bot.healthcheck()).toBe(0);
  });

  it('refuses a webhook whose signature is wrong, asking GitHub nothing', async () => {
    const asked: Asked[] = [];
    github = await fakeGitHub(asked);
    bot = await startBundledBot(appEnvironment(github.url, 'another secret'));
    const delivery = await deliver(bot.url, 'issue_comment', commentPayload({ body: '/status' }));
    expect(delivery.status).toBe(400);
    expect(asked).toEqual([]);
  });

  it('without credentials, opens the setup flow that registers the app from app.yml', async () => {
    bot = await startBundledBot({ HOST: '127.0.0.1' });
    const page = await (await fetch(`${bot.url}/probot`)).text();
    const manifest = JSON.parse(/name="manifest" id="manifest" value='([^']*)'/.exec(page)?.[1] ?? '{}');
    const appYml = parse(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8'));
    expect(manifest).toMatchObject({
      name: 'Tranche',
      default_events: appYml.default_events,
      default_permissions: appYml.default_permissions,
      redirect_url: `${bot.url}/probot/setup`,
    });
    expect(bot.logs).toContain('Probot is in setup mode, webhooks cannot be received and');
    expect(await bot.healthcheck()).toBe(0);
  });
});
