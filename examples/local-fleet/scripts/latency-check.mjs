// An SLA check: the time the target's /query adds to a bare round trip, in ms, printed as
// {"value": ms}; Tranche compares it with `max` in tranche.yml. The target comes in
// TRANCHE_TARGET_LABELS.
//
// Whatever else the machine is doing (another build, a busy CI runner) only ever adds time, to a
// query and to a bare request alike. So the check asks for /query and for /healthz (the same
// request without the query's work) in turns, takes the least each took over ten tries (the
// closest to what the target itself costs) and reports the difference: about 8 ms for a good
// build, 300 ms for the slow one, on an idle laptop or a saturated CI machine.
const { port } = JSON.parse(process.env.TRANCHE_TARGET_LABELS ?? '{}');

/** Milliseconds one request to the path took; exits 1 (the check fails) on any answer but 200. */
async function timed(path) {
  const start = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  await response.text();
  if (!response.ok) {
    console.error(`${path} answered ${response.status}`);
    process.exit(1);
  }
  return performance.now() - start;
}

await timed('/healthz'); // warm-up: the first request pays for the HTTP client's start-up
let query = Number.POSITIVE_INFINITY;
let bare = Number.POSITIVE_INFINITY;
for (let i = 0; i < 10; i++) {
  query = Math.min(query, await timed('/query'));
  bare = Math.min(bare, await timed('/healthz'));
}
console.log(JSON.stringify({ value: Number(Math.max(0, query - bare).toFixed(2)) }));
