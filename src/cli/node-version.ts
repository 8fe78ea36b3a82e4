/**
 * The oldest Node.js the CLI runs on (package.json's `engines` says the same): the ledger is
 * `node:sqlite`, which older releases lack or hide behind a flag.
 */
export const REQUIRED_NODE_MAJOR = 24;

/** One line telling the user which Node.js to install, or undefined when `version` (e.g. '20.20.2') is new enough. */
export function unsupportedNodeMessage(version: string): string | undefined {
  const major = Number.parseInt(version, 10);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return (
    `tranche needs Node.js ${REQUIRED_NODE_MAJOR} or newer, and this is Node.js ${version}: ` +
    `install it from https://nodejs.org/ or with a version manager (nvm install ${REQUIRED_NODE_MAJOR})`
  );
}
