// The identity rules as tables: the email key, domains, and which org user an email means.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Claimant } from '../../src/rules/identity.js';
import { compareClaims, domainOf, normalDomain, normalEmail, userForEmail } from '../../src/rules/identity.js';

const emails: [input: string, key: string][] = [
  ['nina.berg@acme.com', 'nina.berg@acme.com'],
  ['  Nina.Berg@ACME.com ', 'nina.berg@acme.com'],
  ['\tola@acme.com\n', 'ola@acme.com'],
  ['jose\u0301@acme.com', 'jos\u00e9@acme.com'],
  ['JOSE\u0301@ACME.COM', 'jos\u00e9@acme.com'],
  ['ÅSA@ACME.COM', 'åsa@acme.com'],
  ['Zoe.Mu\u0308ller@Example.COM', 'zoe.m\u00fcller@example.com'],
  ['', ''],
];
for (const [input, key] of emails) {
  test(`normalEmail(${JSON.stringify(input)}) is ${JSON.stringify(key)}`, () => assert.equal(normalEmail(input), key));
}

const domains: [input: string, domain: string][] = [
  ['acme.com', 'acme.com'],
  [' @Acme.COM ', 'acme.com'],
  ['@partners.acme.com', 'partners.acme.com'],
  ['bu\u0308ro.de', 'b\u00fcro.de'],
  ['@', ''],
];
for (const [input, domain] of domains) {
  test(`normalDomain(${JSON.stringify(input)}) is ${JSON.stringify(domain)}`, () => assert.equal(normalDomain(input), domain));
}

const parts: [email: string, domain: string][] = [
  ['nina@acme.com', 'acme.com'],
  ['"a@b"@acme.com', 'acme.com'],
  ['no-at-sign', 'no-at-sign'],
];
for (const [email, domain] of parts) {
  test(`domainOf(${JSON.stringify(email)}) is ${JSON.stringify(domain)}`, () => assert.equal(domainOf(email), domain));
}

const user = (id: string, state: Claimant['state'], dateDeleted?: string): Claimant => (dateDeleted === undefined ? { id, state } : { id, state, dateDeleted });

const claims: { name: string; users: Claimant[]; means: string | undefined }[] = [
  { name: 'nobody', users: [], means: undefined },
  { name: 'one user', users: [user('u1', 'inactive')], means: 'u1' },
  { name: 'active before inactive, whatever the ids', users: [user('a', 'inactive'), user('z', 'active')], means: 'z' },
  { name: 'a live user before a deleted one', users: [user('a', 'deleted', '2026-03-01T00:00:00Z'), user('b', 'inactive')], means: 'b' },
  { name: 'the lowest id among active users', users: [user('u3', 'active'), user('u1', 'active'), user('u2', 'active')], means: 'u1' },
  { name: 'the lowest id among inactive users', users: [user('u9', 'inactive'), user('u4', 'inactive')], means: 'u4' },
  { name: 'the latest deletion among deleted users', users: [user('a', 'deleted', '2026-01-01T00:00:00Z'), user('b', 'deleted', '2026-03-02T00:00:00Z'), user('c', 'deleted', '2025-12-31T00:00:00Z')], means: 'b' },
  { name: 'a deletion with a date before one without', users: [user('a', 'deleted'), user('b', 'deleted', '2026-01-01T00:00:00Z')], means: 'b' },
  { name: 'the lowest id between deletions at the same time', users: [user('d2', 'deleted', '2026-01-01T00:00:00Z'), user('d1', 'deleted', '2026-01-01T00:00:00Z')], means: 'd1' },
];
for (const { name, users, means } of claims) {
  test(`userForEmail: ${name}`, () => {
    assert.equal(userForEmail(users)?.id, means);
    // Whatever order the read returned them in.
    assert.equal(userForEmail([...users].reverse())?.id, means);
    if (users.length > 0) assert.equal([...users].sort(compareClaims)[0]?.id, means);
  });
}

test('compareClaims is a total order: antisymmetric, and zero only for the same user', () => {
  const all = claims.flatMap((c) => c.users);
  for (const a of all) {
    for (const b of all) {
      assert.equal(Math.sign(compareClaims(a, b)) + Math.sign(compareClaims(b, a)), 0, `${a.id} ${b.id}`);
      if (compareClaims(a, b) === 0) assert.deepEqual(a, b);
    }
  }
});
