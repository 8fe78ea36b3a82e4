/** Per service and environment: what is live, every target's version, what holds it, and the rollback button. */
import { type Html, html, timeTag } from '../html.ts';
import { type EnvironmentView, environmentView } from '../read-model.ts';
import type { Panel, PanelContext } from './panel.ts';

export const environmentsPanel: Panel = {
  id: 'environments',
  title: 'Environments',
  async render(context) {
    if (context.environments.length === 0) return html`<p class="muted">Nothing deployed yet.</p>`;
    const views = await Promise.all(
      context.environments.map(({ service, environment }) =>
        environmentView(context.ledger, service, environment, context.now),
      ),
    );
    return html`<div class="cards">${await Promise.all(views.map((view) => card(view, context)))}</div>`;
  },
};

async function card(view: EnvironmentView, context: PanelContext): Promise<Html> {
  const { service, environment } = view;
  const canRollback = await context.viewer.canAct(service, environment, 'rollback');
  const run = view.liveRun;
  return html`<section class="card env" data-service="${service}" data-environment="${environment}">
<h3>${service} <span class="muted">in</span> ${environment}</h3>
<p class="live">live <strong class="live-version">${view.live ?? 'nothing yet'}</strong>${run?.commit ? html` · <code>${run.commit.slice(0, 12)}</code>` : ''}${run ? html` · ${timeTag(run.finishedAt)}` : ''}${run?.actor ? html` by <span class="actor">${run.actor}</span>` : ''}</p>
${view.running.map((r) => html`<p class="running">${r.action === 'rollback' ? 'rolling back to' : 'deploying'} <a href="${context.basePath}/runs/${encodeURIComponent(r.runId)}">${r.version}</a>${r.actor ? html` by <span class="actor">${r.actor}</span>` : ''} since ${timeTag(r.startedAt)}</p>`)}
${view.holders.map((h) => html`<p class="hold">held (${h.kind}) by ${h.lock.holder}${h.lock.reason ? `: ${h.lock.reason}` : ''} since ${timeTag(h.lock.acquiredAt)}</p>`)}
${view.queue.map((r) => html`<p class="queue">${r.state === 'queued' ? 'queued' : r.state.replace('_', ' ')}: ${r.kind} ${r.version ?? 'the next version'}${r.requestedBy ? ` by ${r.requestedBy}` : ''}${r.pullRequest ? ` (#${r.pullRequest})` : ''} since ${timeTag(r.requestedAt)}</p>`)}
<div class="grid-scroll"><table class="targets"><thead><tr><th>component</th><th>target</th><th>version</th><th>last good</th></tr></thead><tbody>
${view.targets.map(
  (t) =>
    html`<tr class="${t.version === t.goodVersion ? '' : 'stray'}" data-target="${t.target}"><td>${t.component}</td><td>${t.target}</td><td class="target-version">${t.version ?? '–'}</td><td>${t.goodVersion ?? '–'}</td></tr>`,
)}
</tbody></table></div>
${
  canRollback
    ? view.holders[0]
      ? html`<button type="button" disabled title="held (${view.holders[0].kind}) by ${view.holders[0].lock.holder}: a rollback waits until it is free">Roll back: held</button>`
      : view.rollback
        ? html`<button type="button" class="danger" data-action="rollback" data-service="${service}" data-environment="${environment}" data-version="${view.rollback.version}" data-live="${view.live}" data-label="roll ${service} in ${environment} back to ${view.rollback.version}">Roll back to ${view.rollback.version}</button>`
        : html`<button type="button" disabled title="nothing good succeeded before the live version">No rollback target</button>`
    : ''
}
</section>`;
}
