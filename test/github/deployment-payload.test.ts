import { describe, expect, it } from 'vitest';
import {
  DeploymentPayloadError,
  deploymentPayload,
  parseDeploymentPayload,
} from '../../src/github/deployment-payload.ts';

describe('the deployment payload contract (payload.tranche)', () => {
  it('defaults rollback to false and leaves the version to allocate', () => {
    expect(parseDeploymentPayload({ tranche: { schemaVersion: 1 } })).toEqual({
      schemaVersion: 1,
      rollback: false,
    });
  });

  it('reads a payload GitHub delivers as a JSON string', () => {
    const payload = JSON.stringify({ tranche: { schemaVersion: 1, version: '1.4', targets: ['t-1'] } });
    expect(parseDeploymentPayload(payload)).toMatchObject({ version: '1.4', targets: ['t-1'] });
  });

  it('treats a deployment without payload.tranche as a plain deploy of the next version', () => {
    expect(parseDeploymentPayload({})).toEqual({ schemaVersion: 1, rollback: false });
    expect(parseDeploymentPayload('')).toEqual({ schemaVersion: 1, rollback: false });
  });

  it('names the field of an unknown key', () => {
    expect(() => parseDeploymentPayload({ tranche: { schemaVersion: 1, verison: '1.4' } })).toThrow(
      /payload\.tranche: .*verison/,
    );
  });

  it('refuses a schema version it does not know', () => {
    expect(() => parseDeploymentPayload({ tranche: { schemaVersion: 2 } })).toThrow(DeploymentPayloadError);
  });

  it('refuses a rollback that does not say to which version', () => {
    expect(() => parseDeploymentPayload({ tranche: { schemaVersion: 1, rollback: true } })).toThrow(
      'payload.tranche.version: a rollback names the version to return to',
    );
  });

  it('refuses a version that could not be part of a tag name', () => {
    expect(() => parseDeploymentPayload({ tranche: { schemaVersion: 1, version: '1.4; rm -rf /' } })).toThrow(
      'payload.tranche.version: a version is letters, digits and . _ + -',
    );
  });

  it('refuses a payload that is not JSON', () => {
    expect(() => parseDeploymentPayload('{nope')).toThrow("the deployment's payload is not JSON");
  });

  it('builds payloads with the same schema, as the bot will', () => {
    expect(deploymentPayload({ schemaVersion: 1, version: '1.4', requestedBy: 'octocat' })).toEqual({
      tranche: { schemaVersion: 1, version: '1.4', rollback: false, requestedBy: 'octocat' },
    });
  });
});
