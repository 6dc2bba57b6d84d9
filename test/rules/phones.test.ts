// Phone types, their one order and what makes two phones the same line, as tables; the order is the schema's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Phone } from '../../src/model/index.js';
import { isOtherEmailType, isPhoneType, OTHER_EMAIL_TYPES, PHONE_TYPES, phoneKey, phonesKey, phoneSortKey } from '../../src/rules/phones.js';

const schema = JSON.parse(readFileSync('schemas/users.schema.json', 'utf8')) as { $defs: Record<'phones' | 'otherEmails', { properties: Record<string, unknown> }> };

test('PHONE_TYPES and OTHER_EMAIL_TYPES are the users schema types, in its order', () => {
  assert.deepEqual(Object.keys(schema.$defs.phones.properties), [...PHONE_TYPES]);
  assert.deepEqual(Object.keys(schema.$defs.otherEmails.properties), [...OTHER_EMAIL_TYPES]);
});

const types: [type: string, phone: boolean, otherEmail: boolean][] = [
  ['work', true, true],
  ['work4', true, false],
  ['mobile', true, false],
  ['home', true, true],
  ['other', true, false],
  ['work5', false, false],
  ['WORK', false, false],
  ['fax', false, false],
];
for (const [type, phone, otherEmail] of types) {
  test(`"${type}" is ${phone ? '' : 'not '}a phone type and ${otherEmail ? '' : 'not '}an other-email type`, () => {
    assert.equal(isPhoneType(type), phone);
    assert.equal(isOtherEmailType(type), otherEmail);
  });
}

const work: Phone = { type: 'work', number: '+13175550100', mediaType: 'PHONE' };
const same: [name: string, a: Phone, b: Phone, equal: boolean][] = [
  ['the same line', work, { ...work }, true],
  ['another type', work, { ...work, type: 'work2' }, false],
  ['SMS', work, { ...work, mediaType: 'SMS' }, false],
  ['another number', work, { ...work, number: '+13175550101' }, false],
  ['an extension added', work, { ...work, extension: '12' }, false],
  ['an extension only, against the number', { type: 'work', extension: '4120', mediaType: 'PHONE' }, { type: 'work', number: '4120', mediaType: 'PHONE' }, false],
];
for (const [name, a, b, equal] of same) {
  test(`phoneKey: ${name} ${equal ? 'is' : 'is not'} the same line`, () => assert.equal(phoneKey(a) === phoneKey(b), equal));
}

test('phoneSortKey sorts by type in the files order, then medium, number, extension', () => {
  const phones: Phone[] = [
    { type: 'other', number: '+13175550107', mediaType: 'PHONE' },
    { type: 'home', number: '+13175550106', mediaType: 'PHONE' },
    { type: 'mobile', number: '+13175550105', mediaType: 'SMS' },
    { type: 'mobile', number: '+13175550105', mediaType: 'PHONE' },
    { type: 'work2', extension: '4120', mediaType: 'PHONE' },
    { type: 'work', number: '+13175550100', extension: '2', mediaType: 'PHONE' },
    { type: 'work', number: '+13175550100', mediaType: 'PHONE' },
  ];
  const sorted = [...phones].sort((a, b) => (phoneSortKey(a) < phoneSortKey(b) ? -1 : 1));
  assert.deepEqual(
    sorted.map((p) => `${p.type} ${p.mediaType} ${p.number ?? ''}${p.extension ? ` x${p.extension}` : ''}`),
    ['work PHONE +13175550100', 'work PHONE +13175550100 x2', 'work2 PHONE  x4120', 'mobile PHONE +13175550105', 'mobile SMS +13175550105', 'home PHONE +13175550106', 'other PHONE +13175550107'],
  );
});

test('phonesKey: the same lines in any order are one key; a missing list is no lines', () => {
  const a: Phone[] = [work, { type: 'mobile', number: '+13175550105', mediaType: 'SMS' }];
  assert.equal(phonesKey(a), phonesKey([...a].reverse()));
  assert.notEqual(phonesKey(a), phonesKey([work]));
  assert.equal(phonesKey(undefined), '');
  assert.equal(phonesKey([]), '');
});
