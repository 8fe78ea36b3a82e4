/** Watch transitions for tests: a red cell of shop's app in prod at T0 unless told otherwise. */
import type { WatchTransition } from '../../src/ledger/watch-types.ts';

export const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

export function transition(
  options: Partial<WatchTransition> & Pick<WatchTransition, 'target' | 'check'>,
): WatchTransition {
  return {
    service: 'shop',
    environment: 'prod',
    component: 'app',
    at: T0,
    state: 'red',
    status: 'fail',
    reason: 'command exited with code 1',
    value: null,
    ...options,
  };
}
