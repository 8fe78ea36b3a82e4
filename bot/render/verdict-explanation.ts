/**
 * The comment that explains a bad verdict where people will read it (the pull request that
 * deployed the version, or an issue): the verdict and who reached it, the evidence per
 * environment, the plot of the e-value against 1/alpha, what is rolled back and to which
 * version, and how to lift it. Plain text pieces from src/render/fleet-verdict.ts, fenced.
 */
import type { RollbackChoice, RollbackPolicy, VerdictEvidence } from '../../src/engine/verdict.ts';
import type { VerdictRecord } from '../../src/ledger/fleet-types.ts';
import { evidenceTable, verdictPlot } from '../../src/render/fleet-verdict.ts';
import { actorText } from './actor.ts';
import { userText } from './user-text.ts';

export interface RollbackPlan extends RollbackChoice {
  /** The environment's last good version, for a choice to roll back; null when it has none. */
  to: string | null;
}

export interface VerdictExplanation {
  service: string;
  version: string;
  standing: VerdictRecord;
  evidence: VerdictEvidence;
  policy: RollbackPolicy;
  rollbacks: RollbackPlan[];
  prefix: string;
}

export function renderVerdictExplanation(view: VerdictExplanation): string {
  const { service, version, standing, evidence } = view;
  return [
    `### 🛑 ${service} \`${version}\` is bad`,
    who(standing),
    ...evidenceSections(evidence),
    rollbackSection(view),
    `Deploys and promotions of \`${version}\` are refused (by the bot, the Action and the deployment protection rule) until \`${view.prefix}mark-good ${version} <reason>\`.`,
  ].join('\n\n');
}

function who(standing: VerdictRecord): string {
  if (standing.kind === 'override') {
    const by = standing.actor ? actorText(standing.actor) : 'someone';
    return `**Marked bad** by ${by}: ${standing.reason ? userText(standing.reason) : 'no reason given'}`;
  }
  return `**Verdict** from the outcomes of its jobs and deployments: ${standing.message}`;
}

function evidenceSections(evidence: VerdictEvidence): string[] {
  if (evidence.samples === 0) return [`No outcomes of \`${evidence.version}\` have been reported.`];
  const table = fenced(evidenceTable(evidence).join('\n'));
  if (evidence.baseline === null || evidence.trajectory.length === 0) return [table];
  return [table, fenced(verdictPlot(evidence, { width: 72, height: 12 }))];
}

function rollbackSection(view: VerdictExplanation): string {
  if (view.rollbacks.length === 0) {
    return `**Rollback** (\`${view.policy}\`): \`${view.version}\` is live nowhere.`;
  }
  const lines = view.rollbacks.map((r) => {
    if (!r.rollBack) return `- **${r.environment}** stays on \`${view.version}\`: ${r.reason}`;
    if (r.to === null) return `- **${r.environment}**: no earlier good version to roll back to (${r.reason})`;
    return `- **${r.environment}** rolls back to \`${r.to}\`: ${r.reason}`;
  });
  return [`**Rollback** (\`${view.policy}\`):`, ...lines].join('\n');
}

function fenced(text: string): string {
  return `\`\`\`text\n${text}\n\`\`\``;
}
