// StrykerJS mutation testing of the modules where a silent fault costs a user most, one group at a time (`npm run mutate [group…]`).
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';

/**
 * `file:first-last` lines of top-level declarations (a `const`, a `function`), found by name, so that a range
 * follows the code when lines move and fails loudly when the declaration is renamed or moved elsewhere.
 */
function declarations(file, ...names) {
  const lines = readFileSync(new URL(file, import.meta.url), 'utf8').split('\n');
  return names.map((name) => {
    const first = lines.findIndex((l) => new RegExp(`^(export )?(async )?(function|const) ${name}\\b`).test(l));
    if (first < 0) throw new Error(`stryker.config.mjs: ${file} has no top-level declaration ${name}`);
    const last = lines[first].endsWith(';') ? first : lines.findIndex((l, i) => i > first && /^}/.test(l));
    return `${file}:${first + 1}-${last + 1}`;
  });
}

/**
 * What each group mutates, and its unit tests (files under test/, run from dist/). The command runner cannot
 * tell which tests cover a mutant, so each mutant of a group runs all of the group's tests: they must take
 * seconds. A new group is one line.
 */
export const GROUPS = {
  safety: { mutate: ['src/plan/safety.ts'], tests: ['plan/safety', 'plan/safety-edges', 'plan/through-groups'] },
  diff: { mutate: ['src/plan/diff.ts'], tests: ['plan/diff-actions', 'plan/diff-fields', 'plan/diff-edges', 'plan/resolve', 'plan/through-groups', 'plan/unknown', 'plan/utilization', 'plan/email-change', 'plan/adopt-only'] },
  'saved-plan': { mutate: ['src/plan/checksum.ts', 'src/plan/recheck.ts', 'src/desired/plan-file.ts'], tests: ['plan/checksum', 'plan/recheck', 'plan/recheck-edges', 'desired/plan-file', 'desired/plan-file-edges'] },
  escaping: {
    mutate: ['src/render/escape.ts', ...declarations('src/export/csv.ts', 'FORMULA_START', 'escapeCell'), ...declarations('src/desired/csv-file.ts', 'QUOTED_START', 'unescapeCell')],
    tests: ['render/escape', 'render/escape-exact', 'export/cells'],
  },
  duplicates: { mutate: ['src/desired/rules.ts'], tests: ['desired/rules', 'desired/cross-file'] },
  pacer: { mutate: ['src/genesys/pacer.ts'], tests: ['genesys/pacer'] },
  // Apply's field merge, conflict handling, optimistic locking and retry policy, through the in-memory writer (no sandbox).
  apply: {
    mutate: ['src/apply/conflicts.ts', 'src/apply/fields.ts', 'src/apply/locking.ts', 'src/apply/retry.ts'],
    tests: ['apply/conflicts', 'apply/fields', 'apply/field-logic', 'apply/locking', 'apply/retry', 'apply/engine', 'apply/unknown'],
  },
};

/*
 * Equivalent mutants are marked where they are made (`// Stryker disable next-line <mutator>: reason`), but for these
 * survivors, whose lines also hold mutants the tests kill, so that a marker (one per mutator and line) could not
 * single them out:
 * - src/plan/diff.ts `compareClaims(user, seen) < 0` → `<= 0`, for live and for deleted users (2): org user ids are
 *   unique, so no two users compare equal.
 * - src/genesys/pacer.ts, dropping the answers that left the window, `head > 1024 && head * 2 > answers.length` →
 *   `true`, `||`, `head > 1024` → `true` or `>= 1024`, `head * 2 > answers.length` → `true` or `>=` (6): each drops
 *   them as often or more often, which costs time and changes no decision (the test of a long run bounds the memory,
 *   which kills the mutants that never drop them).
 * - src/genesys/pacer.ts `block`, `until > blockedUntil` → `>=` (1): on a tie it sets the value it already holds.
 */

const selected = process.env.MUTATE_GROUP;
if (selected !== undefined && !(selected in GROUPS)) throw new Error(`MUTATE_GROUP=${selected} is not a group of stryker.config.mjs (${Object.keys(GROUPS).join(', ')})`);
// Without a group (`npx stryker run`), every group at once: one run, but every mutant runs every group's tests.
const groups = selected === undefined ? Object.values(GROUPS) : [GROUPS[selected]];
const name = selected ?? 'all';
const tests = [...new Set(groups.flatMap((g) => g.tests))].map((t) => `dist/test/${t}.test.js`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: groups.flatMap((g) => g.mutate),
  // Mutation switching: the sandbox's instrumented sources (each marked `// @ts-nocheck`) are compiled once; the
  // active mutant is chosen per run by the __STRYKER_ACTIVE_MUTANT__ variable the command runner sets.
  buildCommand: 'npm run build',
  testRunner: 'command',
  // All of the group's test files in one process: `node --test` starts one per file, which costs seconds per mutant.
  // node:test still runs every test and exits 1 when one fails.
  commandRunner: { command: `node --input-type=module --eval "${tests.map((t) => `await import('./${t}');`).join(' ')}"` },
  // The sandbox is a copy: Stryker cannot copy the symbolic-link fixtures (none of the groups' tests reads them).
  ignorePatterns: ['dist', 'coverage', 'reports', '.provision', 'test/fixtures/invalid/symlink-*'],
  // Two shared cores. A mutant that loops forever is stopped after 3 × the unmutated run plus 10 s: on a
  // busy machine a run that merely waited for the CPU would otherwise count as a timeout, that is as caught.
  concurrency: 2,
  timeoutFactor: 3,
  timeoutMS: 10_000,
  reporters: ['html', 'json', 'clear-text', process.stdout.isTTY ? 'progress' : 'progress-append-only'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: process.stdout.isTTY === true && !process.env.NO_COLOR, logTests: false },
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: '.stryker-tmp',
};
