/**
 * GitHub's answers for the dashboard, kept for KEPT_MS: the page is drawn again whenever the
 * ledger changes, and each drawing asks the same questions (who may read and act on what, a
 * repository's recent commits), so few of them reach GitHub. A failed question is asked again.
 */

/** How long an answer is kept. */
export const KEPT_MS = 60_000;
/** At most this many answers are kept; the oldest go first. */
const MAX_ANSWERS = 10_000;

/** `ask`'s answer to the question `key` (compared as JSON), from the last KEPT_MS if there is one. */
export type Kept = <T>(key: unknown[], ask: () => Promise<T>) => Promise<T>;

export function keptAnswers(now: () => number): Kept {
  const answers = new Map<string, { at: number; value: Promise<unknown> }>();
  return <T>(key: unknown[], ask: () => Promise<T>): Promise<T> => {
    const name = JSON.stringify(key);
    const at = now();
    const kept = answers.get(name);
    if (kept && at - kept.at < KEPT_MS) return kept.value as Promise<T>;
    const value = ask();
    const entry = { at, value };
    value.catch(() => answers.get(name) === entry && answers.delete(name));
    answers.delete(name);
    answers.set(name, entry);
    if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value as string);
    return value;
  };
}
