/**
 * Who asked for a release, as replies and deployments name them. The bot's own requests (a
 * promotion its timer made, a rollback a bad verdict made) carry an actor with a colon, which no
 * GitHub login holds: they are named as the bot's, never @-mentioned as if someone were called that.
 */

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

/** `@alice`, or `a promotion by the Tranche bot`. */
export function actorText(requestedBy: string): string {
  return BOT_WORDS[requestedBy] ?? (isBotActor(requestedBy) ? requestedBy : `@${requestedBy}`);
}
