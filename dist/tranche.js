#!/usr/bin/env node

// src/cli/node-version.ts
var REQUIRED_NODE_MAJOR = 24;
function unsupportedNodeMessage(version) {
  const major = Number.parseInt(version, 10);
  if (major >= REQUIRED_NODE_MAJOR) return void 0;
  return `tranche needs Node.js ${REQUIRED_NODE_MAJOR} or newer, and this is Node.js ${version}: install it from https://nodejs.org/ or with a version manager (nvm install ${REQUIRED_NODE_MAJOR})`;
}

// src/cli/bin.ts
var refusal = unsupportedNodeMessage(process.versions.node);
if (refusal === void 0) {
  void import("./cli.js");
} else {
  process.stderr.write(`${refusal}
`);
  process.exitCode = 1;
}
