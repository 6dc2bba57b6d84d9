// A saved plan file at the edges of its checks: JSON pointers with `/` and `~`, long values cut short, the cap on listed problems, a byte order mark, emails compared as the planner does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSavedPlan } from '../../src/desired/plan-file.js';
import { ProvisionError } from '../../src/model/index.js';
import type { Issue, Plan } from '../../src/model/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FULL = readFileSync(path.join(REPO, 'test/render/golden/full.json'), 'utf8');
const full = (): Plan & Record<string, unknown> => JSON.parse(FULL) as Plan & Record<string, unknown>;
const HINT = 'Apply a plan saved with `provision plan --out plan.json` by this version of provision, unchanged; see schemas/plan.schema.json.';

function refusal(text: string): ProvisionError {
  try {
    parseSavedPlan(text, 'plan.json');
  } catch (error) {
    assert.ok(error instanceof ProvisionError, String(error));
    assert.equal(error.code, 'plan-invalid');
    return error;
  }
  assert.fail('expected plan-invalid');
}

const messages = (issues: Issue[]): string[] => issues.map((i) => i.message);

/** The plan with `n` members it may not have at its root: one problem each. */
function withExtras(n: number): string {
  const plan = full();
  for (let i = 0; i < n; i += 1) plan[`extra${String(i).padStart(2, '0')}`] = i;
  return JSON.stringify(plan);
}

describe('parseSavedPlan: how problems are listed', () => {
  it('one problem: singular, with the hint, every issue an error in the file', () => {
    const error = refusal(withExtras(1));
    assert.equal(error.message, 'plan.json is not a valid saved plan (1 problem, above): nothing was applied.');
    assert.equal(error.hint, HINT);
    assert.deepEqual(error.issues, [{ severity: 'error', code: 'plan-invalid', message: '/extra00 is not a member this object may have.', file: 'plan.json' }]);
  });

  it('twenty problems are all listed', () => {
    const error = refusal(withExtras(20));
    assert.equal(error.message, 'plan.json is not a valid saved plan (20 problems, above): nothing was applied.');
    assert.equal(error.issues.length, 20);
    assert.equal(error.issues[19]?.message, '/extra19 is not a member this object may have.');
  });

  it('beyond twenty, the rest are counted in one more error', () => {
    const error = refusal(withExtras(23));
    assert.equal(error.issues.length, 21);
    assert.deepEqual(error.issues[20], { severity: 'error', code: 'plan-invalid', message: '… and 3 more.', file: 'plan.json' });
  });

  it('a member name with `/` or `~` is escaped in its JSON pointer (RFC 6901)', () => {
    const plan = full();
    plan['a/b~c'] = 1;
    assert.deepEqual(messages(refusal(JSON.stringify(plan)).issues), ['/a~1b~0c is not a member this object may have.']);
  });

  it('a bad kind names every kind and shows the value, cut after 40 characters', () => {
    const kind = (value: string): string[] => {
      const plan = full();
      (plan.changes[0]!.fields[0] as unknown as Record<string, unknown>).kind = value;
      return messages(refusal(JSON.stringify(plan)).issues);
    };
    const all = 'text, bool, ref, manager, phones, otherEmails, employerInfo, utilization, voicemail, webrtcPhone, set, strings, grants, levels';
    assert.deepEqual(kind('k'.repeat(38)), [`/changes/0/fields/0/kind must be one of ${all}; it is "${'k'.repeat(38)}".`]);
    assert.deepEqual(kind('k'.repeat(39)), [`/changes/0/fields/0/kind must be one of ${all}; it is "${'k'.repeat(39)}….`]);
  });
});

describe('parseSavedPlan: the text and the changes', () => {
  it('a byte order mark before the JSON is allowed', () => {
    assert.deepEqual(parseSavedPlan(`\ufeff${FULL}`, 'plan.json'), JSON.parse(FULL));
  });

  it('text that is not JSON: the parser\'s reason at 1:1, with how to get a plan', () => {
    const error = refusal('{"formatVersion": 1,');
    let reason = '';
    try {
      JSON.parse('{"formatVersion": 1,');
    } catch (e) {
      reason = (e as Error).message;
    }
    assert.equal(error.message, `plan.json:1:1 is not a plan: ${reason}.`);
    assert.equal(error.hint, 'Save a plan with `provision plan --out plan.json` and apply that file unchanged.');
  });

  it('the same user twice is found whatever the case and surrounding spaces of the emails', () => {
    const plan = full();
    const again = structuredClone(plan.changes[0]!);
    again.email = ` ${again.email.toUpperCase()} `;
    plan.changes.push(again);
    plan.summary[again.action] += 1;
    assert.match(messages(refusal(JSON.stringify(plan)).issues).join('\n'), /^\/changes\/\d+\/email changes .* again \(first at \/changes\/0\): each user is changed once\.$/m);
  });

  it('emails that only compare equal in upper case are different users', () => {
    const plan = full();
    const first = plan.changes[0]!;
    first.email = 'straße@acme.com';
    const other = { ...structuredClone(first), email: 'strasse@acme.com' };
    plan.changes.push(other);
    plan.summary[other.action] += 1;
    assert.doesNotThrow(() => parseSavedPlan(JSON.stringify(plan), 'plan.json'));
  });
});
