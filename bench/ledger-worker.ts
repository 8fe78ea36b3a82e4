/**
 * One process of the ledger benchmark: opens the ledger, prints `ready`, waits for a line on
 * stdin, then allocates versions or records events one after another and prints when it started
 * and finished (epoch ms, comparable across processes).
 *
 * Usage: node ledger-worker.ts <ledger file or postgres:// URL> allocate|record <count> <worker id>
 */
import { once } from 'node:events';
import { openLedger } from '../src/ledger/open.ts';

const [location, op, count, id] = process.argv.slice(2);
if (
  location === undefined ||
  (op !== 'allocate' && op !== 'record') ||
  count === undefined ||
  id === undefined
) {
  process.stderr.write('usage: ledger-worker.ts <ledger> allocate|record <count> <worker id>\n');
  process.exit(2);
}

const ledger = await openLedger(location, process.cwd());
const clock = () => performance.timeOrigin + performance.now();
try {
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  process.stdin.destroy();
  const started = clock();
  for (let i = 1; i <= Number(count); i++) {
    if (op === 'allocate') {
      await ledger.nextVersion(`bench-${id}`, null, '{n}', Date.now());
    } else {
      await ledger.record({
        runId: `bench-${id}-${started}`,
        seq: i,
        at: Date.now(),
        kind: 'check',
        status: 'ok',
        service: 'bench',
        environment: 'bench',
        version: '1',
        component: 'app',
        target: `t-${i % 100}`,
        batch: 1,
        durationMs: 12,
        data: { check: 'latency', value: 120, threshold: { max: 300 } },
      });
    }
  }
  process.stdout.write(`${JSON.stringify({ started, finished: clock() })}\n`);
} finally {
  await ledger.close();
}
