// An SLA check: the p95 latency of ten /query requests to the target, printed as {"value": ms}.
// Tranche compares it with `max` in tranche.yml; the target comes in TRANCHE_TARGET_LABELS.
const { port } = JSON.parse(process.env.TRANCHE_TARGET_LABELS ?? '{}');
const query = async () => {
  const response = await fetch(`http://127.0.0.1:${port}/query`);
  await response.text();
  return response;
};
await query(); // warm-up: the first request pays for the HTTP client's start-up
const latencies = [];
for (let i = 0; i < 10; i++) {
  const start = performance.now();
  const response = await query();
  if (!response.ok) {
    console.error(`/query answered ${response.status}`);
    process.exit(1);
  }
  latencies.push(performance.now() - start);
}
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({ value: Number(latencies[Math.ceil(0.95 * latencies.length) - 1].toFixed(2)) }));
