/**
 * /lock and /unlock. A lock binds everyone but its holder: their deploys queue until /unlock (or,
 * with --once, until the holder's next deploy there finishes). Unlocking frees it whoever holds
 * it, and what waited for it starts.
 */
import { environmentLockName, globalLockName } from '../../src/ledger/release-locks.ts';
import type { LockRecord, QueueAdvance } from '../../src/ledger/types.ts';
import { type HandlerScope, limitsOf } from '../bot-scope.ts';
import type { CommandOf, LockTarget } from '../commands/command-schema.ts';
import { reply } from '../github/replies.ts';
import { followAdvance } from '../releases/start-release.ts';
import { userText } from '../render/user-text.ts';
import { refuse } from './answer.ts';
import type { Requester } from './deploy.ts';
import { configFor } from './environment-check.ts';
import { mayChange } from './may-change.ts';

export async function lock(
  scope: HandlerScope,
  command: CommandOf<'lock'>,
  requester: Requester,
): Promise<void> {
  const what = `/lock ${targetWords(command.target)}`;
  if (!(await mayLock(scope, command.name, command.target, requester, what))) return;
  const outcome = await scope.deps.ledger.lockEnvironment(
    scope.delivery,
    lockName(scope, command.target),
    requester.login,
    {
      reason: command.reason,
      data: { once: command.once, pullRequest: requester.issueNumber },
    },
    scope.deps.now(),
  );
  if ('outcome' in outcome) {
    scope.log.info(`delivery ${scope.delivery.id} was handled before; ${what} acts once`);
    return;
  }
  const place = placeWords(command.target);
  const body = outcome.acquired
    ? `🔒 ${place} locked by @${requester.login}${command.reason ? ` (${userText(command.reason)})` : ''} ${
        command.once
          ? `for their next deploy${command.target.scope === 'global' ? '' : ' there'}: it is freed when that deploy finishes`
          : `until \`${scope.settings.prefix}unlock ${targetWords(command.target)}\``
      }. Others' deploys wait in the queue.`
    : `🔒 ${place} already locked by @${outcome.heldBy.holder}${lockDetails(outcome.heldBy)}; \`${scope.settings.prefix}unlock ${targetWords(command.target)}\` frees it.`;
  await reply(scope, requester.issueNumber, body);
}

export async function unlock(
  scope: HandlerScope,
  command: CommandOf<'unlock'>,
  requester: Requester,
): Promise<void> {
  const what = `/unlock ${targetWords(command.target)}`;
  if (!(await mayLock(scope, command.name, command.target, requester, what))) return;
  const outcome = await freeLock(scope, lockName(scope, command.target), what);
  if (!outcome) return;
  const place = placeWords(command.target);
  const started = outcome.advance.started.length;
  const next =
    started > 0 ? ` ${started} queued ${started === 1 ? 'release starts' : 'releases start'} now.` : '';
  const body = outcome.released
    ? `🔓 ${place} unlocked (it was locked by @${outcome.released.holder}${lockDetails(outcome.released)}).${next}`
    : `🔓 ${place} not locked; nothing to unlock.${next}`;
  await reply(scope, requester.issueNumber, body);
  await followAdvance(scope, outcome.advance);
}

/**
 * Frees the lock `name` whoever holds it, in one transaction with the delivery's claim, and
 * advances the queue; null when the delivery was handled before (`what` names it in the log).
 */
export async function freeLock(
  scope: HandlerScope,
  name: string,
  what: string,
): Promise<{ released: LockRecord | null; advance: QueueAdvance } | null> {
  const { ledger, now } = scope.deps;
  const outcome = await ledger.unlockEnvironment(
    scope.delivery,
    scope.fullName,
    name,
    limitsOf(scope.settings),
    now(),
  );
  if (outcome.outcome === 'duplicate') {
    scope.log.info(`delivery ${scope.delivery.id} was handled before; ${what} acts once`);
    return null;
  }
  return outcome;
}

async function mayLock(
  scope: HandlerScope,
  name: 'lock' | 'unlock',
  target: LockTarget,
  requester: Requester,
  what: string,
): Promise<boolean> {
  const config = configFor(scope, target.scope === 'environment' ? target.environment : undefined);
  if (!config.ok) {
    await refuse(scope, requester, what, config.problem);
    return false;
  }
  return mayChange(scope, name, requester, what);
}

function lockName(scope: HandlerScope, target: LockTarget): string {
  return target.scope === 'global'
    ? globalLockName(scope.fullName)
    : environmentLockName(scope.fullName, target.environment);
}

function targetWords(target: LockTarget): string {
  return target.scope === 'global' ? '--global' : target.environment;
}

function placeWords(target: LockTarget): string {
  return target.scope === 'global' ? 'Every environment is' : `**${target.environment}** is`;
}

function lockDetails(lock: LockRecord): string {
  const reason = lock.reason ? `: ${userText(lock.reason)}` : '';
  const since = new Date(lock.acquiredAt).toISOString().slice(0, 16).replace('T', ' ');
  return `${reason}, since ${since} UTC`;
}
