/**
 * A real headless Chromium (Debian's package) for end-to-end tests, driven by playwright-core.
 * Outside CI a missing browser skips the tests that need it, with a message; with CI=true it
 * fails them (.ci/run installs the package).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { isCi } from '../../src/render/progress.ts';

/** The browser: $CHROMIUM_BIN, /usr/bin/chromium, or chromium (or Chrome, as on GitHub's runners) on PATH. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_BIN, '/usr/bin/chromium'].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  const which = spawnSync('sh', ['-c', 'command -v chromium || command -v google-chrome'], {
    encoding: 'utf8',
  });
  const path = which.stdout.trim();
  return which.status === 0 && path ? path : undefined;
}

/** Why the browser tests cannot run here, or undefined when they can. Throws in CI. */
export function chromiumUnavailable(): string | undefined {
  if (findChromium()) return undefined;
  const why = "chromium not found (install Debian's chromium package or set CHROMIUM_BIN)";
  if (isCi(process.env.CI)) throw new Error(`in CI (CI=${process.env.CI}) and ${why}`);
  console.warn(`skipping the browser tests: ${why}`);
  return why;
}

export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('chromium not found');
  // As root (a CI container) Chromium refuses to start with its sandbox.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath, headless: true, args });
}

/** test-artifacts/<name>/ at the repository root (gitignored; CI uploads it), created. */
export function artifactsDir(name: string): string {
  const dir = join(fileURLToPath(new URL('../../test-artifacts', import.meta.url)), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
