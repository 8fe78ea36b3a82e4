/**
 * Recent commits (from the host: git locally, GitHub in the bot) with what the ledger knows of
 * them: the versions numbered for each, and their outcomes (CI and other jobs reported with
 * `tranche report`), and a deploy button per environment.
 */
import { html } from '../html.ts';
import type { Panel, PanelContext } from './panel.ts';

export const commitsPanel: Panel = {
  id: 'commits',
  title: 'Recent commits',
  async render(context) {
    const { commits } = context;
    if (!commits) return html`<p class="muted">This host knows no commits.</p>`;
    const sections = await Promise.all(
      [...context.readable].map((service) => serviceCommits(service, commits, context)),
    );
    return html`${sections}`;
  },
};

async function serviceCommits(
  service: string,
  commits: NonNullable<PanelContext['commits']>,
  context: PanelContext,
) {
  const [list, versions, counts] = await Promise.all([
    commits(service),
    context.ledger.versions(service),
    context.ledger.outcomeCounts(service),
  ]);
  if (list.length === 0) return '';
  const environments = context.environments.filter((e) => e.service === service).map((e) => e.environment);
  const deployable = (
    await Promise.all(
      environments.map(async (environment) =>
        (await context.viewer.canAct(service, environment, 'deploy')) ? [environment] : [],
      ),
    )
  ).flat();
  return html`<section><h3>${service}</h3><div class="grid-scroll"><table class="commits"><thead><tr><th>commit</th><th>versions</th><th>outcomes</th><th>deploy</th></tr></thead><tbody>
${list.map((commit) => {
  const numbered = versions.filter((v) => v.commit === commit.sha).map((v) => v.version);
  const outcomes = counts.filter((c) => numbered.includes(c.version));
  const failures = outcomes.reduce((n, c) => n + c.failures, 0);
  const total = outcomes.reduce((n, c) => n + c.total, 0);
  return html`<tr data-commit="${commit.sha}"><td><code>${commit.sha.slice(0, 10)}</code> ${commit.subject}<br><span class="muted">${commit.author}</span></td>
<td>${numbered.join(', ') || '–'}</td>
<td>${total === 0 ? html`<span class="muted">none reported</span>` : html`<span class="${failures > 0 ? 'bad' : 'ok'}">${total - failures}/${total} passed</span>`}</td>
<td>${deployable.map((environment) => html`<button type="button" data-action="deploy" data-service="${service}" data-environment="${environment}" data-commit="${commit.sha}" data-label="deploy ${commit.sha.slice(0, 10)} of ${service} to ${environment}">${environment}</button> `)}</td></tr>`;
})}
</tbody></table></div></section>`;
}
