/**
 * Who asked for a release, as replies and deployments name them. The bot's own requests (a
 * promotion its timer made, a rollback a bad verdict made) carry an actor with a colon, which no
 * GitHub login holds: they are named as the bot's, never @-mentioned as if someone were called that.
 */
import { userText } from './user-text.ts';

/** The requesters of what the bot does by itself. */
export const BOT_ACTORS = {
  promotion: 'tranche:promotion',
  verdict: 'tranche:verdict',
} as const;

const BOT_WORDS: Record<string, string> = {
  [BOT_ACTORS.promotion]: 'a promotion by the Tranche bot',
  [BOT_ACTORS.verdict]: 'a bad verdict, by the Tranche bot',
};

/** Whether the requester is the bot itself rather than a person. */
export function isBotActor(requestedBy: string): boolean {
  return requestedBy.includes(':');
}

/** A GitHub login (an app's ends in `[bot]`): what may be @-mentioned. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

/**
 * `@alice`, or `a promotion by the Tranche bot`; anything else (a deployment payload's or a
 * ledger's free text) is quoted as someone's text, never a mention or markup.
 */
export function actorText(requestedBy: string): string {
  return BOT_WORDS[requestedBy] ?? (LOGIN.test(requestedBy) ? `@${requestedBy}` : userText(requestedBy));
}
