// Fields Genesys left out of the read (expand is best effort): never diffed as "none", a warning at the field instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/plan/index.js';
import type { DesiredUser, ExpandedField, OrgUser } from '../../src/model/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

/** Per field: what the file says, and an org value that differs from it. */
const cases: Array<{ field: ExpandedField; wanted: Partial<DesiredUser>; known: Partial<OrgUser> }> = [
  { field: 'skills', wanted: { skills: { Billing: 3 } }, known: { skills: {} } },
  { field: 'languages', wanted: { languages: { English: 5 } }, known: { languages: {} } },
  { field: 'groups', wanted: { groups: ['Team Leads'] }, known: { groupIds: [] } },
  { field: 'locations', wanted: { locations: ['Dublin Office'] }, known: { locationIds: [] } },
  { field: 'profileSkills', wanted: { profileSkills: ['Excel'] }, known: { profileSkills: [] } },
  { field: 'certifications', wanted: { certifications: [] }, known: { certifications: ['ITIL'] } },
  { field: 'employerInfo', wanted: { employerInfo: { employeeId: 'E1' } }, known: {} },
  { field: 'roles', wanted: { roles: [{ role: 'employee' }] }, known: { roleGrants: [] } },
];

for (const c of cases) {
  test(`${c.field}: planned when known, left alone with a warning at its line when unknown`, () => {
    const user = desiredUser('ola@acme.com', { name: 'ola', ...c.wanted, at: { [c.field]: { file: 'users/team.yaml', line: 7, column: 5 } } });
    const known = buildPlan({ desired: desiredState([user]), org: orgState([orgUser('u-1', 'ola@acme.com', c.known)]), config: config() });
    assert.deepEqual(known.plan.changes[0]?.fields.map((f) => f.field), [c.field]);
    const unknown = buildPlan({ desired: desiredState([user]), org: orgState([orgUser('u-1', 'ola@acme.com', { roleGrants: undefined, unknown: [c.field] })]), config: config() });
    assert.deepEqual(unknown.errors, []);
    assert.deepEqual(unknown.plan.changes, []);
    assert.equal(unknown.plan.summary.unchanged, 1);
    assert.deepEqual(
      unknown.plan.warnings.map((w) => [w.code, w.file, w.line, w.column]),
      [['field-unknown', 'users/team.yaml', 7, 5]],
    );
    assert.match(unknown.plan.warnings[0]?.message ?? '', new RegExp(`^Genesys did not return the ${c.field} of ola@acme\\.com .*leaves the user's ${c.field} unchanged\\.$`));
  });
}

test('an unknown field the file does not manage says nothing', () => {
  const p = buildPlan({ desired: desiredState([desiredUser('ola@acme.com', { name: 'ola', title: 'Lead' })]), org: orgState([orgUser('u-1', 'ola@acme.com', { unknown: ['skills', 'groups'] })]), config: config() });
  assert.deepEqual(p.plan.changes.map((c) => c.fields.map((f) => f.field)), [['title']]);
  assert.deepEqual(p.plan.warnings, []);
});

test('read warnings travel with the plan', () => {
  const warning = { severity: 'warning' as const, code: 'inactive-users-not-read', message: 'x' };
  const p = buildPlan({ desired: desiredState([]), org: orgState([], { warnings: [warning] }), config: config() });
  assert.deepEqual(p.plan.warnings, [warning]);
});
