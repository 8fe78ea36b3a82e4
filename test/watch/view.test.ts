/** How the terminal shows the matrix: the frame, and the block redrawn in place. */
import { describe, expect, it } from 'vitest';
import type { WatchCell } from '../../src/watch/matrix.ts';
import { cellKey, watchPlan } from '../../src/watch/plan.ts';
import { LiveBlock, renderFrame, transitionLine } from '../../src/watch/view.ts';
import { analysisCheck, component } from '../support/fakes.ts';

const AT = Date.UTC(2026, 11, 6, 12, 0, 5);

const app = component({ name: 'app', targets: 2, checks: ['up', 'latency'] });
const plan = watchPlan(
  {
    service: 'shop',
    versionTemplate: '{n}',
    labels: {},
    onFailure: 'rollback-release',
    components: [
      { ...app, checks: [...app.checks, analysisCheck('canary-errors')] },
      component({ name: 'edge', targets: 1, checks: ['up'] }),
    ],
  },
  'prod',
);

function cell(
  target: string,
  check: string,
  state: WatchCell['state'],
  reason: string,
  since = AT,
): WatchCell {
  const component = target.startsWith('edge') ? 'edge' : 'app';
  return {
    component,
    target,
    check,
    state,
    status: state === 'green' ? 'pass' : 'fail',
    since,
    reason,
    value: null,
  };
}

function cells(...list: WatchCell[]): Map<string, WatchCell> {
  return new Map(list.map((c) => [cellKey(c), c]));
}

describe('the watch frame', () => {
  it('plans every target against its own component’s target checks, leaving analysis checks to deploys', () => {
    expect(plan.checks).toEqual(['up', 'latency']);
    expect(plan.unwatched).toEqual(['canary-errors']);
    expect(plan.cells.map((c) => `${c.target.name} ${c.check.name}`)).toEqual([
      'app-1 up',
      'app-1 latency',
      'app-2 up',
      'app-2 latency',
      'edge-1 up',
    ]);
  });

  it('says an environment no deploy has reached starts red, and why each red cell is red', () => {
    const frame = renderFrame({
      plan,
      intervalMs: 15_000,
      cells: cells(
        cell('app-1', 'up', 'red', 'app-1 has no state file'),
        cell('app-1', 'latency', 'green', 'exited 0'),
        cell('edge-1', 'up', 'red', 'edge-1 has no state file'),
      ),
      targets: [],
      round: 1,
      at: AT,
    });
    expect(frame).toEqual([
      'watching shop in prod: 3 targets × 2 checks, every 15 s; round 1 at 12:00:05',
      'no deploy has reached prod yet: red is the expected start; cells turn green as one lands',
      "not watched (they compare a deploy's new targets with the rest): canary-errors",
      '',
      'component  target  version  up          latency',
      'app        app-1   -        ✗ 12:00:05  ✓ 12:00:05',
      'app        app-2   -        ·           ·',
      'edge       edge-1  -        ✗ 12:00:05',
      '',
      '1/5 green, 2 not checked yet',
      '✗ app-1 up: app-1 has no state file',
      '✗ edge-1 up: edge-1 has no state file',
    ]);
  });

  it('shows each target’s version once deployed, and says nothing of a first deploy', () => {
    const frame = renderFrame({
      plan,
      intervalMs: undefined,
      cells: cells(cell('app-1', 'up', 'green', 'exited 0', AT - 60_000)),
      targets: [{ component: 'app', target: 'app-1', version: '7', goodVersion: '7' }],
      round: 3,
      at: AT,
    });
    expect(frame[0]).toBe('watching shop in prod: 3 targets × 2 checks, one round; round 3 at 12:00:05');
    expect(frame.join('\n')).not.toContain('no deploy has reached');
    expect(frame).toContain('app        app-1   7        ✓ 11:59:05  ·');
  });

  it('words a transition for a log', () => {
    const line = transitionLine(
      {
        service: 'shop',
        environment: 'prod',
        component: 'app',
        target: 'app-2',
        check: 'up',
        at: AT,
        state: 'red',
        status: 'fail',
        reason: "app-2 shows '6', not '7'",
        value: null,
      },
      'green',
    );
    expect(line).toBe("[12:00:05] ✗ app/app-2 up red (was green): app-2 shows '6', not '7'");
  });
});

describe('the live block', () => {
  it('redraws in place, clipped to the terminal, and clears what a shorter frame leaves', () => {
    let written = '';
    const block = new LiveBlock({ write: (s: string) => (written += s), isTTY: true, columns: 25 });
    block.draw(['one', 'two', 'a line far longer than the terminal is wide']);
    block.draw(['three']);
    expect(written).toBe(
      '\r\x1b[2Kone\n\r\x1b[2Ktwo\n\r\x1b[2Ka line far longer than …\n' +
        '\x1b[3A\r\x1b[2Kthree\n\r\x1b[2K\n\r\x1b[2K\n',
    );
  });
});
