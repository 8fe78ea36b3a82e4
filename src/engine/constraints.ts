/**
 * Dependency constraints between services (seed 003): "service A 3.1.0 depends on service B at
 * least 2.14.0", and a migration identifier, "A 3.1.0 can read or migrate schemas B and C".
 * Before a deploy, the version's constraints are checked against what the ledger says is live in
 * the target environment; a rollback is checked the same way with the constraints the older
 * version declared when it was deployed. Pure: the adapter gathers the live releases
 * (release/live-releases.ts) and refuses with the messages this returns.
 *
 * Rules:
 * - `requires` ranges are npm semver ranges (`>=2.14.0`, `^2.14`, `2.x`). A version is read as
 *   semver when it is one (`2.14.3`, `3.0.0-rc.1`); a version of one to three plain numbers, as
 *   `{n}` or `2.{n}` templates make them, has its missing parts read as 0 (`17` is 17.0.0,
 *   `2.14` is 2.14.0); any other version (`build-7`) cannot satisfy a range, and the deploy is
 *   refused saying so. Prereleases satisfy a range only as semver's own rules say.
 * - A required service that was never deployed to the environment is unmet: deploy it first.
 * - Both ways: the version must satisfy what the live releases of other services require of
 *   its service, so a rollback of B below what A needs is refused too.
 * - `migrations.schema` is the schema this version leaves behind; `reads` the ones it can read
 *   or migrate from (its own is implied). The schema live in the environment is the one the
 *   service's live version declared; when it declared none (it predates `migrations`), or
 *   nothing is live, there is nothing to check.
 * - Without a ledger history (`ledger: github`: tags and deployments, no record of other
 *   services or of what a live version declared) a `requires`, or a `migrations.reads` while
 *   something is live, cannot be checked, and is refused rather than assumed.
 */
import semver from 'semver';

export interface MigrationSpec {
  /** The schema (a migration identifier) this version writes. */
  schema: string;
  /** Schemas this version can read or migrate from, besides its own. */
  reads: string[];
}

export interface ReleaseConstraints {
  /** Per service: a semver range that service's live version in the same environment must satisfy. */
  requires: Record<string, string>;
  migrations?: MigrationSpec | undefined;
}

/** What runs in the environment now, per service. */
export interface LiveRelease {
  service: string;
  version: string;
  /** What that version declared when it was deployed; null when its run recorded none. */
  constraints: ReleaseConstraints | null;
}

export interface ConstraintCheck {
  service: string;
  version: string;
  environment: string;
  constraints: ReleaseConstraints;
  /** The live release of every service in the environment, this service's own included. */
  live: LiveRelease[];
  /** False when the ledger keeps no such history (`ledger: github`); see the rules above. */
  history: boolean;
}

export const UNMET_KINDS = ['requires', 'required_by', 'schema', 'unverifiable'] as const;
export type UnmetKind = (typeof UNMET_KINDS)[number];

export interface UnmetConstraint {
  kind: UnmetKind;
  /** The exact constraint and what the environment has instead, e.g. `requires storage >=2.14.0, but production runs storage 2.13.9`. */
  message: string;
}

/** Every constraint the deploy would break; empty when it may go ahead. */
export function unmetConstraints(check: ConstraintCheck): UnmetConstraint[] {
  return [...requirements(check), ...dependents(check), ...schemas(check)];
}

/** The version as semver: itself, or one to three plain numbers padded with zeros; null otherwise. */
export function asSemver(version: string): string | null {
  if (semver.valid(version)) return version;
  if (!/^\d+(\.\d+){0,2}$/.test(version)) return null;
  const parts = version.split('.').map(Number);
  while (parts.length < 3) parts.push(0);
  return semver.valid(parts.join('.'));
}

/** Whether `range` is a semver range this module can check, for validating configuration. */
export function isRange(range: string): boolean {
  return semver.validRange(range) !== null;
}

/** A reason the version does not satisfy the range, or undefined when it does. */
function rangeProblem(version: string, range: string): 'not_semver' | 'outside' | undefined {
  const parsed = asSemver(version);
  if (parsed === null) return 'not_semver';
  return semver.satisfies(parsed, range) ? undefined : 'outside';
}

function requirements(check: ConstraintCheck): UnmetConstraint[] {
  const unmet: UnmetConstraint[] = [];
  for (const [service, range] of Object.entries(check.constraints.requires)) {
    const wanted = `requires ${service} ${range}`;
    if (!check.history) {
      unmet.push({
        kind: 'unverifiable',
        message: `${wanted}, which ledger: github cannot check: it keeps no record of other services' versions; deploy both services through one SQLite or PostgreSQL ledger`,
      });
      continue;
    }
    const live = check.live.find((r) => r.service === service);
    if (!live) {
      unmet.push({
        kind: 'requires',
        message: `${wanted}, but ${check.environment} has never run ${service}: deploy ${service} there first`,
      });
      continue;
    }
    const problem = rangeProblem(live.version, range);
    if (problem === 'outside') {
      unmet.push({
        kind: 'requires',
        message: `${wanted}, but ${check.environment} runs ${service} ${live.version}`,
      });
    } else if (problem === 'not_semver') {
      unmet.push({
        kind: 'requires',
        message: `${wanted}, but ${check.environment} runs ${service} ${live.version}, which is not a semantic version`,
      });
    }
  }
  return unmet;
}

function dependents(check: ConstraintCheck): UnmetConstraint[] {
  const unmet: UnmetConstraint[] = [];
  for (const live of check.live) {
    if (live.service === check.service) continue;
    const requires = live.constraints?.requires ?? {};
    const range = Object.hasOwn(requires, check.service) ? requires[check.service] : undefined;
    if (range === undefined) continue;
    const problem = rangeProblem(check.version, range);
    if (problem === undefined) continue;
    const why =
      problem === 'outside'
        ? `which ${check.version} does not satisfy`
        : `and ${check.version} is not a semantic version`;
    unmet.push({
      kind: 'required_by',
      message: `${live.service} ${live.version} in ${check.environment} requires ${check.service} ${range}, ${why}`,
    });
  }
  return unmet;
}

function schemas(check: ConstraintCheck): UnmetConstraint[] {
  const migrations = check.constraints.migrations;
  if (!migrations) return [];
  const own = check.live.find((r) => r.service === check.service);
  if (!own) return [];
  const readable = [...new Set([migrations.schema, ...migrations.reads])];
  const wanted = `reads schema${readable.length === 1 ? '' : 's'} ${readable.join(', ')}`;
  if (!check.history) {
    return [
      {
        kind: 'unverifiable',
        message: `${wanted}, but ledger: github cannot tell which schema ${check.service} ${own.version} left in ${check.environment}; use a SQLite or PostgreSQL ledger`,
      },
    ];
  }
  const live = own.constraints?.migrations?.schema;
  if (live === undefined || readable.includes(live)) return [];
  return [
    {
      kind: 'schema',
      message: `${wanted}, but ${check.environment} holds schema ${live} (written by ${check.service} ${own.version})`,
    },
  ];
}
