// Merge applies the reviewed plan: the review record's refusals, the change-by-change comparison, and `provision review` through the binary.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Plan } from '../../src/model/index.js';
import { planChecksum } from '../../src/plan/index.js';
import { comparePlans, makeReviewRecord, reviewRefusals } from '../../src/review/index.js';
import type { ReviewTie } from '../../src/review/index.js';
import { fullPlan } from '../render/plans.js';

const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);
const TIE: ReviewTie = { repository: 'acme/org-users', pullRequest: 17, headSha: HEAD, baseSha: BASE };

/** A plan with a checksum that matches its content. */
function sealed(plan: Omit<Plan, 'checksum'> & { checksum?: string }): Plan {
  const copy = structuredClone(plan) as Plan;
  return { ...copy, checksum: planChecksum(copy) };
}

const reviewed = sealed(fullPlan);
const record = makeReviewRecord(reviewed, TIE);
const expect = { repository: 'acme/org-users', pullRequest: 17, headSha: HEAD };

describe('the review record', () => {
  test('a record and plan as written are accepted', () => {
    assert.deepEqual(reviewRefusals(record, reviewed, expect), []);
  });

  const cases: [string, unknown, Plan, typeof expect, RegExp][] = [
    ['a record edited by hand', { ...record, pullRequest: 18 }, reviewed, { ...expect, pullRequest: 18 }, /the review record was edited after it was written/],
    ['a plan edited by hand', record, { ...reviewed, changes: reviewed.changes.slice(1) }, expect, /the saved plan was edited after it was planned/],
    ['the plan of another pull request', record, reviewed, { ...expect, pullRequest: 18 }, /the saved plan is of pull request #17, not of the merged pull request #18/],
    ['a plan of an older push', record, reviewed, { ...expect, headSha: 'c'.repeat(40) }, /not of the merged head cccccccccccc: the last push was not planned/],
    ['a plan from another repository', record, reviewed, { ...expect, repository: 'acme/other' }, /made in acme\/org-users, not in acme\/other/],
    ['a record of another plan', makeReviewRecord(sealed({ ...fullPlan, readCalls: 99 }), TIE), reviewed, expect, /the review record names plan \w{12}, not the saved plan/],
    ['not a record', { kind: 'something' }, reviewed, expect, /not a provision review record/],
    ['a record without its commits', { ...record, headSha: 'HEAD' }, reviewed, expect, /lacks its repository, pull request, head or base commit/],
  ];
  for (const [what, given, plan, expected, reason] of cases) {
    test(`refuses ${what}, saying why`, () => {
      const reasons = reviewRefusals(given, plan, expected);
      assert.ok(reasons.some((r) => reason.test(r)), reasons.join(' | '));
    });
  }
});

describe('comparing the reviewed plan with the plan of the merge', () => {
  test('the same changes, with other user versions and other lines, are the same plan', () => {
    const fresh = sealed({ ...fullPlan, readCalls: 3, changes: fullPlan.changes.map((c) => ({ ...c, version: (c.version ?? 0) + 5, source: c.source ? { ...c.source, line: c.source.line + 40 } : undefined })) });
    const diff = comparePlans(reviewed, fresh);
    assert.equal(diff.same, true, JSON.stringify(diff));
  });

  test('a change only in the plan of the merge, one no longer there, and one that differs are each reported', () => {
    const [first, second, ...rest] = fullPlan.changes;
    assert.ok(first && second);
    const edited = { ...second, name: `${second.name} (renamed in the org)` };
    const extra = { ...first, email: 'someone.new@acme.com' };
    const fresh = sealed({ ...fullPlan, changes: [edited, ...rest, extra] });
    const diff = comparePlans(reviewed, fresh);
    assert.equal(diff.same, false);
    assert.deepEqual(diff.onlyReviewed.map((c) => c.email), [first.email]);
    assert.deepEqual(diff.onlyFresh.map((c) => c.email), ['someone.new@acme.com']);
    assert.deepEqual(diff.changed.map((c) => c.fresh.name), [edited.name]);
  });

  test('plans of two orgs are never comparable; a plan blocked now differs', () => {
    const other = sealed({ ...fullPlan, target: { ...fullPlan.target, orgId: 'another-org' } });
    assert.match(comparePlans(reviewed, other).otherOrg ?? '', /but the org now is/);
    const blocked = sealed({ ...fullPlan, safety: { blocked: true, overridden: false, violations: [{ rule: 'max-deactivations', message: 'too many' }] } });
    const diff = comparePlans(reviewed, blocked);
    assert.equal(diff.same, false);
    assert.match(diff.safety ?? '', /now blocked/);
  });
});

describe('provision review, through the binary', () => {
  const BIN = join(resolve('.'), 'bin', 'provision.js');
  const run = (cwd: string, args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, 'review', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  };
  const write = (dir: string, name: string, value: unknown): string => {
    const file = join(dir, name);
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
    return file;
  };

  test('record, then compare: 0 for the same plan, 2 with the difference in Markdown, 1 for a plan edited by hand or of another pull request', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-review-'));
    try {
      const planFile = write(dir, 'plan.json', reviewed);
      const made = run(dir, ['record', planFile, '--repository', 'acme/org-users', '--pull-request', '17', '--head', HEAD, '--base', BASE, '--out', join(dir, 'review.json')]);
      assert.equal(made.status, 0, made.stderr);
      const args = (fresh: string, pr = '17') => ['compare', planFile, fresh, '--review', join(dir, 'review.json'), '--repository', 'acme/org-users', '--pull-request', pr, '--head', HEAD, '--markdown-file', join(dir, 'diff.md')];

      const same = run(dir, args(write(dir, 'same.json', sealed({ ...fullPlan, readCalls: 7 }))));
      assert.equal(same.status, 0, same.stderr);

      const fresh = sealed({ ...fullPlan, changes: fullPlan.changes.slice(1) });
      const different = run(dir, args(write(dir, 'fresh.json', fresh)));
      assert.equal(different.status, 2, different.stderr);
      assert.match(different.stderr, /differs from the plan reviewed in pull request #17: 1 no longer planned, 0 new, 0 different/);

      const other = run(dir, args(join(dir, 'fresh.json'), '18'));
      assert.equal(other.status, 1);
      assert.match(other.stderr, /error review-refused +The saved plan of pull request #18 cannot be applied: the saved plan is of pull request #17/);

      write(dir, 'plan.json', { ...reviewed, changes: [] });
      const edited = run(dir, args(join(dir, 'fresh.json')));
      assert.equal(edited.status, 1);
      assert.match(edited.stderr, /the saved plan was edited after it was planned/);
      assert.doesNotMatch(edited.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('approve: the checksum of the plan now is accepted, any other is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-review-'));
    try {
      const planFile = write(dir, 'plan.json', reviewed);
      assert.equal(run(dir, ['approve', planFile, '--checksum', reviewed.checksum]).status, 0);
      const wrong = run(dir, ['approve', planFile, '--checksum', '0'.repeat(64)]);
      assert.equal(wrong.status, 1);
      assert.match(wrong.stderr, new RegExp(`error approval-checksum-mismatch +The approval names plan 0{64}, but the plan now is ${reviewed.checksum}: nothing was applied\\.`));
      assert.match(wrong.stderr, /hint: /);
      const bad = run(dir, ['record', planFile, '--repository', 'a/b', '--pull-request', '1', '--head', 'main', '--base', BASE, '--out', join(dir, 'r.json')]);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /error invalid-commit +--head must be a full commit SHA/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
