/** A deployment's payload.tranche, when the deployment is Tranche's. */
import {
  DeploymentPayloadError,
  parseDeploymentPayload,
  type TrancheDeployment,
} from '../../src/github/deployment-payload.ts';

/** payload.tranche of a deployment, or undefined when the deployment is not Tranche's. */
export function trancheOf(payload: unknown): TrancheDeployment | undefined {
  const object = typeof payload === 'string' ? parsedJson(payload) : payload;
  if (object === null || typeof object !== 'object' || !('tranche' in object)) return undefined;
  try {
    return parseDeploymentPayload(object);
  } catch (error) {
    if (error instanceof DeploymentPayloadError) return undefined;
    throw error;
  }
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
