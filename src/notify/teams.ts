/**
 * A Microsoft Teams message: one Adaptive Card (1.4, which Teams incoming webhooks and Teams
 * Workflows' "when a webhook request is received" both render) in a message activity's attachments.
 */
import { NOTICE_ICONS, type Notice, noticeFacts } from './notice.ts';

export const ADAPTIVE_CARD_VERSION = '1.4';

export function teamsMessage(notice: Notice): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: `${NOTICE_ICONS[notice.kind]} ${notice.title}`,
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
      style: 'heading',
    },
  ];
  if (notice.detail) body.push({ type: 'TextBlock', text: notice.detail, wrap: true });
  body.push({ type: 'FactSet', facts: noticeFacts(notice).map((f) => ({ title: f.name, value: f.value })) });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          msteams: { width: 'Full' },
          body,
          actions: notice.links.map((link) => ({ type: 'Action.OpenUrl', title: link.title, url: link.url })),
        },
      },
    ],
  };
}
