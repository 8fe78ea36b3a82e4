import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Start the real CLI as its own process, under the Node that runs the tests. */
export function startCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, CI: 'true', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliRun> {
  return collect(startCli(args, options));
}

/** A throwaway project directory with files; removed by `dispose`. */
export function project(files: Record<string, string>): {
  dir: string;
  path: (p: string) => string;
  dispose: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-cli-'));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    if (name.endsWith('.sh')) chmodSync(path, 0o755);
  }
  return { dir, path: (p) => join(dir, p), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A deploy script that records each target's version in state/<target>, and can be told to fail. */
export const RECORDING_DEPLOY = `#!/bin/sh
set -eu
mkdir -p state
if [ -f "fail-on-$TRANCHE_TARGET" ] && [ "$TRANCHE_ACTION" = deploy ]; then echo "cannot deploy $TRANCHE_TARGET" >&2; exit 4; fi
printf '%s\\n' "$TRANCHE_VERSION" > "state/$TRANCHE_TARGET"
echo "$TRANCHE_ACTION $TRANCHE_TARGET $TRANCHE_VERSION" >> state/log
`;

/** A check that fails on targets named in a file bad-targets, printing a value to plot. */
export const RECORDING_CHECK = `#!/bin/sh
if [ -f bad-targets ] && grep -qx "$TRANCHE_TARGET" bad-targets; then echo '{"value": 480}'; exit 0; fi
echo '{"value": 120}'
`;

/** A config of one service, one environment (prod) and one target (a), whose deploy does nothing. */
export const ONE_TARGET_CONFIG = `service: shop
environments:
  prod:
    components:
      - name: app
        targets: [a]
        deploy: "true"
`;
