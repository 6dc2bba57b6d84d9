// Conformance: a user's addresses in the four shapes Genesys answers with, other emails and extension pools; employeeType, language proficiency and location notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Models } from 'purecloud-platform-client-v2';
import { orgFromSeed, seedFromOrg } from '../../src/sandbox/org.js';
import type { SeedOrg } from '../../src/sandbox/index.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { withSandbox } from '../support/sandbox.js';

type Body = Record<string, unknown>;

function seed(): SeedOrg {
  return {
    org: { name: 'Phones Org', defaultCountryCode: 'US' },
    divisions: [{ name: 'Home', home: true }, 'Support'],
    languages: ['English'],
    skills: ['Billing'],
    locations: ['Indianapolis HQ', 'Dublin'],
    extensionPools: [{ name: 'HQ desks', startNumber: '4000', endNumber: '4999' }],
    users: [
      {
        email: 'nina.berg@acme.com',
        name: 'Nina Berg',
        phones: [
          { type: 'work', number: '+13175550100' },
          { type: 'work2', number: '+13175550120', extension: '120' },
          { type: 'work3', extension: '4411' },
          { type: 'work4', extension: '7788' },
          { type: 'mobile', number: '+442079460958', mediaType: 'SMS' },
        ],
        otherEmails: [{ type: 'home', address: 'nina@example.com' }],
        locations: [{ location: 'Indianapolis HQ', notes: 'Desk 4-12' }, 'Dublin'],
      },
      { email: 'ola.lind@acme.com', name: 'Ola Lind', division: 'Support' },
    ],
  };
}

const idOf = (sandbox: { org: { liveUserByEmail(e: string): { id: string } | undefined } }, email: string): string => sandbox.org.liveUserByEmail(email)?.id as string;

test('addresses come back in the four documented shapes, values wrapped in parentheses, numbers in display form', async () => {
  await withSandbox({ seed: seed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const user = await sdk.users.getUser(idOf(sandbox, 'nina.berg@acme.com'));
    const byType = new Map((user.addresses ?? []).map((a) => [`${a.mediaType}/${a.type}`, a]));
    const cases: Array<[string, string, Models.Contact]> = [
      ['(1) a number: address and its display form', 'PHONE/WORK', { address: '+13175550100', display: '(317) 555-0100', mediaType: 'PHONE', type: 'WORK' }],
      ['(3) number and extension: the number only in display', 'PHONE/WORK2', { display: '(317) 555-0120', extension: '120', mediaType: 'PHONE', type: 'WORK2' }],
      ['(2) a pooled extension: extension == display, with a derived address', 'PHONE/WORK3', { address: '+15550004411', display: '(4411)', extension: '(4411)', mediaType: 'PHONE', type: 'WORK3' }],
      ['(4) an extension in no pool: display only', 'PHONE/WORK4', { display: '(7788)', mediaType: 'PHONE', type: 'WORK4' }],
      ['a number of another country: international display', 'SMS/MOBILE', { address: '+442079460958', display: '+44 20 7946 0958', mediaType: 'SMS', type: 'MOBILE' }],
      ['an other email', 'EMAIL/HOME', { address: 'nina@example.com', display: 'nina@example.com', mediaType: 'EMAIL', type: 'HOME' }],
    ];
    for (const [name, key, want] of cases) assert.deepEqual(byType.get(key), want, name);
    assert.equal(user.addresses?.length, cases.length);
    // Listings answer the same shapes as the single read.
    const listed = (await sdk.users.getUsers({ id: [user.id as string] })).entities?.[0];
    assert.deepEqual(listed?.addresses, user.addresses);
    assert.equal((await sdk.organization.getOrganizationsMe()).defaultCountryCode, 'US');
  });
});

test('extension pools are listed through TelephonyProvidersEdgeApi, 100 a page at most', async () => {
  await withSandbox({ seed: seed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const pools = await sdk.telephony.getTelephonyProvidersEdgesExtensionpools({ pageSize: 100 });
    assert.deepEqual(pools.entities?.map((p) => [p.name, p.startNumber, p.endNumber, p.division?.name]), [['HQ desks', '4000', '4999', 'Home']]);
    const error = (await rejection(sdk.telephony.getTelephonyProvidersEdgesExtensionpools({ pageSize: 101 }))) as Body;
    assert.equal(error.status, 400);
  });
});

test('a PATCH of addresses replaces the whole list: phones sent alone drop the other emails', async () => {
  await withSandbox({ seed: seed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const id = idOf(sandbox, 'nina.berg@acme.com');
    const before = await sdk.users.getUser(id);
    const phonesOnly = await sdk.users.patchUser(id, { version: before.version, addresses: [{ mediaType: 'PHONE', type: 'WORK', address: '+13175550199' }] });
    assert.deepEqual(phonesOnly.addresses?.map((a) => a.mediaType), ['PHONE']);
    const both = await sdk.users.patchUser(id, {
      version: phonesOnly.version,
      addresses: [
        { mediaType: 'PHONE', type: 'WORK', address: '+13175550199', extension: '12' },
        { mediaType: 'EMAIL', type: 'WORK', address: 'nina.b@partner.example' },
      ],
    });
    assert.deepEqual(both.addresses, [
      { display: '(317) 555-0199', extension: '12', mediaType: 'PHONE', type: 'WORK' },
      { address: 'nina.b@partner.example', display: 'nina.b@partner.example', mediaType: 'EMAIL', type: 'WORK' },
    ]);
  });
});

test('addresses a write may not send: 400 invalid.value', async () => {
  await withSandbox({ seed: seed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const id = idOf(sandbox, 'nina.berg@acme.com');
    const version = (await sdk.users.getUser(id)).version;
    const cases: Array<[string, Models.Contact[]]> = [
      ['the primary email as an other email', [{ mediaType: 'EMAIL', type: 'WORK', address: 'Nina.Berg@acme.com' }]],
      ['an email of type OTHER', [{ mediaType: 'EMAIL', type: 'OTHER', address: 'n@example.com' }]],
      ['one email twice', [{ mediaType: 'EMAIL', type: 'WORK', address: 'n@example.com' }, { mediaType: 'EMAIL', type: 'HOME', address: 'N@example.com' }]],
      ['an email that is not one', [{ mediaType: 'EMAIL', type: 'HOME', address: 'not-an-email' }]],
      ['an extension as the API displays it', [{ mediaType: 'PHONE', type: 'WORK', extension: '(4411)', display: '(4411)' }]],
      ['a national number', [{ mediaType: 'PHONE', type: 'WORK', address: '(317) 555-0100' }]],
      ['a phone with neither number nor extension', [{ mediaType: 'PHONE', type: 'WORK', display: '(317) 555-0100' }]],
      ['two work phones', [{ mediaType: 'PHONE', type: 'WORK', address: '+13175550100' }, { mediaType: 'PHONE', type: 'WORK', extension: '4411' }]],
    ];
    for (const [name, addresses] of cases) {
      const error = (await rejection(sdk.users.patchUser(id, { version, addresses }))) as Body;
      assert.equal(error.status, 400, name);
      assert.equal(error.code, 'invalid.value', name);
    }
    const created = (await rejection(sdk.users.postUsers({ name: 'X', email: 'x@acme.com', divisionId: sandbox.org.homeDivision().id, addresses: [{ mediaType: 'EMAIL', type: 'HOME', address: 'x@acme.com' }] }))) as Body;
    assert.equal(created.status, 400);
    assert.equal((await sdk.users.getUser(id)).version, version, 'nothing was written');
  });
});

test('employerInfo.employeeType is Full-time, Part-time or Contractor', async () => {
  await withSandbox({ seed: seed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const id = idOf(sandbox, 'ola.lind@acme.com');
    let version = (await sdk.users.getUser(id)).version;
    for (const employeeType of ['Intern', 'full-time', '']) {
      const error = (await rejection(sdk.users.patchUser(id, { version, employerInfo: { employeeType } }))) as Body;
      assert.equal(error.status, 400, employeeType);
      assert.equal(error.code, 'invalid.value');
    }
    for (const employeeType of ['Full-time', 'Part-time', 'Contractor']) {
      version = (await sdk.users.patchUser(id, { version, employerInfo: { employeeType } })).version;
    }
    assert.equal((await sdk.users.getUser(id, { expand: ['employerInfo'] })).employerInfo?.employeeType, 'Contractor');
    assert.throws(() => orgFromSeed({ users: [{ email: 'a@acme.com', name: 'A', employerInfo: { employeeType: 'Temp' } }] }), /employeeType/);
  });
});

test('language proficiency is a whole number 0–5 on the bulk call; skills take fractions', async () => {
  await withSandbox({ seed: seed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const id = idOf(sandbox, 'ola.lind@acme.com');
    const english = sandbox.org.languages.byExactName('English')?.id as string;
    const billing = sandbox.org.skills.byExactName('Billing')?.id as string;
    const error = (await rejection(sdk.users.patchUserRoutinglanguagesBulk(id, [{ id: english, proficiency: 3.5 }]))) as Body;
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid.value');
    await sdk.users.patchUserRoutinglanguagesBulk(id, [{ id: english, proficiency: 4 }]);
    await sdk.users.patchUserRoutingskillsBulk(id, [{ id: billing, proficiency: 3.5 }]);
    const user = await sdk.users.getUser(id, { expand: ['skills', 'languages'] });
    assert.deepEqual(user.languages?.map((l) => l.proficiency), [4]);
    assert.deepEqual(user.skills?.map((s) => s.proficiency), [3.5]);
  });
});

test('a user\'s location notes are kept, and lost by a PATCH of locations that does not send them', async () => {
  await withSandbox({ seed: seed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const id = idOf(sandbox, 'nina.berg@acme.com');
    const hq = sandbox.org.locations.byExactName('Indianapolis HQ')?.id as string;
    const dublin = sandbox.org.locations.byExactName('Dublin')?.id as string;
    const notes = async () => ((await sdk.users.getUser(id, { expand: ['locations'] })).locations ?? []).map((l) => [l.locationDefinition?.name, l.notes]);
    assert.deepEqual(await notes(), [['Indianapolis HQ', 'Desk 4-12'], ['Dublin', undefined]]);
    let version = (await sdk.users.getUser(id)).version;
    version = (await sdk.users.patchUser(id, { version, locations: [{ id: hq, notes: 'Desk 4-12' }] })).version;
    assert.deepEqual(await notes(), [['Indianapolis HQ', 'Desk 4-12']]);
    await sdk.users.patchUser(id, { version, locations: [{ id: hq }, { id: dublin, notes: 'Mondays' }] });
    assert.deepEqual(await notes(), [['Indianapolis HQ', undefined], ['Dublin', 'Mondays']]);
  });
});

test('other emails, location notes, extension pools and the default country survive the persisted state', () => {
  const org = orgFromSeed(seed());
  const again = orgFromSeed(seedFromOrg(org));
  const nina = again.liveUserByEmail('nina.berg@acme.com');
  assert.deepEqual(nina?.addresses, org.liveUserByEmail('nina.berg@acme.com')?.addresses);
  assert.deepEqual(nina?.addresses.filter((a) => a.mediaType === 'EMAIL'), [{ mediaType: 'EMAIL', type: 'HOME', address: 'nina@example.com' }]);
  assert.deepEqual(Object.values(nina?.locationNotes ?? {}), ['Desk 4-12']);
  assert.deepEqual(again.extensionPools.sorted().map((p) => [p.name, p.startNumber, p.endNumber]), [['HQ desks', '4000', '4999']]);
  assert.equal(again.defaultCountryCode, 'US');
});
