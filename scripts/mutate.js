// `npm run mutate [group…]`: StrykerJS over each group of stryker.config.mjs (all by default), then a score per mutated file; fails below the floor.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUPS } from '../stryker.config.mjs';

/** The mutation score every mutated file must reach (issue 17). */
const FLOOR = 90;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STRYKER = path.join(path.dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in GROUPS));
if (unknown.length > 0) {
  console.error(`Unknown group ${unknown.join(', ')}; the groups are: ${Object.keys(GROUPS).join(', ')}.`);
  process.exit(1);
}
const names = asked.length > 0 ? asked : Object.keys(GROUPS);

/**
 * Counts per status as Stryker's JSON report names them; the score is Stryker's: detected of valid mutants.
 * `ignored` are the mutants marked equivalent in the source (`// Stryker disable … : reason`).
 */
function tally(mutants) {
  const count = (status) => mutants.filter((m) => m.status === status).length;
  const t = {
    killed: count('Killed'),
    survived: count('Survived'),
    timeout: count('Timeout'),
    noCoverage: count('NoCoverage'),
    ignored: count('Ignored'),
    errors: count('CompileError') + count('RuntimeError'),
  };
  const valid = t.killed + t.survived + t.timeout + t.noCoverage;
  return { ...t, score: valid === 0 ? 100 : ((t.killed + t.timeout) / valid) * 100 };
}

const rows = [];
let failed = false;
const started = Date.now();
for (const name of names) {
  console.log(`\n=== mutation group ${name}: ${GROUPS[name].mutate.join(', ')}\n`);
  const groupStarted = Date.now();
  const run = spawnSync(process.execPath, [STRYKER, 'run'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, MUTATE_GROUP: name } });
  console.log(`=== mutation group ${name} took ${Math.round((Date.now() - groupStarted) / 1000)} s`);
  if (run.status !== 0) {
    console.error(`Stryker failed on group ${name} (exit ${run.status ?? run.signal}).`);
    failed = true;
    continue;
  }
  const report = JSON.parse(readFileSync(path.join(ROOT, 'reports', 'mutation', `${name}.json`), 'utf8'));
  for (const [file, { mutants }] of Object.entries(report.files)) rows.push({ group: name, file, ...tally(mutants) });
}

const header = ['group', 'file', 'killed', 'survived', 'timeout', 'no cov.', 'ignored', 'errors', 'score'];
const table = [header, ...rows.map((r) => [r.group, r.file, r.killed, r.survived, r.timeout, r.noCoverage, r.ignored, r.errors, `${r.score.toFixed(1)}%`].map(String))];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
console.log('\nMutation scores (HTML reports in reports/mutation/):');
for (const row of table) console.log(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
const below = rows.filter((r) => r.score < FLOOR);
for (const r of below) console.error(`${r.file}: mutation score ${r.score.toFixed(1)}% is below ${FLOOR}%: kill the survivors with tests, or mark an equivalent mutant with the reason.`);
console.log(`Wall time: ${Math.round((Date.now() - started) / 1000)} s.`);
process.exit(failed || below.length > 0 ? 1 : 0);
