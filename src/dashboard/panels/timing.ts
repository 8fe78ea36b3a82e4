/** Stage timing per service (stats/stage-timing.ts): min, median, p95 and max per stage, with a plot. */
import { elapsedText } from '../../render/format.ts';
import { stageTimings } from '../../stats/stage-timing.ts';
import { html } from '../html.ts';
import { rangeChart } from '../svg.ts';
import type { Panel } from './panel.ts';

/** Closing events read per service. */
const EVENTS = 5000;

export const timingPanel: Panel = {
  id: 'timing',
  title: 'Stage timing',
  async render(context) {
    const sections = await Promise.all(
      [...context.readable].map(async (service) => {
        const timings = stageTimings(
          await context.ledger.events({ service, withDuration: true, limit: EVENTS }),
        );
        if (timings.length === 0) return '';
        return html`<section class="timing"><h3>${service}</h3>
<div class="grid-scroll"><table><thead><tr><th>stage</th><th>count</th><th>min</th><th>median</th><th>p95</th><th>max</th></tr></thead><tbody>
${timings.map((t) => html`<tr><td>${t.stage}</td><td>${t.count}</td><td>${elapsedText(t.min)}</td><td>${elapsedText(t.median)}</td><td>${elapsedText(t.p95)}</td><td>${elapsedText(t.max)}</td></tr>`)}
</tbody></table></div>
${rangeChart(
  `stage timing of ${service}`,
  timings.map((t) => ({ label: t.stage, min: t.min, median: t.median, p95: t.p95, max: t.max })),
)}</section>`;
      }),
    );
    const shown = sections.filter((s) => s !== '');
    return shown.length > 0 ? html`${shown}` : html`<p class="muted">No stage has been timed yet.</p>`;
  },
};
