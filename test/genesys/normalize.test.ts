// Tables for the pure conversions: phones from Genesys addresses, PATCH bodies, error shapes and redaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redactor, toApiError } from '../../src/genesys/errors.js';
import { isRetryable } from '../../src/genesys/http.js';
import { normalizeEmail, phoneFromContact, updateBody } from '../../src/genesys/normalize.js';
import type { Phone } from '../../src/model/desired.js';

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

describe('normalizeEmail', () => {
  it('trims, lower-cases and composes', () => {
    assert.equal(normalizeEmail('  Zoe.Mu\u0308ller@Example.COM '), 'zoe.m\u00fcller@example.com');
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
