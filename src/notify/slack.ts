/**
 * A Slack incoming webhook's message: Block Kit blocks (a header, the detail, the facts, link
 * buttons) and `text`, the fallback Slack shows in notifications and where blocks cannot be.
 */
import { NOTICE_ICONS, type Notice, noticeFacts } from './notice.ts';

/** Slack's mrkdwn treats &, < and > as markup; user text is escaped. */
export function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Slack's limits: 150 characters for a header, 3,000 for a section's text. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function slackMessage(notice: Notice): Record<string, unknown> {
  const title = `${NOTICE_ICONS[notice.kind]} ${notice.title}`;
  const facts = noticeFacts(notice);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, 150), emoji: true } },
  ];
  if (notice.detail)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(slackEscape(notice.detail), 3000) } });
  blocks.push({
    type: 'section',
    fields: facts.map((f) => ({ type: 'mrkdwn', text: `*${f.name}*\n${slackEscape(f.value)}` })),
  });
  if (notice.links.length > 0) {
    blocks.push({
      type: 'actions',
      elements: notice.links.map((link) => ({
        type: 'button',
        text: { type: 'plain_text', text: link.title },
        url: link.url,
        action_id: `tranche_${link.rel}`,
      })),
    });
  }
  const fallback = [title, notice.detail, ...notice.links.map((l) => `${l.title}: ${l.url}`)]
    .filter((line) => line)
    .join('\n');
  return { text: fallback, blocks };
}
