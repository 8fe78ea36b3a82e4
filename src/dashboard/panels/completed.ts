/** Releases that finished, newest first, each a link to the run drawn from its events. */
import { decisionText, elapsedText } from '../../render/format.ts';
import { html, timeTag } from '../html.ts';
import { completedRuns } from '../read-model.ts';
import type { Panel } from './panel.ts';

const SHOWN = 20;

export const completedPanel: Panel = {
  id: 'completed',
  title: 'Completed releases',
  async render(context) {
    const runs = await completedRuns(context.ledger, context.readable, SHOWN);
    if (runs.length === 0) return html`<p class="muted">No release has finished yet.</p>`;
    return html`<div class="grid-scroll"><table class="completed"><thead><tr><th>finished</th><th>service</th><th>environment</th><th>action</th><th>version</th><th>result</th><th>took</th><th>by</th></tr></thead><tbody>
${runs.map(
  (
    run,
  ) => html`<tr class="decision-${run.decision ?? ''}"><td>${timeTag(run.finishedAt)}</td><td>${run.service}</td><td>${run.environment}</td><td>${run.action}</td>
<td><a href="${context.basePath}/runs/${encodeURIComponent(run.runId)}">${run.version}</a></td>
<td>${run.decision ? decisionText(run.decision) : '–'}${run.reasonCode ? html` <span class="muted">(${run.reasonCode})</span>` : ''}</td><td>${run.durationMs === null ? '–' : elapsedText(run.durationMs)}</td><td class="actor">${run.actor ?? '–'}</td></tr>`,
)}
</tbody></table></div>`;
  },
};
