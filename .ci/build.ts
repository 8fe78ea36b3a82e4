/**
 * Bundles the CLI into dist/cli.js, the Action into dist/index.js and the bot into dist/bot.js (one file
 * each, Node 24, no node_modules needed at run time; the bot also reads app.yml from its working directory).
 * `--check` rebuilds in memory and fails when the committed bundle differs: dist/ must match src/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const entries = [
  { in: 'src/cli/main.ts', out: 'dist/cli.js' },
  { in: 'src/action/index.ts', out: 'dist/index.js' },
  { in: 'bot/main.ts', out: 'dist/bot.js' },
];
const check = process.argv.includes('--check');
let stale = 0;
for (const entry of entries) {
  const result = await build({
    entryPoints: [entry.in],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    write: false,
    legalComments: 'none',
    banner: { js: "import { createRequire as __trancheRequire } from 'node:module';\nconst require = __trancheRequire(import.meta.url);" },
    outfile: entry.out,
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
