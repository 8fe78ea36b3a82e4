/** A run's picture (run-model.ts) as HTML: components × batches, checks with plots, the bake, the rollback. */
import { elapsedText } from '../render/format.ts';
import { type Html, html, timeTag } from './html.ts';
import type { CheckPicture, RunPicture } from './run-model.ts';
import { lineChart } from './svg.ts';

const PHASE_TEXT: Record<string, string> = {
  waiting: 'waiting',
  deploying: 'deploying',
  deployed: 'deployed',
  healthy: 'healthy',
  unhealthy: 'unhealthy',
  failed: 'failed',
  rolling_back: 'rolling back',
  rolled_back: 'rolled back',
  rollback_failed: 'rollback failed',
  rollback_skipped: 'rollback skipped',
};

export function runStateText(picture: RunPicture): string {
  if (!picture.finished) return picture.rollback.length > 0 ? 'rolling back' : 'running';
  return (picture.finished.decision ?? (picture.finished.ok ? 'succeeded' : 'failed')).replace('_', ' ');
}

export function runView(picture: RunPicture, basePath: string): Html {
  const state = runStateText(picture);
  // A target's batch shows how it fared there, and where the rollback took it since.
  const rolled = new Map(picture.rollback.map((r) => [`${r.component ?? ''}/${r.target}`, r.phase]));
  const phaseOf = (component: string, target: string, phase: string) => {
    const after = rolled.get(`${component}/${target}`);
    return {
      css: after ?? phase,
      text: [phase, after]
        .filter(Boolean)
        .map((p) => PHASE_TEXT[p as string] ?? p)
        .join(' · '),
    };
  };
  return html`<article class="run" data-run="${picture.runId}">
<header><h3><a href="${basePath}/runs/${encodeURIComponent(picture.runId)}">${picture.service} · ${picture.environment} · ${picture.action} ${picture.version}</a></h3>
<span class="badge state-${state.replace(' ', '-')}">${state}</span></header>
<p class="meta">from ${picture.previousVersion ?? 'nothing'} · started ${timeTag(picture.startedAt)}${picture.actor ? html` by <span class="actor">${picture.actor}</span>` : ''}${picture.finished ? html` · finished ${timeTag(picture.finished.at)}` : ''}</p>
${bakeView(picture)}
<div class="grid-scroll"><table class="batches"><thead><tr><th>component</th><th>batches</th></tr></thead><tbody>
${picture.components.map(
  (c) =>
    html`<tr><th scope="row">${c.name}</th><td>${c.batches.map(
      (
        b,
      ) => html`<div class="batch batch-${b.status}"><span class="batch-no">${b.number}${c.of ? `/${c.of}` : ''}</span>
${[...b.targets].map(([target, phase]) => {
  const shown = phaseOf(c.name, target, phase);
  return html`<span class="target phase-${shown.css}" title="${target}: ${shown.text}">${target}<small>${shown.text}</small></span>`;
})}
</div>`,
    )}</td></tr>`,
)}
</tbody></table></div>
${picture.rollback.length > 0 ? html`<p class="rollback">rollback: ${picture.rollback.map((r) => html`<span class="target phase-${r.phase}">${r.target} → ${r.to ?? '–'}</span> `)}</p>` : ''}
${picture.finished?.message ? html`<p class="verdict ${picture.finished.ok ? 'ok' : 'bad'}">${picture.finished.message}</p>` : picture.lastFailure ? html`<p class="verdict bad">${picture.lastFailure}</p>` : ''}
<div class="checks">${picture.checks.map((c) => checkView(c, picture.startedAt ?? 0))}</div>
</article>`;
}

function bakeView(picture: RunPicture): Html | string {
  const bake = picture.bake;
  if (!bake || picture.at === undefined) return '';
  const remaining = Math.max(0, bake.startedAt + bake.bakeMs - picture.at);
  return html`<p class="bake">baking ${bake.component ?? ''} batch ${bake.batch ?? ''}: <span class="countdown" data-remaining-ms="${remaining}">${elapsedText(remaining)}</span> left</p>`;
}

function checkView(check: CheckPicture, startedAt: number): Html {
  const byTarget = Map.groupBy(check.points, (p) => p.target);
  const summary = `${check.total - check.failed}/${check.total} passed`;
  return html`<figure class="check ${check.failed > 0 ? 'bad' : 'ok'}"><figcaption>${check.check}: ${summary}${check.message ? html` · <span class="muted">${check.message}</span>` : ''}</figcaption>
${
  check.points.length > 0
    ? lineChart({
        title: `${check.check}${check.unit ? ` (${check.unit})` : ''}`,
        unit: check.unit,
        limits: { max: check.max, min: check.min },
        series: [...byTarget].map(([target, points]) => ({
          name: target,
          points: points.map((p) => ({ x: p.at - startedAt, y: p.value, ok: p.ok })),
        })),
      })
    : ''
}</figure>`;
}
