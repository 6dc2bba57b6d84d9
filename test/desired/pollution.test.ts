// `__proto__`, `constructor` and `prototype` keys: reported, dropped, and never a prototype of what the readers return.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFast, readYamlFile, readYamlValue } from '../../src/desired/yaml-file.js';
import { readCsvFile } from '../../src/desired/csv-file.js';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';
import type { FileResult } from '../../src/desired/entry.js';

const HOSTILE = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Every object reachable from `value` is a plain object or array: its prototype is the ordinary one,
 * it has no hostile own key, and nothing named `polluted` is visible through it, own or inherited.
 */
function assertClean(value: unknown, where: string): void {
  if (typeof value !== 'object' || value === null) return;
  const proto: unknown = Object.getPrototypeOf(value);
  assert.ok(proto === Object.prototype || proto === Array.prototype || proto === null, `${where} has a foreign prototype: ${JSON.stringify(proto)}`);
  assert.ok(!('polluted' in value), `${where} carries "polluted"`);
  for (const key of Reflect.ownKeys(value)) {
    assert.ok(typeof key !== 'string' || !HOSTILE.has(key), `${where} keeps the key ${String(key)}`);
    assertClean((value as Record<PropertyKey, unknown>)[key], `${where}.${String(key)}`);
  }
}

function assertFileClean(result: FileResult, name: string): void {
  assert.ok(result.entries.length > 0 || result.defaults, `${name}: nothing was read`);
  for (const [i, entry] of result.entries.entries()) {
    assertClean(entry.value, `${name} users[${i}]`);
    assertClean(entry.own, `${name} users[${i}] (own)`);
  }
  assertClean(result.defaults?.value, `${name} defaults`);
}

function forbidden(result: FileResult): string[] {
  const all = [...result.issues, ...result.entries.flatMap((e) => e.issues), ...(result.defaults?.issues ?? [])];
  return all.filter((i) => i.code === 'forbidden-key').map((i) => `${i.line}:${i.column}`);
}

const yamlCases: { name: string; text: string; at: string[] }[] = [
  { name: 'the fixture: __proto__ under skills', text: readFileSync('test/fixtures/invalid/forbidden-key.yaml', 'utf8'), at: ['5:7'] },
  { name: '__proto__ as a user field', text: 'users:\n  - email: a@acme.com\n    name: A\n    __proto__:\n      polluted: true\n', at: ['4:5'] },
  { name: '__proto__ in defaults', text: 'defaults:\n  __proto__:\n    polluted: true\nusers:\n  - email: a@acme.com\n    name: A\n', at: ['2:3'] },
  { name: 'constructor.prototype', text: 'users:\n  - email: a@acme.com\n    name: A\n    skills:\n      constructor:\n        prototype:\n          polluted: 1\n', at: ['5:7'] },
  { name: 'prototype as a skill', text: 'users:\n  - email: a@acme.com\n    name: A\n    skills: {prototype: 3, Billing: 2}\n', at: ['4:14'] },
  // Spelt with escapes, the key is nowhere in the text as written.
  { name: '__proto__ spelt with an escape', text: 'users:\n  - email: a@acme.com\n    name: A\n    "\\x5f_proto__":\n      polluted: true\n', at: ['4:5'] },
  { name: 'constructor spelt with an escape', text: 'users:\n  - email: a@acme.com\n    name: A\n    skills:\n      "construc\\u0074or": 3\n', at: ['5:7'] },
];

for (const c of yamlCases) {
  // The same text through both parsers: as written (the fast path) and with an anchor (the exact path).
  const anchored = c.text.replace(/^users:/m, 'users: &all');
  assert.notEqual(anchored, c.text, c.name);
  for (const [path, text] of [['fast', c.text], ['exact', anchored]] as const) {
    test(`YAML ${c.name} (${path} path): reported, dropped, no foreign prototype`, () => {
      assert.equal(parseFast(text) !== undefined, path === 'fast', `expected the ${path} path`);
      const result = readYamlFile('f.yaml', text);
      assert.deepEqual(forbidden(result), c.at);
      assertFileClean(result, c.name);
      assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
    });
  }
}

test('a kept sibling of a hostile key survives', () => {
  const result = readYamlFile('f.yaml', yamlCases[4]!.text);
  assert.deepEqual(result.entries[0]!.value.skills, { Billing: 2 });
});

test('a hostile key in a single-document file such as provision.yaml is dropped too', () => {
  const result = readYamlValue('provision.yaml', 'safety:\n  __proto__:\n    polluted: true\n  maxDeactivations: 3\n');
  assert.deepEqual(result.issues.map((i) => [i.code, i.line, i.column]), [['forbidden-key', 2, 3]]);
  assertClean(result.value, 'provision.yaml');
  assert.deepEqual(result.value, { safety: { maxDeactivations: 3 } });
});

test('CSV skill names __proto__ and constructor are reported and dropped', () => {
  const result = readCsvFile('f.csv', 'email,name,skills\na@acme.com,A,__proto__:3;constructor:4;Billing:2\n');
  assert.equal(forbidden(result).length, 2, JSON.stringify(result));
  assertFileClean(result, 'f.csv');
  assert.deepEqual(result.entries[0]!.value.skills, { Billing: 2 });
});

test('through the whole loader the polluting fixture leaves no user and no polluted prototype', async () => {
  const state = await loadDesired(['test/fixtures/invalid/forbidden-key.yaml'], defaultConfig('.'));
  assert.deepEqual(state.issues.map((i) => i.code), ['forbidden-key']);
  assertClean(state.users, 'users');
  assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
});
