/**
 * One table, three front doors: every scenario of scenarios.ts through the CLI, the bundled
 * Action and the bot, each on a fresh SQLite and a fresh PostgreSQL ledger seeded alike, must
 * reach the scenario's decision. A front door that cannot express a scenario is skipped, and the
 * table says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEDGER_BACKENDS, withLedgerAt } from '../support/ledgers.ts';
import { actionDecision } from './action.ts';
import { botDecision } from './bot.ts';
import { cliDecision } from './cli.ts';
import {
  type Decision,
  FRONT_DOORS,
  type FrontDoor,
  frontDoorsOf,
  SCENARIOS,
  type Scenario,
  seed,
} from './scenarios.ts';

const DRIVERS: Record<FrontDoor, (scenario: Scenario, ledger: string) => Promise<Decision>> = {
  cli: cliDecision,
  action: actionDecision,
  bot: botDecision,
};

const dir = mkdtempSync(join(tmpdir(), 'tranche-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the scenario table', () => {
  it('holds at least 12 scenarios, each run by at least two front doors', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(12);
    for (const scenario of SCENARIOS)
      expect(frontDoorsOf(scenario).length, scenario.name).toBeGreaterThanOrEqual(2);
  });
});

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`on ${backend.name}`, () => {
    for (const [index, scenario] of SCENARIOS.entries()) {
      describe(scenario.name, () => {
        for (const door of FRONT_DOORS) {
          const cannot = scenario.cannot?.[door];
          it.skipIf(cannot !== undefined)(
            `the ${door} decides the same${cannot ? ` (${cannot})` : ''}`,
            async () => {
              const location = await backend.location(dir, `s${index}-${door}`);
              await withLedgerAt(location, (ledger) => seed(ledger, scenario));
              expect(await DRIVERS[door](scenario, location)).toEqual(scenario.expected);
            },
          );
        }
      });
    }
  });
}
