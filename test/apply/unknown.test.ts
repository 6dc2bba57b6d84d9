// Apply's field logic when a re-read left a field out (Genesys expands best effort): lists are never sent merged into a guess, and nothing is overwritten blind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPatch, describeCurrent, fieldStatus } from '../../src/apply/fields.js';
import type { ExpandedField, FieldChange, OrgUser } from '../../src/model/index.js';

const current = (fields: Partial<OrgUser> = {}): OrgUser => ({ id: 'u-1', version: 4, email: 'a@acme.com', name: 'A', state: 'active', phones: [], ...fields });
const noManager = () => undefined;

const lists: FieldChange[] = [
  { field: 'locations', kind: 'set', add: [{ id: 'loc-2', name: 'Dublin' }], remove: [] },
  { field: 'profileSkills', kind: 'strings', add: ['Excel'], remove: [] },
  { field: 'certifications', kind: 'strings', add: [], remove: ['ITIL'] },
];

for (const f of lists) {
  const field = f.field as ExpandedField;
  test(`${f.field}: merged into the current list when known, not sent when the re-read left it out`, () => {
    const known = buildPatch([f], noManager, current({ locationIds: ['loc-1'], profileSkills: ['Word'], certifications: ['ITIL', 'CCNA'] }));
    assert.deepEqual(known.fields, [f]);
    assert.deepEqual(known.skipped, []);
    const blind = buildPatch([f, { field: 'title', kind: 'text', before: null, after: 'Lead' }], noManager, current({ unknown: [field] }));
    assert.deepEqual(blind.patch, { title: 'Lead' });
    assert.deepEqual(blind.skipped.map((s) => s.field), [f.field]);
    assert.match(blind.skipped[0]?.reason ?? '', /could not be read/);
    // After a 409, an unknown value cannot be told from someone else's change: never overwritten.
    assert.equal(fieldStatus(f, current({ unknown: [field] }), noManager), 'conflict');
    assert.match(describeCurrent(f, current({ unknown: [field] })), /^unknown/);
  });
}

test('employer info: an unknown value after a 409 is a conflict, a known one is judged', () => {
  const f: FieldChange = { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E1' } };
  assert.equal(fieldStatus(f, current(), noManager), 'pending');
  assert.equal(fieldStatus(f, current({ employerInfo: { employeeId: 'E1' } }), noManager), 'done');
  assert.equal(fieldStatus(f, current({ unknown: ['employerInfo'] }), noManager), 'conflict');
});

test('a user created in this run has empty lists: nothing to merge into', () => {
  const built = buildPatch(lists, noManager, undefined);
  assert.deepEqual(built.patch, { locationIds: ['loc-2'], profileSkills: ['Excel'], certifications: [] });
});
