import type { Runtime } from './runtime.ts';
import { UsageError } from './runtime.ts';

export const BUNDLE_KEY_ENV = 'TRANCHE_BUNDLE_KEY';
const MIN_KEY_LENGTH = 32;

/** The secret that signs and verifies ledger bundles, from TRANCHE_BUNDLE_KEY; never printed. */
export function bundleKey(runtime: Runtime): Buffer {
  const key = runtime.env[BUNDLE_KEY_ENV];
  if (key === undefined || key === '') {
    throw new UsageError(
      `${BUNDLE_KEY_ENV} is not set: ledger bundles are signed and verified with it (HMAC-SHA256); ` +
        `set the same secret of at least ${MIN_KEY_LENGTH} characters where you export and where you import`,
    );
  }
  if (key.length < MIN_KEY_LENGTH) {
    throw new UsageError(
      `${BUNDLE_KEY_ENV} is too short to sign bundles: use at least ${MIN_KEY_LENGTH} characters`,
    );
  }
  return Buffer.from(key, 'utf8');
}
