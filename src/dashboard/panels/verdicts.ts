/** Fleet-wide verdicts: each version's standing verdict with its evidence and who overrode it. */
import { effectiveVerdict } from '../../engine/verdict.ts';
import { html, timeTag } from '../html.ts';
import type { Panel } from './panel.ts';

const SHOWN = 10;

export const verdictsPanel: Panel = {
  id: 'verdicts',
  title: 'Fleet verdicts',
  async render(context) {
    const rows = (
      await Promise.all(
        [...context.readable].map(async (service) => {
          const byVersion = Map.groupBy(await context.ledger.verdicts(service), (v) => v.version);
          return [...byVersion.values()].flatMap((records) => {
            const standing = effectiveVerdict(records);
            return standing ? [standing] : [];
          });
        }),
      )
    )
      .flat()
      .toSorted((a, b) => b.at - a.at)
      .slice(0, SHOWN);
    if (rows.length === 0)
      return html`<p class="muted">No verdicts yet: report outcomes with tranche report.</p>`;
    return html`<div class="grid-scroll"><table class="verdicts"><thead><tr><th>service</th><th>version</th><th>verdict</th><th>evidence</th><th>at</th></tr></thead><tbody>
${rows.map(
  (v) => html`<tr class="verdict-${v.verdict}"><td>${v.service}</td><td>${v.version}</td>
<td><span class="badge verdict-${v.verdict}">${v.verdict}</span>${v.kind === 'override' ? html` <span class="muted">override by ${v.actor ?? '?'}: ${v.reason ?? ''}</span>` : ''}</td>
<td>${v.message}${
    v.evidence
      ? html`<details><summary>evidence</summary><dl>${Object.entries(v.evidence)
          .filter(([, value]) => typeof value !== 'object' || value === null)
          .map(([key, value]) => html`<dt>${key}</dt><dd>${String(value)}</dd>`)}</dl></details>`
      : ''
  }</td><td>${timeTag(v.at)}</td></tr>`,
)}
</tbody></table></div>`;
  },
};
