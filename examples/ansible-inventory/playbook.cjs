#!/usr/bin/env node
// Stands in for `ansible-playbook site.yml --limit <the batch's hosts> -e version=$TRANCHE_VERSION`:
// reads the batch's hosts from TRANCHE_TARGETS_FILE, "deploys" each (state/<host> holds its
// version), and writes a result per host to TRANCHE_RESULTS_FILE, as a play recap would report
// them. Hosts listed in the file `unreachable` fail, as an unreachable host fails a play.
const fs = require('node:fs');

const { targets } = JSON.parse(fs.readFileSync(process.env.TRANCHE_TARGETS_FILE, 'utf8'));
const limit = targets.map((t) => t.name).join(',');
const version = process.env.TRANCHE_VERSION;
console.log(
  `ansible-playbook site.yml --limit ${limit} -e version=${version} (${process.env.TRANCHE_ACTION})`,
);

const unreachable = fs.existsSync('unreachable')
  ? fs.readFileSync('unreachable', 'utf8').split(/\s+/).filter(Boolean)
  : [];
fs.mkdirSync('state', { recursive: true });
const results = {};
for (const { name } of targets) {
  if (unreachable.includes(name) && process.env.TRANCHE_ACTION === 'deploy') {
    results[name] = { ok: false, message: 'UNREACHABLE! ssh: connect to host timed out' };
    continue;
  }
  fs.writeFileSync(`state/${name}`, `${version}\n`);
  results[name] = { ok: true };
}
fs.writeFileSync(process.env.TRANCHE_RESULTS_FILE, JSON.stringify(results));
