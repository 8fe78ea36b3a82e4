/** Reading a front door's words back into the decision shape the scenarios expect. */
import type { Decision, RefusalReason } from './scenarios.ts';

/**
 * Which refusal a front door's message reports. Each front door words the gate's refusal
 * (release/deploy-gate.ts) or the lock that holds the environment (release/deploy-lock.ts) in its
 * own frame, so the reasons are told apart by what every wording keeps: the gate's own text.
 */
export function refusalIn(message: string): Decision | null {
  const reason = refusalReasonIn(message);
  return reason === null ? null : { kind: 'refused', reason };
}

function refusalReasonIn(message: string): RefusalReason | null {
  if (message.includes('its verdict is bad')) return 'bad_verdict';
  if (/requires \S+ [^,]+, but /.test(message)) return 'constraint';
  if (/\block(ed)?\b/i.test(message)) return 'lock';
  return null;
}
