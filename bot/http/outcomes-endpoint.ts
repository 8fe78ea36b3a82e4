/**
 * POST /tranche/outcomes: jobs report how they went, beside Probot's webhook route (mounted with
 * Probot's addHandler, so it works under `npm run bot` and createNodeMiddleware alike). The body
 * is signed (signature.ts: with the secret, or with the key of the repository it names) and
 * checked by a zod schema (outcomes-body.ts); the repository must have the app installed and a
 * tranche.yml defining each outcome's environment; the outcomes are of the service that
 * tranche.yml names (a body cannot name another). The outcomes are
 * recorded once per service, source and job id; the versions that got new ones are judged again
 * (a bad verdict is acted on at once), and the promotion timer's work runs. The answer is JSON:
 * `{recorded, duplicates, verdicts: [{version, verdict, reasonCode, message}]}`, or
 * `{error, problems?}` with 400 (not JSON, or not the schema), 401 (signature), 403 (the
 * repository does not own the service its tranche.yml names), 404 (repository), 405 (not POST),
 * 413 (over 1 MiB) or 422 (an environment tranche.yml does not define).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import { configName } from '../../src/config/location.ts';
import type { OutcomeInput } from '../../src/ledger/fleet-types.ts';
import { type BotDeps, loadedConfig } from '../bot-scope.ts';
import { claimOwnService } from '../handlers/service-claim.ts';
import { installationIdOf, installationScope } from '../installation-scope.ts';
import { advanceTracks } from '../tracks/advance-tracks.ts';
import { recordAndJudge } from '../verdicts/judge.ts';
import { bodyProblems, type OutcomesBody, outcomesBodySchema } from './outcomes-body.ts';
import { outcomesSignatureMatches, SIGNATURE_HEADER } from './signature.ts';

export const OUTCOMES_PATH = '/tranche/outcomes';
/** The largest body read. */
const MAX_BODY_BYTES = 1024 * 1024;

/** A request the endpoint answers with an error status and why. */
class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: number;
  readonly problems: string[] | undefined;

  constructor(status: number, message: string, problems?: string[]) {
    super(message);
    this.status = status;
    this.problems = problems;
  }
}

/** A Probot handler: answers OUTCOMES_PATH and leaves every other request to the next (false). */
export function outcomesEndpoint(app: Probot, deps: BotDeps, secret: string) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (new URL(request.url ?? '/', 'http://bot').pathname !== OUTCOMES_PATH) return false;
    try {
      if (request.method !== 'POST') throw new HttpProblem(405, 'POST outcomes as JSON');
      const raw = await readBody(request);
      const signature = request.headers[SIGNATURE_HEADER];
      if (!outcomesSignatureMatches(secret, raw, typeof signature === 'string' ? signature : undefined)) {
        throw new HttpProblem(401, `the ${SIGNATURE_HEADER} header is not this body's signature`);
      }
      answer(response, 200, await record(app, deps, parseBody(raw)));
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      app.log.info(`${OUTCOMES_PATH}: ${error.status} ${error.message}`);
      answer(response, error.status, {
        error: error.message,
        ...(error.problems ? { problems: error.problems } : {}),
      });
    }
    return true;
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpProblem(413, `a request body has at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer): OutcomesBody {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new HttpProblem(400, `the body is not JSON: ${(error as Error).message}`);
  }
  const parsed = outcomesBodySchema.safeParse(json);
  if (!parsed.success)
    throw new HttpProblem(400, 'the body is not a list of outcomes', bodyProblems(parsed.error));
  return parsed.data;
}

async function record(app: Probot, deps: BotDeps, body: OutcomesBody) {
  const scope = await installationScope(
    app,
    deps,
    body.repository,
    await installationOf(app, body.repository),
    'outcomes',
  );
  const loaded = loadedConfig(scope);
  if (!loaded)
    throw new HttpProblem(
      404,
      `${body.repository} has no valid ${configName(deps.configPaths)} on its default branch`,
    );
  const environments = Object.keys(loaded.config.environments);
  const unknown = [...new Set(body.outcomes.map((o) => o.environment))].filter(
    (e) => !environments.includes(e),
  );
  if (unknown.length > 0) {
    throw new HttpProblem(
      422,
      `${loaded.file} defines no environment ${unknown.join(', ')} (it has ${environments.join(', ')})`,
    );
  }
  const ownership = await claimOwnService(scope);
  if (ownership && !ownership.accepted) throw new HttpProblem(403, ownership.reason);
  const outcomes: OutcomeInput[] = body.outcomes.map((o) => ({
    service: loaded.config.service,
    version: o.version,
    environment: o.environment,
    outcome: o.outcome,
    source: body.source,
    sourceId: o.job,
    at: o.at === undefined ? deps.now() : Date.parse(o.at),
  }));
  const { recorded, judged } = await recordAndJudge(scope, outcomes);
  await advanceTracks(scope);
  return {
    recorded,
    duplicates: outcomes.length - recorded,
    verdicts: judged.map((j) => ({
      version: j.version,
      verdict: j.standing.verdict,
      reasonCode: j.standing.reasonCode,
      message: j.standing.message,
    })),
  };
}

/** The app's installation on the repository, or a 404. */
async function installationOf(app: Probot, repository: string): Promise<number> {
  const id = await installationIdOf(app, repository);
  if (id === undefined) throw new HttpProblem(404, `the app is not installed on ${repository}`);
  return id;
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}
