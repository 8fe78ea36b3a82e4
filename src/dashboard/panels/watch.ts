/**
 * Monitors first: each environment's targets × checks matrix as `tranche watch` last saw it, each
 * cell with when it turned red or green and why (watch/matrix.ts).
 */
import { readWatchMatrix, type WatchCell, type WatchMatrix } from '../../watch/matrix.ts';
import { cellKey } from '../../watch/plan.ts';
import { type Html, html, timeTag } from '../html.ts';
import type { Panel } from './panel.ts';

export const watchPanel: Panel = {
  id: 'watch',
  title: 'Watch',
  async render(context) {
    const matrices = await Promise.all(
      context.environments.map(({ service, environment }) =>
        readWatchMatrix(context.ledger, service, environment),
      ),
    );
    const watched = matrices.filter((m) => m.cells.length > 0);
    if (watched.length === 0) {
      return html`<p class="muted">No environment watched yet: <code>tranche watch -e ENV</code> runs every check against every target and records each cell that turns red or green.</p>`;
    }
    return html`${watched.map(matrix)}`;
  },
};

function matrix(m: WatchMatrix): Html {
  const cells = new Map(m.cells.map((c) => [cellKey(c), c]));
  const green = m.cells.filter((c) => c.state === 'green').length;
  const red = m.cells.filter((c) => c.state === 'red');
  return html`<section class="watch" data-service="${m.service}" data-environment="${m.environment}">
<h3>${m.service} <span class="muted">in</span> ${m.environment} <span class="${red.length === 0 ? 'ok' : 'bad'}">${green}/${m.cells.length} green</span></h3>
<div class="grid-scroll"><table class="watch-matrix"><thead><tr><th>component</th><th>target</th>${m.checks.map((check) => html`<th>${check}</th>`)}</tr></thead><tbody>
${m.targets.map(
  (row) =>
    html`<tr data-target="${row.target}"><td>${row.component}</td><td>${row.target}</td>${m.checks.map(
      (check) => cellTag(cells.get(cellKey({ ...row, check }))),
    )}</tr>`,
)}
</tbody></table></div>
${red.length > 0 ? html`<ul class="watch-reasons">${red.map((c) => html`<li class="bad">✗ ${c.target} ${c.check}: ${c.reason}</li>`)}</ul>` : ''}
</section>`;
}

function cellTag(cell: WatchCell | undefined): Html {
  if (!cell) return html`<td></td>`;
  const ok = cell.state === 'green';
  return html`<td class="${ok ? 'ok' : 'bad'}" data-check="${cell.check}" data-state="${cell.state}" title="${cell.reason}">${ok ? '✓' : '✗'} ${timeTag(cell.since)}</td>`;
}
