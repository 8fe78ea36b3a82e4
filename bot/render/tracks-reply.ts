/**
 * The release tracks in /status: which version is on which track, since when it has been healthy
 * there and when its bake is over, the holds, when the next promotion is due, and what else waits
 * and why (a hold, a manual track, a bad verdict, an unhealthy or mixed track, a refusal).
 */
import { formatDuration } from '../../src/engine/format-duration.ts';
import type { PromotionPlan, TrackSpec } from '../../src/engine/tracks.ts';
import type { PromotionRecord } from '../../src/ledger/fleet-types.ts';
import type { LockRecord } from '../../src/ledger/types.ts';
import { actorText } from './actor.ts';
import { userText } from './user-text.ts';

export interface TracksView {
  tracks: TrackSpec[];
  plan: PromotionPlan;
  holds: Map<string, LockRecord>;
  /** The service's promotions, as the ledger has them. */
  promotions: PromotionRecord[];
  now: number;
}

export function renderTracksSection(view: TracksView): string {
  const rows = view.plan.tracks.map((state, i) => {
    const track = view.tracks[i] as TrackSpec;
    const baked =
      state.bakedAt === null
        ? '—'
        : state.bakedAt <= view.now
          ? 'yes'
          : `in ${formatDuration(state.bakedAt - view.now)}`;
    return [
      `**${state.track}**${state.held ? ' ⏸️' : ''}`,
      track.members.map((m) => m.environment).join(', '),
      state.version ? `\`${state.version}\`` : state.mixed ? 'mixed' : '—',
      state.healthySince === null ? '—' : when(state.healthySince),
      baked,
      i === 0 ? 'by deploy' : track.promote,
    ];
  });
  const table = [
    '| track | environments | version | healthy since | baked | promote |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  return ['### 🛤️ Release tracks', table, ...holdLines(view), ...promotionLines(view)].join('\n\n');
}

function holdLines(view: TracksView): string[] {
  return [...view.holds].map(([track, lock]) => {
    const reason = lock.reason ? `: ${userText(lock.reason)}` : '';
    return `⏸️ **${track}** is on hold by ${actorText(lock.holder)}${reason}, since ${when(lock.acquiredAt)}.`;
  });
}

function promotionLines(view: TracksView): string[] {
  const { plan, now } = view;
  const record = (version: string | null, to: string) =>
    view.promotions.find((p) => p.version === version && p.toTrack === to);
  const lines: string[] = [];
  for (const due of plan.due) {
    const done = record(due.version, due.to);
    const state = done?.state === 'done' ? `deploying (${done.note ?? 'started'})` : 'due now';
    lines.push(`⏩ \`${due.version}\` **${due.from}** → **${due.to}**: ${state}.`);
  }
  lines.push(
    plan.next
      ? `⏭️ Next promotion: \`${plan.next.version}\` **${plan.next.from}** → **${plan.next.to}** at ${when(plan.next.dueAt)} (in ${formatDuration(plan.next.dueAt - now)}).`
      : '⏭️ Next promotion: none scheduled.',
  );
  for (const blocked of plan.blocked)
    lines.push(
      `⏳ **${blocked.from}** → **${blocked.to}** waits: ${blocked.message}` +
        (blocked.reason === 'manual' ? `: \`/promote ${blocked.version} to ${blocked.to}\`.` : '.'),
    );
  // A promotion that could not be carried out (the deploy gate refused it) is tried again while it is due.
  const planned = [...plan.due, ...plan.upcoming, ...plan.blocked];
  for (const failed of view.promotions.filter((p) => p.state === 'failed')) {
    if (!planned.some((p) => p.version === failed.version && p.to === failed.toTrack)) continue;
    lines.push(
      `🙅 \`${failed.version}\` → **${failed.toTrack}** did not go: ${failed.note ?? 'no reason recorded'}.`,
    );
  }
  return lines;
}

function when(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
