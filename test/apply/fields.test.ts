// The PATCH a plan's profile fields become: phones and other emails always together, kept locations with their notes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPatch, fieldStatus, recomputeFields } from '../../src/apply/fields.js';
import type { FieldChange, OrgUser, OtherEmail, Phone, UserPatch } from '../../src/model/index.js';

const ext: Phone = { type: 'work', extension: '4411', mediaType: 'PHONE' };
const mobile: Phone = { type: 'mobile', number: '+13175550111', mediaType: 'PHONE' };
const home: OtherEmail = { type: 'home', address: 'ola@example.com' };
const partner: OtherEmail = { type: 'work', address: 'ola.l@partner.example' };
const noManager = (): undefined => undefined;

function user(fields: Partial<OrgUser>): OrgUser {
  return { id: 'u1', version: 5, email: 'ola@acme.com', name: 'Ola', state: 'active', phones: [], ...fields };
}

describe('buildPatch: addresses', () => {
  const cases: Array<{ name: string; fields: FieldChange[]; current?: OrgUser; want: UserPatch }> = [
    {
      name: 'a phone change sends the other emails the plan recorded',
      fields: [{ field: 'phones', kind: 'phones', before: [], after: [ext], otherEmails: [home] }],
      want: { phones: [ext], otherEmails: [home] },
    },
    {
      name: 'a phone change on a user re-read sends the other emails the org holds now',
      fields: [{ field: 'phones', kind: 'phones', before: [], after: [ext], otherEmails: [home] }],
      current: user({ otherEmails: [home, partner] }),
      want: { phones: [ext], otherEmails: [home, partner] },
    },
    {
      name: 'a phone change on a user with no other emails sends none',
      fields: [{ field: 'phones', kind: 'phones', before: [mobile], after: [] }],
      want: { phones: [], otherEmails: [] },
    },
    {
      name: 'an other-email change sends the phones the plan recorded',
      fields: [{ field: 'otherEmails', kind: 'otherEmails', before: [home], after: [partner], phones: [ext, mobile] }],
      want: { otherEmails: [partner], phones: [ext, mobile] },
    },
    {
      name: 'an other-email change on a user re-read sends the phones the org holds now',
      fields: [{ field: 'otherEmails', kind: 'otherEmails', before: [], after: [partner], phones: [ext] }],
      current: user({ phones: [mobile] }),
      want: { otherEmails: [partner], phones: [mobile] },
    },
    {
      name: 'both changing send both desired values',
      fields: [
        { field: 'phones', kind: 'phones', before: [mobile], after: [ext] },
        { field: 'otherEmails', kind: 'otherEmails', before: [], after: [home] },
      ],
      current: user({ phones: [mobile], otherEmails: [partner] }),
      want: { phones: [ext], otherEmails: [home] },
    },
    { name: 'no address change sends no addresses', fields: [{ field: 'title', kind: 'text', before: null, after: 'Agent' }], want: { title: 'Agent' } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(buildPatch(c.fields, noManager, c.current).patch, c.want));
});

describe('buildPatch: locations keep their notes', () => {
  it('kept locations carry the notes the org holds; added ones have none; removed ones are gone', () => {
    const fields: FieldChange[] = [{ field: 'locations', kind: 'set', add: [{ id: 'l3', name: 'Remote' }], remove: [{ id: 'l2', name: 'Dublin' }] }];
    const current = user({ locationIds: ['l1', 'l2'], locationNotes: { l1: 'Desk 4-12', l2: 'Mondays' } });
    assert.deepEqual(buildPatch(fields, noManager, current).patch, { locationIds: ['l1', 'l3'], locationNotes: { l1: 'Desk 4-12' } });
  });
});

describe('other emails after a version conflict', () => {
  const change: FieldChange = { field: 'otherEmails', kind: 'otherEmails', before: [home], after: [partner] };
  const cases: Array<[string, OtherEmail[] | undefined, ReturnType<typeof fieldStatus>]> = [
    ['already as desired', [partner], 'done'],
    ['still as planned from', [home], 'pending'],
    ['changed by someone else', [], 'conflict'],
  ];
  for (const [name, now, want] of cases) it(name, () => assert.equal(fieldStatus(change, user({ otherEmails: now }), noManager), want));

  it('a create that met an existing user recomputes the other emails it still needs', () => {
    const desired: FieldChange[] = [{ field: 'otherEmails', kind: 'otherEmails', before: [], after: [partner] }];
    assert.deepEqual(recomputeFields(desired, user({ otherEmails: [partner] })), []);
    assert.deepEqual(recomputeFields(desired, user({ otherEmails: [home] })), [{ field: 'otherEmails', kind: 'otherEmails', before: [home], after: [partner] }]);
  });
});
