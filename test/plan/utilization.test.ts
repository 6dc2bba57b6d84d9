// Utilization and voicemail as values: normalisation, the cell syntax, the diff against the org default, and which users the read request names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import type { DesiredUser, FieldChange, MediaUtilization, OrgUser } from '../../src/model/index.js';
import { normalUtilization, ownSettings, parseUtilizationItem, sameUtilization, utilizationCell } from '../../src/rules/utilization.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

const media = (maximumCapacity: number, interruptableMediaTypes: MediaUtilization['interruptableMediaTypes'] = [], includeNonAcd = false): MediaUtilization => ({ maximumCapacity, interruptableMediaTypes, includeNonAcd });

/** The org-wide utilization every case's org has. */
const ORG_DEFAULT = { call: media(1), callback: media(1), chat: media(4), email: media(1), message: media(4) };

describe('normalisation and the cell syntax', () => {
  it('fills in Terraform\'s defaults and puts media types and interrupting types in one order', () => {
    assert.deepEqual(normalUtilization({ email: { maximumCapacity: 2 }, chat: { maximumCapacity: 3, interruptableMediaTypes: ['email', 'call'], includeNonAcd: true } }), {
      chat: media(3, ['call', 'email'], true),
      email: media(2),
    });
    assert.equal(normalUtilization('org-default'), 'org-default');
  });

  it('a utilization is written as one cell and read back to the same value', () => {
    const value = normalUtilization({ call: { maximumCapacity: 1 }, chat: { maximumCapacity: 3, interruptableMediaTypes: ['call', 'callback'], includeNonAcd: true } });
    const cell = utilizationCell(value);
    assert.equal(cell, 'call:1; chat:3 interruptable=call,callback nonacd');
    const parsed = Object.fromEntries(cell.split(';').map((item) => parseUtilizationItem(item)).map((i) => [i.media, i.value]));
    assert.ok(sameUtilization(normalUtilization(parsed as never), value));
    assert.equal(utilizationCell('org-default'), 'org-default');
  });

  it('an item the schema must judge is kept as written: a capacity that is not a number, an unknown flag', () => {
    assert.deepEqual(parseUtilizationItem(' chat:lots loud'), { media: 'chat', value: { maximumCapacity: 'lots', loud: true } });
    assert.deepEqual(parseUtilizationItem('chat'), { media: 'chat', value: {} });
  });

  it('own settings leave out the media types equal to the org default', () => {
    assert.deepEqual(ownSettings({ ...ORG_DEFAULT, chat: media(2) }, ORG_DEFAULT), { chat: media(2) });
    assert.deepEqual(ownSettings({ call: media(1, [], true) }, ORG_DEFAULT), { call: media(1, [], true) });
  });
});

const EMAIL = 'ola.lind@acme.com';

function fieldsOf(desired: Partial<DesiredUser>, org: Partial<OrgUser>, exists = true): FieldChange[] {
  const ola = desiredUser(EMAIL, { name: 'Ola Lind', ...desired });
  const users = exists ? [orgUser('u-ola', EMAIL, { name: 'Ola Lind', ...org })] : [];
  const { plan, errors } = buildPlan({ desired: desiredState([ola]), org: orgState(users, { utilizationDefault: ORG_DEFAULT }), config: config() });
  assert.deepEqual(errors, []);
  return plan.changes.find((c) => c.email === EMAIL)?.fields ?? [];
}

describe('the diff of utilization', () => {
  const cases: Array<{ name: string; desired: DesiredUser['utilization']; org: OrgUser['utilization']; expect: FieldChange[] }> = [
    { name: 'org default on both sides', desired: 'org-default', org: 'org-default', expect: [] },
    { name: 'own settings where the org default is', desired: { chat: media(2) }, org: 'org-default', expect: [{ field: 'utilization', kind: 'utilization', before: 'org-default', after: { chat: media(2) } }] },
    { name: 'the same settings, the API answering every media type', desired: { chat: media(2) }, org: { media: { ...ORG_DEFAULT, chat: media(2) } }, expect: [] },
    { name: 'a media type set to its default value is no change', desired: { chat: media(2), call: media(1) }, org: { media: { ...ORG_DEFAULT, chat: media(2) } }, expect: [] },
    {
      name: 'changed settings, shown as own settings on both sides',
      desired: { chat: media(3, ['call']) },
      org: { media: { ...ORG_DEFAULT, chat: media(2), email: media(2) } },
      expect: [{ field: 'utilization', kind: 'utilization', before: { chat: media(2), email: media(2) }, after: { chat: media(3, ['call']) } }],
    },
    { name: 'back to the org default', desired: 'org-default', org: { media: { ...ORG_DEFAULT, chat: media(2) } }, expect: [{ field: 'utilization', kind: 'utilization', before: { chat: media(2) }, after: 'org-default' }] },
    {
      name: 'own settings equal to the default are not the org default',
      desired: 'org-default',
      org: { media: { ...ORG_DEFAULT } },
      expect: [{ field: 'utilization', kind: 'utilization', before: {}, after: 'org-default' }],
    },
    {
      name: 'label utilizations are carried to be sent back with the PUT',
      desired: { chat: media(3) },
      org: { media: { ...ORG_DEFAULT }, kept: { labelUtilizations: { l1: { maximumCapacity: 2 } } } },
      expect: [{ field: 'utilization', kind: 'utilization', before: {}, after: { chat: media(3) }, kept: { labelUtilizations: { l1: { maximumCapacity: 2 } } } }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(fieldsOf({ utilization: c.desired }, { utilization: c.org }), c.expect));
  }

  it('a user to create: own settings are set after the create, org-default needs no call', () => {
    assert.deepEqual(fieldsOf({ utilization: { call: media(2) } }, {}, false).filter((f) => f.field === 'utilization'), [{ field: 'utilization', kind: 'utilization', before: null, after: { call: media(2) } }]);
    assert.deepEqual(fieldsOf({ utilization: 'org-default' }, {}, false).filter((f) => f.field === 'utilization'), []);
  });

  it('a value the read did not fetch is left unchanged, with a warning', () => {
    const ola = desiredUser(EMAIL, { name: 'Ola Lind', utilization: { chat: media(2) } });
    const { plan } = buildPlan({ desired: desiredState([ola]), org: orgState([orgUser('u-ola', EMAIL, { name: 'Ola Lind' })]), config: config() });
    assert.equal(plan.changes.length, 0);
    assert.deepEqual(plan.warnings.map((w) => w.code), ['field-unknown']);
  });
});

describe('the diff of the voicemail policy', () => {
  it('compares only the keys the file names', () => {
    assert.deepEqual(fieldsOf({ voicemail: { alertTimeoutSeconds: 20 } }, { voicemail: { enabled: false, alertTimeoutSeconds: 20, sendEmailNotifications: true } }), []);
    assert.deepEqual(fieldsOf({ voicemail: { alertTimeoutSeconds: 25, enabled: false } }, { voicemail: { enabled: false, alertTimeoutSeconds: 20, sendEmailNotifications: true } }), [
      { field: 'voicemail', kind: 'voicemail', before: { enabled: false, alertTimeoutSeconds: 20 }, after: { alertTimeoutSeconds: 25, enabled: false } },
    ]);
  });

  it('a user to create gets the policy after the create', () => {
    assert.deepEqual(fieldsOf({ voicemail: { enabled: false } }, {}, false).filter((f) => f.field === 'voicemail'), [{ field: 'voicemail', kind: 'voicemail', before: null, after: { enabled: false } }]);
  });
});

describe('the read request', () => {
  it('names only the users whose file manages utilization or voicemail, and nothing when none does', () => {
    const users = [desiredUser('a@acme.com', { utilization: 'org-default' }), desiredUser('b@acme.com', { voicemail: { enabled: true } }), desiredUser('c@acme.com')];
    assert.deepEqual(readRequestFor(desiredState(users), config()).perUser, { utilization: ['a@acme.com'], voicemail: ['b@acme.com'] });
    assert.equal(readRequestFor(desiredState([desiredUser('c@acme.com')]), config()).perUser, undefined);
  });
});
