/**
 * `npm run bench`: every benchmark suite, printed as Markdown. BENCHMARKS.md holds the latest
 * results and the machine they came from. `npm run bench -- engine` runs the named suites only.
 */
import { actionBench } from './action.ts';
import { analysisBench } from './analysis.ts';
import { analysisPrometheusBench } from './analysis-prometheus.ts';
import { botBench } from './bot.ts';
import { engineBench } from './engine.ts';
import { fleetBench } from './fleet.ts';
import { machine, markdown, type Table } from './harness.ts';
import { inventoryBench } from './inventory.ts';
import { ledgerBench } from './ledger.ts';

const suites: Record<string, () => Promise<Table[]>> = {
  engine: engineBench,
  ledger: ledgerBench,
  action: actionBench,
  analysis: analysisBench,
  'analysis-prometheus': analysisPrometheusBench,
  fleet: fleetBench,
  inventory: inventoryBench,
  bot: botBench,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !Object.hasOwn(suites, name));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark suite(s): ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`,
  );
  process.exit(2);
}
console.log(`${machine()}, ${new Date().toISOString().slice(0, 10)}\n`);
for (const [name, suite] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  for (const table of await suite()) console.log(`${markdown(table)}\n`);
}
