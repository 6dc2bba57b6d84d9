// The YAML reader: the fast parser and the exact one agree on values and positions; defaults and positions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lineIndex } from '../../src/desired/issues.js';
import { parseExact, parseFast, readYamlFile } from '../../src/desired/yaml-file.js';
import type { PNode } from '../../src/desired/yaml-file.js';

/** Every YAML file the repository ships or tests with, symlinks left out (some point nowhere on purpose). */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.ya?ml$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name).split(path.sep).join('/'));
}

const files = [
  ...['users', 'templates/users', 'test/fixtures', 'test/sandbox/fixtures', 'test/workflows/fixtures'].flatMap(yamlFiles),
  'provision.yaml',
  'templates/provision.yaml',
].sort();

/** The files that must take the exact path (anchors, aliases, syntax errors, duplicate keys); every other file must be fast. */
const EXACT = new Set([
  'test/fixtures/invalid/alias-bomb.yaml',
  'test/fixtures/invalid/alias-cycle.yaml',
  'test/fixtures/invalid/duplicate-key.yaml',
  'test/fixtures/invalid/tab-indent.yaml',
  'test/fixtures/invalid/yaml-syntax.yaml',
  'test/sandbox/fixtures/bad-syntax.yaml',
]);

test('the file list holds the example users, the templates and the fixtures', () => {
  for (const file of ['users/sales.yaml', 'users/support.yaml', 'templates/users/example.yaml', 'provision.yaml', 'test/fixtures/invalid/forbidden-key.yaml', ...EXACT]) {
    assert.ok(files.includes(file), `${file} is missing from the list`);
  }
  assert.ok(files.length - EXACT.size >= 30, `only ${files.length - EXACT.size} files expected to be fast`);
});

const extra: [string, string][] = [
  ['flow', 'users: [{email: a@acme.com, name: "A", skills: {Billing: 3}}]\n'],
  ['block scalars', 'users:\n  - email: a@acme.com\n    name: >\n      Folded\n      name\n    title: |\n      Lit\n'],
  ['comments and blank lines', '# top\nusers:\n\n  # a user\n  - email: a@acme.com # trailing\n\n    name: A\n    queues:\n    # inside\n    - Q1\n    -   Q2\n'],
  ['empty values', 'users:\n  - email: a@acme.com\n    name: A\n    title:\n    queues: []\n    skills: {}\n'],
  ['quoted keys', 'users:\n  - "email": a@acme.com\n    \'name\': A\n    skills:\n      "Sales - Renewals": 3\n'],
  ['numbers and booleans', 'users:\n  - email: a@acme.com\n    name: 1234\n    acdAutoAnswer: yes\n    x: true\n    y: 0x1F\n    z: 1.5e3\n'],
  ['& and * in comments and values', '# R&D, *all* of it\nusers:\n  - email: a@acme.com # & co\n    name: "A & B"\n    title: Sales *lead* --- R&D\n    queues: ["*", Q&A]\n'],
  ['a document start marker', '--- # users\nusers:\n  - email: a@acme.com\n    name: A\n'],
  ['a merge-like key without aliases', 'users:\n  - email: a@acme.com\n    name: A\n    <<: {title: T}\n'],
];

/** The tree without the fast path's shortcut values, which the exact path does not carry. */
function shape(node: PNode | undefined): unknown {
  if (!node) return node;
  const { plain: _plain, children, ...rest } = node;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...defined, ...(children ? { children: children.map(shape) } : {}) };
}

for (const file of files) {
  const text = readFileSync(file, 'utf8');
  if (EXACT.has(file)) {
    test(`${file} takes the exact path`, () => {
      assert.equal(parseFast(text), undefined);
    });
    continue;
  }
  test(`${file} takes the fast path, and the exact parser agrees with it`, () => {
    const fast = parseFast(text);
    assert.ok(fast, `the fast path declined ${file}`);
    const exact = parseExact(file, text, lineIndex(text));
    assert.ok(fast.root && exact.root, 'both parsers read a document');
    assert.deepEqual(shape(fast.root), shape(exact.root));
  });
}

for (const [name, text] of extra) {
  test(`fast and exact parsers agree: ${name}`, () => {
    const fast = parseFast(text);
    assert.ok(fast, 'fast path taken');
    assert.deepEqual(shape(fast.root), shape(parseExact('x.yaml', text, lineIndex(text)).root));
  });
}

test('files with aliases, several documents or errors take the exact path', () => {
  assert.equal(parseFast('a: &x 1\nb: *x\n'), undefined);
  assert.equal(parseFast('users: []\n---\nusers: []\n'), undefined);
  assert.equal(parseFast('a: 1\na: 2\n'), undefined);
  assert.equal(parseFast('a: [1\n'), undefined);
});

test('defaults fill what a user leaves out, and positions point into the defaults block', () => {
  const text = 'defaults:\n  division: Support\n  queues: [Q1]\nusers:\n  - email: a@acme.com\n    name: A\n    queues: [Q2]\n';
  const result = readYamlFile('d.yaml', text);
  const entry = result.entries[0]!;
  assert.deepEqual(entry.value, { email: 'a@acme.com', name: 'A', queues: ['Q2'], division: 'Support' });
  assert.deepEqual(entry.locate(['division']), { file: 'd.yaml', line: 2, column: 13 });
  assert.deepEqual(entry.locate(['queues', 0]), { file: 'd.yaml', line: 7, column: 14 });
  assert.deepEqual(entry.locate(['email'], true), { file: 'd.yaml', line: 5, column: 5 });
  assert.deepEqual(entry.source, { file: 'd.yaml', line: 5, column: 5 });
});

test('an empty file warns and declares nobody', () => {
  const result = readYamlFile('e.yaml', '# nothing yet\n');
  assert.deepEqual(result.entries, []);
  assert.equal(result.issues[0]?.code, 'empty-file');
  assert.equal(result.failed, false);
});

test('a top-level list is refused with a hint at the expected shape', () => {
  const result = readYamlFile('l.yaml', '- email: a@acme.com\n');
  assert.equal(result.issues[0]?.code, 'schema-type');
});

test('values read through the fast path equal those of the exact path', () => {
  let compared = 0;
  for (const file of files) {
    if (EXACT.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    // An alias-free file read through the exact path: force it with an anchor on the users list.
    const anchored = text.replace(/^users:/m, 'users: &all');
    if (anchored === text) continue; // no users list: the configuration files
    assert.ok(parseFast(text), `the fast path declined ${file}`);
    const fast = readYamlFile(file, text);
    compared++;
    assert.equal(parseFast(anchored), undefined, file);
    const exact = readYamlFile(file, anchored);
    assert.deepEqual(
      fast.entries.map((e) => e.value),
      exact.entries.map((e) => e.value),
      file,
    );
  }
  assert.ok(compared >= 30, `only ${compared} files compared`);
});

describe('YAML alias cycles and the fast path', () => {
  test('a self-referential alias is yaml-alias-cycle at the alias, not a stack overflow', () => {
    const result = readYamlFile('c.yaml', 'users:\n  - email: a@acme.com\n    name: &x [ *x ]\n');
    assert.equal(result.failed, true);
    assert.deepEqual(result.issues.map((i) => [i.code, i.line, i.column]), [['yaml-alias-cycle', 3, 16]]);
  });

  test('an alias inside a deeper copy of its own anchor is a cycle too', () => {
    const result = readYamlFile('c.yaml', 'users: &all\n  - email: a@acme.com\n    name: A\n    queues: [ *all ]\n');
    assert.deepEqual(result.issues.map((i) => [i.code, i.line, i.column]), [['yaml-alias-cycle', 4, 15]]);
  });

  test('& and * outside anchors and aliases keep a file on the fast path', () => {
    const texts = [
      '# R&D and *everyone*\nusers:\n  - email: a@acme.com\n    name: A\n',
      'users:\n  - email: a@acme.com\n    name: "A & B"\n    title: Sales *lead* --- R&D\n',
      'users:\n  - email: a@acme.com\n    name: A # see *notes* & co\n    queues: ["Q & A", "*"]\n',
    ];
    for (const text of texts) {
      const fast = parseFast(text);
      assert.ok(fast, text);
      assert.deepEqual(shape(fast.root), shape(parseExact('x.yaml', text, lineIndex(text)).root), text);
    }
  });

  test('real anchors, aliases and directives still take the exact path', () => {
    assert.equal(parseFast('a: &x 1\nb: *x\n'), undefined);
    assert.equal(parseFast('users: &u []\n'), undefined);
    assert.equal(parseFast('%YAML 1.1\n---\nusers: []\n'), undefined);
  });
});

describe('the plain path (js-yaml alone, positions found when asked) reads exactly as the positioned path', () => {
  /** Every path inside a value: map keys and list indexes, to the leaves. */
  function* paths(value: unknown, prefix: (string | number)[] = []): Generator<(string | number)[]> {
    yield prefix;
    if (Array.isArray(value)) for (let i = 0; i <= value.length; i++) yield* paths(value[i], [...prefix, i]);
    else if (typeof value === 'object' && value !== null) for (const key of [...Object.keys(value), 'missing', 'toString']) yield* paths((value as Record<string, unknown>)[key], [...prefix, key]);
  }
  const more: [string, string][] = [
    ['defaults and users over them', 'defaults:\n  division: Support\n  roles: [employee, {role: Supervisor, division: Sales}]\n  skills:\n    Billing: 3\nusers:\n  - email: a@acme.com\n    name: A\n    skills: { Chat: 9 }\n  - name: B\n    "email": b@acme.com\n'],
    ['a question mark in a title', 'users:\n  - email: a@acme.com\n    name: A\n    title: Why ? Because\n'],
    ['a complex key', 'users:\n  - email: a@acme.com\n    name: A\n    ? [x, y]\n    : 1\n'],
    ['a flow key', 'users:\n  - email: a@acme.com\n    name: A\n    skills: {[Billing]: 3}\n'],
    ['email as a value', 'users:\n  - name: email\n    email: a@acme.com\n    title: email\n'],
    ['carriage returns', 'users:\r\n  - email: a@acme.com\r\n    name: A\r  - email: b@acme.com\n    name: B\n'],
    ['a byte order mark', '\ufeffusers:\n  - email: a@acme.com\n    name: A\n'],
    ['a user without email', 'users:\n  - email: a@acme.com\n    name: A\n  - name: B\n'],
    ['a password and a forbidden key', 'users:\n  - email: a@acme.com\n    name: A\n    Password: x\n    skills: {constructor: 1}\n'],
    // Each user's positions come from its own item parsed apart: items of every shape, and what lies between them.
    [
      'users of every shape, defaults after them',
      'users:\n  -   name: "A \\"q\\""\n      email: a@acme.com   # c\n      title: a long\n        plain title\n      department: >\n        folded\n        text\n      queues:\n        - Q1 # c\n        - "Q2"\n\n  # between users\n  -\n    email: c@acme.com\n    name: C\n    roles:\n      - role: Agent\n        divisions: [Home, "Other"]\n  - email: d@acme.com\n    name: D\n    skills:\n      "Q: x": 2\n    notes: |\n      kept\n\n\ndefaults:\n  division: Home   # c\n  skills: {Billing: 3}\n',
    ],
    ['users unindented, empty defaults', 'users:\n- email: g@acme.com\n  name: G\n  phones:\n    work: "+1 317 555 0100"\n- email: h@acme.com\n  name: H\n\ndefaults:\n\n'],
    ['a flow list of users', 'users: [{email: e@acme.com, name: E, queues: [Q1]}, {name: F, email: f@acme.com}]\ndefaults: {title: T}\n'],
  ];
  const inputs: [string, string][] = [...files.filter((f) => f !== 'provision.yaml').map((f): [string, string] => [f, readFileSync(f, 'utf8')]), ...extra, ...more];
  for (const [name, text] of inputs) {
    test(name, () => {
      const plain = readYamlFile(name, text);
      const positioned = readYamlFile(name, text, { plain: false });
      assert.deepEqual(plain.issues, positioned.issues);
      assert.equal(plain.failed, positioned.failed);
      assert.equal(plain.entries.length, positioned.entries.length);
      const pairs = plain.entries.map((e, i) => [e, positioned.entries[i]!] as const);
      if (plain.defaults || positioned.defaults) pairs.push([plain.defaults!, positioned.defaults!]);
      for (const [a, b] of pairs) {
        assert.deepEqual(a.value, b.value);
        assert.deepEqual(a.own, b.own);
        assert.deepEqual(a.source, b.source);
        assert.deepEqual(a.issues, b.issues);
        if (a.positions) assert.deepEqual(a.positions.value(), a.value);
        for (const path of paths(b.value)) {
          assert.deepEqual(a.locate(path), b.locate(path), `${name} ${path.join('.')}`);
          assert.deepEqual(a.locate(path, true), b.locate(path, true), `${name} ${path.join('.')} (key)`);
        }
      }
    });
  }
  test('a plain users file takes the plain path', () => {
    const text = readFileSync('users/support.yaml', 'utf8');
    assert.ok(readYamlFile('users/support.yaml', text).entries[0]?.positions, "the plain path finds positions in the file's positioned parse");
  });
});
