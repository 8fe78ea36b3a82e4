#!/usr/bin/env node
/**
 * The installed `tranche` command. It checks the Node.js version before it loads the CLI, whose
 * imports (node:sqlite) would otherwise fail on an older Node with a stack trace instead of a
 * sentence. Bundled on its own, for old syntax, so that an old Node can run this much.
 */
import { unsupportedNodeMessage } from './node-version.ts';

const refusal = unsupportedNodeMessage(process.versions.node);
if (refusal === undefined) {
  void import('./main.ts');
} else {
  process.stderr.write(`${refusal}\n`);
  process.exitCode = 1;
}
