// Tables for the pure conversions: phones from Genesys addresses, PATCH bodies, error shapes and redaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redactor, toApiError } from '../../src/genesys/errors.js';
import { isRetryable } from '../../src/genesys/http.js';
import { createBody, orgUserOf, otherEmailFromContact, phoneFromContact, phoneInRegion, updateBody } from '../../src/genesys/normalize.js';
import type { OtherEmail, Phone } from '../../src/model/desired.js';
import { normalEmail } from '../../src/rules/identity.js';

describe('phoneFromContact', () => {
  const cases: Array<{ name: string; contact: Parameters<typeof phoneFromContact>[0]; want: Phone | undefined }> = [
    { name: 'E.164 with extension', contact: { address: '+13175550100', extension: '12', mediaType: 'PHONE', type: 'WORK' }, want: { type: 'work', number: '+13175550100', extension: '12', mediaType: 'PHONE' } },
    { name: 'display form only', contact: { display: '+1 317-555-0100 ext. 12', mediaType: 'PHONE', type: 'WORK2' }, want: { type: 'work2', number: '+13175550100', extension: '12', mediaType: 'PHONE' } },
    { name: 'national number with country code', contact: { address: '0871234567', countryCode: 'IE', mediaType: 'PHONE', type: 'MOBILE' }, want: { type: 'mobile', number: '+353871234567', mediaType: 'PHONE' } },
    { name: 'extension only', contact: { extension: '4411', display: '4411', mediaType: 'PHONE', type: 'WORK' }, want: { type: 'work', extension: '4411', mediaType: 'PHONE' } },
    { name: 'SMS', contact: { address: '+46701234567', mediaType: 'SMS', type: 'MOBILE' }, want: { type: 'mobile', number: '+46701234567', mediaType: 'SMS' } },
    { name: 'unknown type becomes other', contact: { address: '+46701234567', mediaType: 'PHONE', type: 'PAGER' }, want: { type: 'other', number: '+46701234567', mediaType: 'PHONE' } },
    { name: 'an email address is not a phone', contact: { address: 'x@example.com', mediaType: 'EMAIL', type: 'WORK' }, want: undefined },
    { name: 'an empty phone entry is dropped', contact: { mediaType: 'PHONE', type: 'WORK' }, want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(phoneFromContact(c.contact), c.want));
});

// The four shapes Terraform's flattenUserAddresses records (user/resource_genesyscloud_user_utils.go), each read back to what a users file says.
describe('phoneFromContact: the shapes Genesys answers with', () => {
  const work = (p: Omit<Phone, 'type' | 'mediaType'>): Phone => ({ type: 'work', mediaType: 'PHONE', ...p });
  const cases: Array<{ name: string; contact: Parameters<typeof phoneFromContact>[0]; region?: string; want: Phone | undefined }> = [
    { name: '(1) address only', contact: { address: '+13175550100', display: '(317) 555-0100', mediaType: 'PHONE', type: 'WORK' }, want: work({ number: '+13175550100' }) },
    { name: '(1) address in parentheses', contact: { address: '(+13175550100)', mediaType: 'PHONE', type: 'WORK' }, want: work({ number: '+13175550100' }) },
    { name: '(2) pooled extension with a derived address', contact: { address: '+15550004411', display: '(4411)', extension: '(4411)', mediaType: 'PHONE', type: 'WORK' }, want: work({ extension: '4411' }) },
    { name: '(2) pooled extension, no parentheses', contact: { address: '4411', display: '4411', extension: '4411', mediaType: 'PHONE', type: 'WORK' }, want: work({ extension: '4411' }) },
    { name: '(3) number in display (national, org region), no address', contact: { display: '(317) 555-0120', extension: '120', mediaType: 'PHONE', type: 'WORK' }, region: 'US', want: work({ number: '+13175550120', extension: '120' }) },
    { name: '(3) number in display (international), no address', contact: { display: '+44 20 7946 0958', extension: '12', mediaType: 'PHONE', type: 'WORK' }, want: work({ number: '+442079460958', extension: '12' }) },
    { name: '(3) display wins over an address', contact: { address: '+13175550199', display: '+1 317-555-0120', extension: '120', mediaType: 'PHONE', type: 'WORK' }, want: work({ number: '+13175550120', extension: '120' }) },
    { name: '(3) national display read with the contact\'s countryCode', contact: { display: '020 7946 0958', extension: '7', countryCode: 'GB', mediaType: 'PHONE', type: 'WORK' }, region: 'US', want: work({ number: '+442079460958', extension: '7' }) },
    { name: '(3) national display without any region stays text for the planner', contact: { display: '(317) 555-0120', extension: '120', mediaType: 'PHONE', type: 'WORK' }, want: work({ number: '(317) 555-0120', extension: '120' }) },
    { name: '(4) display only: an extension in no pool', contact: { display: '(7788)', mediaType: 'PHONE', type: 'WORK' }, want: work({ extension: '7788' }) },
    { name: '(4) display only, bare digits', contact: { display: '7788', mediaType: 'PHONE', type: 'WORK' }, want: work({ extension: '7788' }) },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(phoneFromContact(c.contact, c.region), c.want));

  it('a national display form is read later with the org region', () => {
    const raw = phoneFromContact({ display: '(317) 555-0120', extension: '120', mediaType: 'PHONE', type: 'WORK' }) as Phone;
    assert.deepEqual(phoneInRegion(raw, 'US'), { type: 'work', mediaType: 'PHONE', number: '+13175550120', extension: '120' });
    assert.equal(phoneInRegion(raw, undefined), raw);
  });
});

describe('other emails', () => {
  it('EMAIL entries of WORK and HOME are other emails, normalised; others are not modelled', () => {
    const cases: Array<[Parameters<typeof otherEmailFromContact>[0], OtherEmail | undefined]> = [
      [{ address: ' Nina.B@Partner.example ', mediaType: 'EMAIL', type: 'WORK' }, { type: 'work', address: 'nina.b@partner.example' }],
      [{ address: 'nina@example.com', display: 'nina@example.com', mediaType: 'EMAIL', type: 'HOME' }, { type: 'home', address: 'nina@example.com' }],
      [{ address: 'x@example.com', mediaType: 'EMAIL', type: 'PRIMARY' }, undefined],
      [{ address: '+13175550100', mediaType: 'PHONE', type: 'WORK' }, undefined],
    ];
    for (const [contact, want] of cases) assert.deepEqual(otherEmailFromContact(contact), want);
  });

  it('a user read keeps phones and other emails apart, and location notes', () => {
    const user = orgUserOf({
      id: 'u1',
      version: 3,
      email: 'nina@acme.com',
      name: 'Nina',
      state: 'active',
      addresses: [
        { display: '(4411)', mediaType: 'PHONE', type: 'WORK' },
        { address: 'n@home.example', mediaType: 'EMAIL', type: 'HOME' },
      ],
      locations: [{ id: 'l1', notes: 'Desk 4', locationDefinition: { id: 'l1' } }, { id: 'l2', locationDefinition: { id: 'l2' } }],
    } as Parameters<typeof orgUserOf>[0]);
    assert.deepEqual(user.phones, [{ type: 'work', mediaType: 'PHONE', extension: '4411' }]);
    assert.deepEqual(user.otherEmails, [{ type: 'home', address: 'n@home.example' }]);
    assert.deepEqual(user.locationIds, ['l1', 'l2']);
    assert.deepEqual(user.locationNotes, { l1: 'Desk 4' });
  });

  it('a write of addresses carries phones and other emails together; locations carry their notes', () => {
    const body = updateBody(4, {
      phones: [{ type: 'work', extension: '4411', mediaType: 'PHONE' }],
      otherEmails: [{ type: 'home', address: 'n@home.example' }],
      locationIds: ['l1', 'l2'],
      locationNotes: { l1: 'Desk 4' },
    });
    assert.deepEqual(body.addresses, [
      { mediaType: 'PHONE', type: 'WORK', extension: '4411' },
      { mediaType: 'EMAIL', type: 'HOME', address: 'n@home.example' },
    ]);
    assert.deepEqual(body.locations, [
      { id: 'l1', locationDefinition: { id: 'l1' }, notes: 'Desk 4' },
      { id: 'l2', locationDefinition: { id: 'l2' } },
    ]);
    assert.deepEqual(updateBody(4, { otherEmails: [] }).addresses, []);
    const created = createBody({ name: 'N', email: 'n@acme.com', otherEmails: [{ type: 'work', address: 'n@partner.example' }] }, 'home');
    assert.deepEqual(created.addresses, [{ mediaType: 'EMAIL', type: 'WORK', address: 'n@partner.example' }]);
  });
});

describe('normalEmail', () => {
  it('trims, lower-cases and composes', () => {
    assert.equal(normalEmail('  Zoe.Mu\u0308ller@Example.COM '), 'zoe.m\u00fcller@example.com');
  });
});

describe('updateBody', () => {
  it('sends only what the patch names, clearing with empty strings', () => {
    assert.deepEqual(updateBody(7, { title: null, managerId: null, department: 'Sales' }), { version: 7, title: '', manager: '', department: 'Sales' });
    assert.deepEqual(updateBody(3, {}), { version: 3 });
    assert.deepEqual(updateBody(3, { phones: [{ type: 'work', number: '+13175550100', extension: '9', mediaType: 'PHONE' }] }).addresses, [{ mediaType: 'PHONE', type: 'WORK', address: '+13175550100', extension: '9' }]);
  });
});

describe('isRetryable', () => {
  const cases: Array<[string, string, boolean]> = [
    ['GET', '/api/v2/users', true],
    ['PUT', '/api/v2/users/u1/routingskills/bulk', true],
    ['DELETE', '/api/v2/users/u1/routinglanguages/l1', true],
    ['POST', '/api/v2/users/search', true],
    ['POST', '/api/v2/routing/queues/q1/members', true],
    ['POST', '/api/v2/authorization/subjects/u1/bulkadd', true],
    ['POST', '/api/v2/authorization/divisions/d1/objects/USER', true],
    ['PATCH', '/api/v2/users/u1/routingskills/bulk', true],
    ['POST', '/api/v2/users', false],
    ['PATCH', '/api/v2/users/u1', false],
    ['POST', '/api/v2/groups/g1/members', false],
  ];
  for (const [method, path, want] of cases) it(`${method} ${path} → ${want}`, () => assert.equal(isRetryable(method, path), want));
});

describe('toApiError', () => {
  const redactor = new Redactor();
  redactor.add('my-secret-value');
  redactor.add('tok3n-abcdef');

  it('reads a Genesys JSON body', () => {
    const e = toApiError({ method: 'patch', url: 'http://h/api/v2/users/u1?x=1', status: 409, data: { message: 'The version number of the modified resource must match.', code: 'general.conflict', status: 409, contextId: 'c-1' }, outcomeUnknown: false }, redactor);
    assert.equal(e.code, 'general.conflict');
    assert.equal(e.path, '/api/v2/users/u1');
    assert.equal(e.method, 'PATCH');
    assert.equal(e.contextId, 'c-1');
    assert.equal(e.message, 'PATCH /api/v2/users/u1 failed: 409 The version number of the modified resource must match (contextId c-1).');
  });

  it('reads an HTML page by its title and an empty body by its status', () => {
    assert.match(toApiError({ method: 'GET', url: 'http://h/x', status: 502, data: '<html><title>502 Bad Gateway</title></html>', outcomeUnknown: false }, redactor).message, /502 502 Bad Gateway/);
    const empty = toApiError({ method: 'GET', url: 'http://h/x', status: 503, statusText: 'Service Unavailable', data: '', outcomeUnknown: false }, redactor);
    assert.equal(empty.code, 'http-503');
    assert.match(empty.message, /503 HTTP 503 Service Unavailable/);
  });

  it('scrubs secrets, tokens and authorization headers from every field', () => {
    const e = toApiError(
      { method: 'POST', url: 'http://h/oauth/token', status: 400, data: { message: 'bad Basic bXk6c2VjcmV0 and Bearer abc.def and my-secret-value and tok3n-abcdef', code: 'x' }, outcomeUnknown: false },
      redactor,
    );
    const text = JSON.stringify({ ...e, message: e.message });
    for (const bad of ['bXk6c2VjcmV0', 'abc.def', 'my-secret-value', 'tok3n-abcdef']) assert.ok(!text.includes(bad), bad);
  });
});
