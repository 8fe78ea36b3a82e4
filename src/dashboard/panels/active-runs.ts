/** Runs still going: components × batches with each target's state, the checks and the bake. */
import { html } from '../html.ts';
import { activeRuns } from '../read-model.ts';
import { drawRun } from '../run-model.ts';
import { runView } from '../run-view.ts';
import type { Panel } from './panel.ts';

export const activeRunsPanel: Panel = {
  id: 'active',
  title: 'Active runs',
  async render(context) {
    const runs = await activeRuns(context.ledger, context.environments);
    if (runs.length === 0) return html`<p class="muted">No run is going.</p>`;
    const pictures = await Promise.all(
      runs.map(async (run) => drawRun(run.runId, await context.ledger.events({ runId: run.runId }))),
    );
    return html`${pictures.map((picture) => runView(picture, context.basePath))}`;
  },
};
