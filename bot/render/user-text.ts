/**
 * Text someone else wrote (a command's words, a lock's or a verdict's reason, a holder's name),
 * echoed in a reply the bot posts under its own name: as an inline code span, where GitHub
 * renders no link, image, mention, reference or HTML, on one line and cut to a length, so that
 * no reader can make the bot post live markup or a reply too long for GitHub to take.
 */

/** Characters of someone's text a reply shows at most, unless the caller says otherwise. */
export const ECHO_MAX = 100;

/** `text` as an inline code span of at most `max` of its characters (cut ones end in …). */
export function userText(text: string, max = ECHO_MAX): string {
  const line = cut(text, max).replace(/\s+/g, ' ');
  if (line.trim() === '') return '` `';
  // A code span's fence is a run of backticks longer than any inside it; a space keeps a
  // backtick at either end from joining the fence (GitHub drops the padding when it renders).
  const fence = '`'.repeat(longestBacktickRun(line) + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = text.slice(0, max - 1);
  // Never end on half a surrogate pair (an emoji cut in two).
  return `${/[\uD800-\uDBFF]$/.test(kept) ? kept.slice(0, -1) : kept}…`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
