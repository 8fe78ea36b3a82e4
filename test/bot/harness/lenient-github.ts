/**
 * GitHub's REST API for generated cases, where no test can plan each request: the installation
 * token and tranche.yml are answered as often as asked, and so is whatever the test adds to
 * `scope`. A request nothing answers is refused, and named in `unplanned` for the test to check.
 */
import nock from 'nock';
import { API, contentsPath } from './github-mock.ts';
import { FULL_NAME, TRANCHE_YML } from './payloads.ts';

export interface LenientGitHub {
  scope: nock.Scope;
  /** `/repos/acme/shop`. */
  repoPath: string;
  /** Requests to GitHub that nothing answered, as `METHOD /path`. */
  unplanned: string[];
}

/** Call in a describe after useBot(); its GitHub is new in each test. */
export function useLenientGitHub(
  beforeEach: (fn: () => void) => void,
  afterEach: (fn: () => void) => void,
): LenientGitHub {
  const github = {} as LenientGitHub;
  const onUnplanned = (request: { method?: string; url?: unknown }) => {
    const url = String(request.url ?? '');
    if (url.startsWith(API)) github.unplanned.push(`${request.method} ${url.slice(API.length)}`);
  };
  beforeEach(() => {
    github.repoPath = `/repos/${FULL_NAME}`;
    github.unplanned = [];
    github.scope = nock(API).persist();
    github.scope.post(/^\/app\/installations\/\d+\/access_tokens$/).reply(201, {
      token: 'ghs_installation_token_for_tests',
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    // The bot looks for .github/tranche.yml first, then tranche.yml at the root.
    github.scope.get(`${github.repoPath}/contents/${contentsPath('.github/tranche.yml')}`).reply(404);
    github.scope.get(`${github.repoPath}/contents/tranche.yml`).reply(200, {
      type: 'file',
      encoding: 'base64',
      content: Buffer.from(TRANCHE_YML).toString('base64'),
    });
    nock.emitter.on('no match', onUnplanned);
  });
  afterEach(() => {
    nock.emitter.off('no match', onUnplanned);
  });
  return github;
}
