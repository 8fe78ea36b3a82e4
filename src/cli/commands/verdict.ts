/**
 * `tranche verdict [--version V]`: computes the fleet-wide verdict of each version with outcomes or an override
 * (or of V), records it when it changed, and shows the evidence, what a bad verdict rolls back
 * and the plot. `tranche verdict mark-bad|mark-good V --reason …`: an override with who and why.
 */
import { resolveVerdictSettings } from '../../config/resolve.ts';
import { rollbackChoices, type VerdictEvidence } from '../../engine/verdict.ts';
import type { Ledger } from '../../ledger/types.ts';
import { actingName } from '../../release/actor.ts';
import { runHistory } from '../../release/deployment-records.ts';
import { evaluateVerdict, overrideVerdict } from '../../release/fleet-verdicts.ts';
import { environmentsRunning } from '../../release/live-version.ts';
import { verdictBadNotice } from '../../release/notices.ts';
import { evidenceTable, rollbackLines, verdictPlot } from '../../render/fleet-verdict.ts';
import { notifyOnce } from '../notify.ts';
import { type CommonOptions, loadProject, withLedger } from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { isoTime } from '../table.ts';

export interface VerdictOptions extends CommonOptions {
  version?: string | undefined;
}

export interface MarkOptions extends CommonOptions {
  reason?: string | undefined;
  by?: string | undefined;
}

/** Exit codes: 0 no version is bad; 1 a version shown has a bad verdict standing; 2 bad config or usage. */
export async function verdictCommand(options: VerdictOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  const { config } = project.loaded;
  const settings = resolveVerdictSettings(config);
  const service = config.service;
  return withLedger(
    options,
    runtime,
    project.dir,
    async (ledger) => {
      const named = options.version;
      const versions = named
        ? (await hasOutcomesOrVerdict(ledger, service, named))
          ? [named]
          : []
        : await versionsJudged(ledger, service);
      if (versions.length === 0) {
        // Nothing to judge, and nothing recorded: a version looked up is not a version reported on.
        const what = named ? `${service} ${named}` : service;
        runtime.stdout.write(
          options.json ? '[]\n' : `no outcomes of ${what} reported yet (tranche report)\n`,
        );
        return 0;
      }
      const results = [];
      for (const version of versions) {
        const evaluated = await evaluateVerdict(ledger, service, version, settings, {
          actor: 'tranche verdict',
          now: Date.now(),
        });
        const environments = Object.keys(config.environments);
        const liveOn = await environmentsRunning(runHistory(ledger), { service, environments, version });
        const rollback = rollbackChoices(settings.rollback, evaluated.computed.evidence, liveOn);
        results.push({ ...evaluated, rollback });
      }
      if (options.json) {
        const out = results.map((r) => ({
          version: r.computed.version,
          verdict: r.standing.verdict,
          standing: r.standing,
          computed: r.computed,
          recorded: r.recorded !== null,
          rollback: r.standing.verdict === 'bad' ? r.rollback : [],
        }));
        runtime.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        const detailed = options.version !== undefined;
        const text = results.map((r) =>
          [
            `${service} ${r.computed.version}: ${r.standing.verdict.toUpperCase()} — ${r.standing.message}`,
            ...(r.standing.kind === 'override'
              ? [`  computed: ${r.computed.verdict} — ${r.computed.message}`]
              : []),
            ...(detailed ? details(r.computed.evidence) : []),
            ...(r.standing.verdict === 'bad' ? rollbackLines(settings.rollback, r.rollback) : []),
          ].join('\n'),
        );
        runtime.stdout.write(`${text.join('\n\n')}\n`);
      }
      return results.some((r) => r.standing.verdict === 'bad') ? 1 : 0;
    },
    'read',
  );
}

function details(evidence: VerdictEvidence): string[] {
  return [
    `  alpha ${evidence.alpha}, minSamples ${evidence.minSamples}, minEffect ${evidence.minEffect}, strata ${evidence.strata}`,
    ...evidenceTable(evidence),
    '',
    verdictPlot(evidence),
  ];
}

/**
 * The versions with outcomes or a verdict recorded (an override of a version no job reported on
 * yet counts), newest first by the first of either.
 */
async function versionsJudged(ledger: Ledger, service: string): Promise<string[]> {
  const first = new Map<string, number>();
  const seen = [...(await ledger.outcomes({ service })), ...(await ledger.verdicts(service))];
  for (const { version, at } of seen) first.set(version, Math.min(at, first.get(version) ?? at));
  return [...first.entries()].sort((a, b) => b[1] - a[1]).map(([v]) => v);
}

/** Whether the version has outcomes or a verdict recorded, as versionsJudged counts them. */
async function hasOutcomesOrVerdict(ledger: Ledger, service: string, version: string): Promise<boolean> {
  const verdicts = await ledger.verdicts(service, version);
  return verdicts.length > 0 || (await ledger.outcomeCounts(service)).some((c) => c.version === version);
}

/** `tranche verdict mark-bad V` / `mark-good V`: needs --reason; who is --by, else the user. */
export async function markCommand(
  verdict: 'bad' | 'good',
  version: string,
  options: MarkOptions,
  runtime: Runtime,
): Promise<number> {
  const reason = options.reason?.trim();
  if (!reason) throw new UsageError(`mark-${verdict} needs --reason: say why, for the audit record`);
  const project = await loadProject(options, runtime);
  const service = project.loaded.config.service;
  const actor = actingName(options.by, runtime.env);
  const record = await withLedger(options, runtime, project.dir, (ledger) =>
    overrideVerdict(ledger, { service, version, verdict, actor, reason, now: Date.now() }),
  );
  if (verdict === 'bad') {
    const environments = Object.keys(project.loaded.config.environments);
    const notice = { service, version, commit: null, who: actor, message: record.message, environments };
    await notifyOnce(project, runtime, options, (notifier) =>
      notifier.notify(verdictBadNotice({ ...notice, explanationUrl: null, at: record.at })),
    );
  }
  if (options.json) runtime.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  else
    runtime.stdout.write(
      `${service} ${version}: marked ${verdict} by ${actor} at ${isoTime(record.at)}: ${reason}\n`,
    );
  return 0;
}
