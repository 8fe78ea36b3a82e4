import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repositoryPath } from '../../src/action/repository-path.ts';

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'tranche-ws-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe('repositoryPath', () => {
  it('is the path inside the checkout of the workspace itself', () => {
    mkdirSync(join(workspace, '.git'));
    expect(repositoryPath(join(workspace, 'deploy', 'tranche.yml'), workspace)).toBe('deploy/tranche.yml');
  });

  it('is the path inside a checkout under its own directory, as the deployment workflow makes', () => {
    mkdirSync(join(workspace, '.git'));
    mkdirSync(join(workspace, '.tranche-config', '.git'), { recursive: true });
    expect(repositoryPath(join(workspace, '.tranche-config', 'tranche.yml'), workspace)).toBe('tranche.yml');
  });

  it('is the path from the workspace when no checkout is found', () => {
    expect(repositoryPath(join(workspace, 'conf', 'tranche.yml'), workspace)).toBe('conf/tranche.yml');
  });

  it('never looks above the workspace', () => {
    const inner = join(workspace, 'ws');
    mkdirSync(join(workspace, '.git'));
    mkdirSync(inner);
    expect(repositoryPath(join(inner, 'tranche.yml'), inner)).toBe('tranche.yml');
  });
});
