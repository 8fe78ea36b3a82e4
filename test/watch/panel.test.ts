/** The dashboard's watch panel: the matrix `tranche watch` left in the ledger, with each cell's change time. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchLedger } from '../../src/dashboard/changes.ts';
import { PANELS } from '../../src/dashboard/panels/index.ts';
import type { PanelContext } from '../../src/dashboard/panels/panel.ts';
import { watchPanel } from '../../src/dashboard/panels/watch.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { eventually } from '../support/eventually.ts';
import { T0, transition } from './transitions.ts';

describe('the watch panel', () => {
  let dir: string;
  let ledger: SqliteLedger;
  let context: PanelContext;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tranche-watch-panel-'));
    ledger = await SqliteLedger.open(join(dir, 'ledger.db'));
    context = {
      ledger,
      viewer: { actor: 'alice', canAct: async () => false },
      basePath: '',
      now: T0 + 60_000,
      environments: [
        { service: 'shop', environment: 'prod' },
        { service: 'shop', environment: 'staging' },
      ],
      readable: new Set(['shop']),
    };
  });
  afterEach(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is on the page', () => {
    expect(PANELS).toContain(watchPanel);
  });

  it('says how to start watching when no environment has been watched', async () => {
    const text = (await watchPanel.render(context)).text;
    expect(text).toContain('No environment watched yet');
    expect(text).toContain('tranche watch -e ENV');
  });

  it("draws each watched environment's matrix: every cell red or green since its last change, and why the red are red", async () => {
    await ledger.recordWatchTransitions([
      transition({ target: 'app-1', check: 'up' }),
      transition({ target: 'app-2', check: 'up', reason: 'app-2 shows <6>, not "7"' }),
      transition({
        target: 'app-1',
        check: 'latency',
        state: 'green',
        status: 'pass',
        reason: 'ok',
        value: 4,
      }),
      transition({
        target: 'app-1',
        check: 'up',
        at: T0 + 30_000,
        state: 'green',
        status: 'pass',
        reason: 'exited 0',
      }),
    ]);
    const text = (await watchPanel.render(context)).text;
    // Only prod was watched.
    expect(text).toContain('data-environment="prod"');
    expect(text).not.toContain('data-environment="staging"');
    expect(text).toContain('<th>latency</th><th>up</th>');
    expect(text).toContain('2/3 green');
    const row = (target: string) =>
      text.slice(text.indexOf(`data-target="${target}"`)).split('</tr>')[0] ?? '';
    expect(row('app-1')).toContain(
      '<td class="ok" data-check="up" data-state="green" title="exited 0">✓ <time datetime="2026-12-06T12:00:30.000Z">2026-12-06 12:00:30Z</time></td>',
    );
    expect(row('app-1')).toContain('data-check="latency" data-state="green"');
    // A check app-2 was never seen running: an empty cell.
    expect(row('app-2')).toContain('<td></td>');
    expect(row('app-2')).toContain(
      '<td class="bad" data-check="up" data-state="red" title="app-2 shows &lt;6&gt;, not &quot;7&quot;">✗ <time datetime="2026-12-06T12:00:00.000Z">',
    );
    expect(text).toContain('<li class="bad">✗ app-2 up: app-2 shows &lt;6&gt;, not &quot;7&quot;</li>');
    expect(text).not.toContain('<6>');
  });

  it('tells the page when a cell changes, so its browsers redraw the panel', async () => {
    // Counts the watcher's looks at the ledger.
    let looks = 0;
    const counted = new Proxy(ledger, {
      get(target, property, receiver) {
        if (property === 'watchCursor') looks += 1;
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const failures: unknown[] = [];
    const changes = watchLedger(counted, { intervalMs: 20, now: () => T0, onError: (e) => failures.push(e) });
    let told = 0;
    const unsubscribe = changes.subscribe(() => {
      told += 1;
    });
    try {
      // Once a second look has begun, the first has set what later looks compare with.
      await eventually(async () => (looks >= 2 ? true : undefined), 'the watcher to look twice');
      expect(told).toBe(0);
      await ledger.recordWatchTransitions([transition({ target: 'app-1', check: 'up' })]);
      await eventually(async () => (told > 0 ? true : undefined), 'the page to be told');
      expect(failures).toEqual([]);
    } finally {
      unsubscribe();
      changes.close();
    }
  });
});
