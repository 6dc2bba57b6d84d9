// The combination rules of personas, in tables: sets united, the highest proficiency, scalars that must agree, and what is nearer the user replacing the rest.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Bundle } from '../../src/model/index.js';
import { combine, originOf, overlay, ownBundle } from '../../src/rules/personas.js';

const a = (fields: Record<string, unknown>): Bundle => ownBundle('a', fields);
const b = (fields: Record<string, unknown>): Bundle => ownBundle('b', fields);

describe('combine: several personas', () => {
  const cases: { name: string; parts: Bundle[]; fields: Record<string, unknown>; conflicts?: string[] }[] = [
    { name: 'queues are united, first spelling kept, case ignored', parts: [a({ queues: ['Tier 1', 'Callbacks'] }), b({ queues: ['tier 1', 'Spanish'] })], fields: { queues: ['Tier 1', 'Callbacks', 'Spanish'] } },
    { name: 'groups, locations, profile skills and certifications are united', parts: [a({ groups: ['G1'], locations: ['HQ'], certifications: ['C1'] }), b({ groups: ['G2'], locations: ['HQ'], profileSkills: ['P'] })], fields: { groups: ['G1', 'G2'], locations: ['HQ'], certifications: ['C1'], profileSkills: ['P'] } },
    { name: 'skills: united, the highest proficiency wins', parts: [a({ skills: { Billing: 3, Returns: 3 } }), b({ skills: { billing: 5, Chat: 1 } })], fields: { skills: { Billing: 5, Returns: 3, Chat: 1 } } },
    { name: 'languages: the highest wins whichever comes first', parts: [a({ languages: { Spanish: 5 } }), b({ languages: { Spanish: 2 } })], fields: { languages: { Spanish: 5 } } },
    { name: 'roles: grants united one by one, divisions split', parts: [a({ roles: ['employee', { role: 'Supervisor', divisions: ['Support', 'Sales'] }] }), b({ roles: ['Employee', { role: 'Supervisor', division: 'sales' }, 'User'] })], fields: { roles: ['employee', { role: 'Supervisor', division: 'Support' }, { role: 'Supervisor', division: 'Sales' }, 'User'] } },
    { name: 'an empty list is none, united with the other', parts: [a({ queues: [] }), b({ queues: ['Q'] })], fields: { queues: ['Q'] } },
    { name: 'a scalar set the same by both is fine', parts: [a({ title: 'Agent', acdAutoAnswer: true }), b({ title: 'Agent', acdAutoAnswer: true })], fields: { title: 'Agent', acdAutoAnswer: true } },
    { name: 'maps as scalars compare as data', parts: [a({ voicemail: { enabled: true, alertTimeoutSeconds: 20 } }), b({ voicemail: { alertTimeoutSeconds: 20, enabled: true } })], fields: { voicemail: { enabled: true, alertTimeoutSeconds: 20 } } },
    { name: 'a scalar set differently is a conflict, the first kept', parts: [a({ title: 'Agent', division: 'Support' }), b({ title: 'Senior', division: 'Support' })], fields: { title: 'Agent', division: 'Support' }, conflicts: ['title a b'] },
    { name: 'utilization set differently is a conflict', parts: [a({ utilization: 'org-default' }), b({ utilization: { call: { maximumCapacity: 1 } } })], fields: { utilization: 'org-default' }, conflicts: ['utilization a b'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { bundle, conflicts } = combine(c.parts);
      assert.deepEqual(bundle.fields, c.fields);
      assert.deepEqual(conflicts.map((x) => `${x.field} ${x.a.persona} ${x.b.persona}`), c.conflicts ?? []);
    });
  }

  test('every value knows where it is written, and every field which personas gave it', () => {
    const { bundle } = combine([a({ skills: { Billing: 3 }, queues: ['Q1'] }), b({ skills: { Billing: 5 }, queues: ['Q1', 'Q2'], roles: [{ role: 'R', divisions: ['D1', 'D2'] }] })]);
    assert.deepEqual(originOf(bundle, ['skills', 'Billing']), { persona: 'b', path: ['skills', 'Billing'] });
    assert.deepEqual(originOf(bundle, ['queues', 0]), { persona: 'a', path: ['queues', 0] });
    assert.deepEqual(originOf(bundle, ['queues', 1]), { persona: 'b', path: ['queues', 1] });
    assert.deepEqual(originOf(bundle, ['roles', 1, 'division']), { persona: 'b', path: ['roles', 0, 'divisions', 1] });
    assert.deepEqual(bundle.by, { skills: ['a', 'b'], queues: ['a', 'b'], roles: ['b'] });
  });
});

describe('overlay: what is set nearer the user replaces the field', () => {
  const cases: { name: string; base: Record<string, unknown>; top: Record<string, unknown>; fields: Record<string, unknown> }[] = [
    { name: 'a set field replaces, it is not united', base: { queues: ['Q1'], skills: { Billing: 3 } }, top: { queues: ['Q2'] }, fields: { queues: ['Q2'], skills: { Billing: 3 } } },
    { name: 'an empty list replaces with none', base: { queues: ['Q1'] }, top: { queues: [] }, fields: { queues: [] } },
    { name: 'a lower proficiency replaces a higher one', base: { skills: { Billing: 5 } }, top: { skills: { Billing: 1 } }, fields: { skills: { Billing: 1 } } },
    { name: 'a scalar replaces', base: { title: 'Agent' }, top: { title: 'Lead' }, fields: { title: 'Lead' } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const out = overlay(a(c.base), b(c.top));
      assert.deepEqual(out.fields, c.fields);
      for (const field of Object.keys(c.top)) assert.deepEqual(out.by[field], ['b']);
    });
  }
});
