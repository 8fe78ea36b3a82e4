/**
 * Bundles the CLI into dist/cli.js, the Action into dist/index.js and the bot into dist/bot.js (one
 * file each, Node 24, no node_modules needed at run time; the bot also reads app.yml from its
 * working directory).
 * dist/tranche.js is the package's `bin`: a few lines, built for old syntax, that check the Node.js
 * version and then load dist/cli.js.
 * `--check` rebuilds in memory and fails when the committed bundle differs: dist/ must match src/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const node24: BuildOptions = {
  target: 'node24',
  banner: { js: "import { createRequire as __trancheRequire } from 'node:module';\nconst require = __trancheRequire(import.meta.url);" },
  plugins: [versionOnly()],
};
const entries: { in: string; out: string; options: BuildOptions }[] = [
  { in: 'src/cli/main.ts', out: 'dist/cli.js', options: node24 },
  { in: 'src/action/index.ts', out: 'dist/index.js', options: node24 },
  { in: 'bot/main.ts', out: 'dist/bot.js', options: node24 },
  { in: 'src/cli/bin.ts', out: 'dist/tranche.js', options: { target: 'node14', plugins: [cliBeside()] } },
];
const check = process.argv.includes('--check');
let stale = 0;
for (const entry of entries) {
  const result = await build({
    entryPoints: [entry.in],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    legalComments: 'none',
    outfile: entry.out,
    ...entry.options,
  });
  const text = result.outputFiles[0]?.text ?? '';
  if (!check) {
    writeFileSync(entry.out, text);
    console.log(`wrote ${entry.out} (${(text.length / 1024).toFixed(0)} KiB)`);
    continue;
  }
  let committed = '';
  try {
    committed = readFileSync(entry.out, 'utf8');
  } catch {
    // A missing bundle is stale.
  }
  if (committed !== text) {
    console.error(`${entry.out} is stale: run \`npm run build\` and commit it`);
    stale += 1;
  }
}
if (stale > 0) process.exitCode = 1;

/** The launcher's import of the CLI stays an import, of the bundle beside it. */
function cliBeside(): Plugin {
  return {
    name: 'cli-beside',
    setup(b) {
      b.onResolve({ filter: /^\.\/main\.ts$/ }, () => ({ path: './cli.js', external: true }));
    },
  };
}

/** Only package.json's version goes into a bundle, so other edits to package.json leave dist/ as it is. */
function versionOnly(): Plugin {
  return {
    name: 'package-version-only',
    setup(b) {
      const own = resolve('package.json');
      b.onLoad({ filter: /[\\/]package\.json$/ }, (args) => {
        if (args.path !== own) return undefined;
        const { version } = JSON.parse(readFileSync(args.path, 'utf8')) as { version: string };
        return { contents: JSON.stringify({ version }), loader: 'json' };
      });
    },
  };
}
