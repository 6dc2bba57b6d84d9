// Name folding and did-you-mean as tables: what validate, plan and export suggest for a misspelt name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, foldName, nearestKey } from '../../src/rules/names.js';

const folds: [name: string, key: string][] = [
  ['Billing', 'billing'],
  ['  Support - Tier 1 ', 'support - tier 1'],
  ['Cafe\u0301', 'caf\u00e9'],
  ['CAFÉ', 'caf\u00e9'],
  ['Équipe', '\u00e9quipe'],
  ['サポート', 'サポート'],
  ['', ''],
];
for (const [name, key] of folds) {
  test(`foldName(${JSON.stringify(name)}) is ${JSON.stringify(key)}`, () => assert.equal(foldName(name), key));
}

const suggestions: [word: string, candidates: string[], expected: string | undefined][] = [
  ['skils', ['skills', 'languages'], 'skills'],
  ['Queue', ['queues', 'groups'], 'queues'],
  ['EMAIL', ['email', 'name'], 'email'],
  ['zzzzzz', ['skills', 'queues'], undefined],
  ['Billng', ['Billing', 'Returns'], 'Billing'],
  // Answered as the org writes it, compared folded.
  ['billing', ['Billing'], 'Billing'],
  [' support - tier 1 ', ['Support - Tier 1', 'Support - Tier 2'], 'Support - Tier 1'],
  ['cafe\u0301 team', ['Caf\u00e9 Team'], 'Caf\u00e9 Team'],
  // Short names tolerate two edits…
  ['Bil', ['Bill'], 'Bill'],
  ['ab', ['xy'], 'xy'],
  ['abc', ['xyz'], undefined],
  // …longer ones about a third of the length of the name meant, not of the word typed.
  ['Escalatons', ['Escalations'], 'Escalations'],
  ['Esclatons', ['Escalations'], 'Escalations'],
  ['Esltns', ['Escalations'], undefined],
  ['Supervisorxxxx', ['Supervisor'], undefined],
  ['abcdefghijkl', ['abcdefgh'], undefined],
  // Of equally close names, the first listed.
  ['Sales 2', ['Sales 1', 'Sales 3'], 'Sales 1'],
  ['anything', [], undefined],
];
for (const [word, candidates, expected] of suggestions) {
  test(`didYouMean(${JSON.stringify(word)}, ${JSON.stringify(candidates)}) is ${JSON.stringify(expected)}`, () => assert.equal(didYouMean(word, candidates), expected));
}

test('nearestKey answers a repeated key from its cache', () => {
  const cache = new Map<string, string | undefined>();
  assert.equal(nearestKey('billng', ['billing', 'returns'], cache), 'billing');
  assert.equal(nearestKey('zzzzzz', ['billing', 'returns'], cache), undefined);
  assert.deepEqual([...cache], [['billng', 'billing'], ['zzzzzz', undefined]]);
  // The cached answer stands even when asked with other keys: one look-up per typo.
  assert.equal(nearestKey('billng', ['other'], cache), 'billing');
  assert.equal(nearestKey('billng', ['other']), undefined);
});
