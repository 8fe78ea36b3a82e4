/** What people asked the dashboard to do, by whom, and how it ended (the ledger's dashboard_actions). */
import { html, timeTag } from '../html.ts';
import { recentActions } from '../read-model.ts';
import type { Panel } from './panel.ts';

const SHOWN = 15;

export const actionsPanel: Panel = {
  id: 'actions',
  title: 'Actions',
  async render(context) {
    const actions = await recentActions(context.ledger, context.readable, SHOWN);
    if (actions.length === 0) return html`<p class="muted">Nobody has acted from a dashboard yet.</p>`;
    return html`<div class="grid-scroll"><table class="actions"><thead><tr><th>at</th><th>who</th><th>what</th><th>state</th><th>message</th></tr></thead><tbody>
${actions.map(
  (a) => html`<tr class="action-${a.state}"><td>${timeTag(a.requestedAt)}</td><td>${a.actor}</td>
<td>${a.action} ${a.service} in ${a.environment}${a.version ? ` to ${a.version}` : ''}${a.commit ? ` at ${a.commit.slice(0, 10)}` : ''}</td>
<td>${a.state}</td><td>${a.message ?? ''}</td></tr>`,
)}
</tbody></table></div>`;
  },
};
