/**
 * Release tracks (release/track-state.ts, engine/tracks.ts): which version is on which track, since
 * when healthy, whether it is held, what is due, what comes next and what waits, and why.
 */
import { planPromotions } from '../../engine/tracks.ts';
import { promotionInput } from '../../release/track-state.ts';
import { elapsedText } from '../../render/format.ts';
import { html, timeTag } from '../html.ts';
import type { Panel, PanelContext, ServiceTracks } from './panel.ts';

export const tracksPanel: Panel = {
  id: 'tracks',
  title: 'Release tracks',
  async render(context) {
    const { tracks } = context;
    if (!tracks) return html`<p class="muted">This host knows no tracks.</p>`;
    const sections = await Promise.all(
      [...context.readable].map(async (service) => {
        const configured = await tracks(service);
        return configured && configured.tracks.length > 0 ? serviceTracks(service, configured, context) : '';
      }),
    );
    const shown = sections.filter((s) => s !== '');
    return shown.length > 0 ? html`${shown}` : html`<p class="muted">No service here defines tracks.</p>`;
  },
};

async function serviceTracks(service: string, configured: ServiceTracks, context: PanelContext) {
  const { now } = context;
  const input = await promotionInput(
    context.ledger,
    service,
    configured.tracks,
    now,
    configured.environmentTargets,
  );
  const plan = planPromotions(input);
  return html`<section><h3>${service}</h3><div class="grid-scroll"><table class="tracks"><thead><tr><th>track</th><th>environments</th><th>version</th><th>healthy since</th><th>baked</th></tr></thead><tbody>
${plan.tracks.map((state, i) => {
  const track = configured.tracks[i];
  const baked =
    state.bakedAt === null ? '–' : state.bakedAt <= now ? 'yes' : `in ${elapsedText(state.bakedAt - now)}`;
  return html`<tr><td>${state.track}${state.held ? html` <span class="badge verdict-bad">held</span>` : ''}</td>
<td>${track?.members.map((m) => m.environment + (m.targets ? `[${m.targets.length}]` : '')).join(', ')}</td>
<td>${state.version ?? (state.mixed ? 'mixed' : '–')}${state.deploying ? ` (deploying ${state.deploying})` : ''}</td>
<td>${timeTag(state.healthySince)}</td><td>${baked}</td></tr>`;
})}
</tbody></table></div>
${plan.due.map((p) => html`<p>due now: ${p.version} ${p.from} → ${p.to} (${p.message})</p>`)}
<p>${plan.next ? html`next promotion: ${plan.next.version} ${plan.next.from} → ${plan.next.to} at ${timeTag(plan.next.dueAt)}` : 'next promotion: none scheduled'}</p>
${plan.blocked.map((b) => html`<p class="muted">waiting: ${b.from} → ${b.to}: ${b.message}</p>`)}
</section>`;
}
