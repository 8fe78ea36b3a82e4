/**
 * New outcomes of a version → its verdict again: evaluateVerdict (src/release/fleet-verdicts.ts)
 * computes it from every outcome of the version and its baseline and records it when it changed;
 * the standing verdict (an override, else the computed one) is acted on once (react-to-verdict.ts).
 * The webhook's handler then runs the promotion timer's work, which cancels a bad version's
 * scheduled promotions.
 */
import { resolveVerdictSettings } from '../../src/config/resolve.ts';
import type { ComputedVerdict } from '../../src/engine/verdict.ts';
import type { OutcomeInput, VerdictRecord } from '../../src/ledger/fleet-types.ts';
import { evaluateVerdict } from '../../src/release/fleet-verdicts.ts';
import { type HandlerScope, loadedConfig } from '../bot-scope.ts';
import { reactToVerdict, type VerdictReaction } from './react-to-verdict.ts';

/** Who computed verdicts are recorded as. */
export const VERDICT_ACTOR = 'tranche bot';

export interface Judged {
  version: string;
  computed: ComputedVerdict;
  standing: VerdictRecord;
  /** What was done about it now; null when nothing was (pending, or acted on before). */
  reaction: VerdictReaction | null;
}

/** Records the outcomes (once per service, source and id) and judges the versions that got new ones. */
export async function recordAndJudge(
  scope: HandlerScope,
  outcomes: OutcomeInput[],
): Promise<{ recorded: number; judged: Judged[] }> {
  const recorded = await scope.deps.ledger.recordOutcomes(outcomes);
  if (recorded === 0) return { recorded, judged: [] };
  const service = outcomes[0]?.service ?? '';
  const judged = await judgeVersions(scope, service, [...new Set(outcomes.map((o) => o.version))]);
  return { recorded, judged };
}

/** Each version's verdict, recorded when it changed and acted on once. */
export async function judgeVersions(
  scope: HandlerScope,
  service: string,
  versions: string[],
  options: { thread?: number | undefined } = {},
): Promise<Judged[]> {
  const loaded = loadedConfig(scope);
  if (!loaded) return [];
  const { rollback: policy, ...settings } = resolveVerdictSettings(loaded.config);
  const judged: Judged[] = [];
  for (const version of versions) {
    const { computed, standing } = await evaluateVerdict(scope.deps.ledger, service, version, settings, {
      actor: VERDICT_ACTOR,
      now: scope.deps.now(),
    });
    const reaction = await reactToVerdict(scope, {
      service,
      version,
      standing,
      computed,
      policy,
      ...options,
    });
    judged.push({ version, computed, standing, reaction });
  }
  return judged;
}
