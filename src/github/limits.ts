/** GitHub's size limits on what Tranche writes, and cutting text to them. */

/** A deployment status description. */
export const STATUS_DESCRIPTION_MAX = 140;
/** A check run's output.summary (and output.text). */
export const CHECK_SUMMARY_MAX = 65_535;
/** Annotations in one create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** A check run's output.title. */
export const CHECK_TITLE_MAX = 255;

/** Cuts text to at most max characters (code points), marking the cut with `…`. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** items in consecutive chunks of at most size. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
