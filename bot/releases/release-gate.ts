/**
 * The bot's side of the deploy gate (src/release/deploy-gate.ts): before a deploy, a rollback, a
 * promotion or a protection rule's approval, is the version's standing verdict bad, and would the
 * environment break a dependency constraint? A deploy declares what the default branch's
 * tranche.yml says; a rollback, what the older version declared when it was deployed.
 */
import { resolveConstraints } from '../../src/config/resolve.ts';
import type { ReleaseKind } from '../../src/ledger/types.ts';
import {
  DeployRefusedError,
  declaredConstraints,
  deployRefusals,
  type Refusal,
} from '../../src/release/deploy-gate.ts';
import { ledgerSource } from '../../src/release/ledger-source.ts';
import { type HandlerScope, loadedConfig } from '../bot-scope.ts';

export interface GateRequest {
  service: string;
  environment: string;
  version: string;
  kind: ReleaseKind;
}

/** Every reason to refuse the release; empty when it may go ahead. */
export async function releaseRefusals(scope: HandlerScope, request: GateRequest): Promise<Refusal[]> {
  const source = ledgerSource(scope.deps.ledger);
  const loaded = loadedConfig(scope);
  const gate = { ...request, action: request.kind };
  const constraints = await declaredConstraints(source, gate, loaded && resolveConstraints(loaded.config));
  return deployRefusals(source, { ...gate, constraints });
}

/** The refusal as one sentence, `refusing to deploy shop 3 in production: its verdict is bad …`; null when allowed. */
export async function releaseRefusal(scope: HandlerScope, request: GateRequest): Promise<string | null> {
  const refusals = await releaseRefusals(scope, request);
  return refusals.length === 0
    ? null
    : new DeployRefusedError({ ...request, action: request.kind }, refusals).message;
}
