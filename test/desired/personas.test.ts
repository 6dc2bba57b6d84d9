// Personas read with the users: every problem at file:line:column at once, the users they give, the CSV column, provision.yaml's personas, and the same answer from worker threads.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { defaultConfig, loadConfig, loadDesired, validateDesired } from '../../src/desired/index.js';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-personas-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const PERSONAS = [
  'personas:', // 1
  '  tier1-support:', // 2
  '    skills: { Billing: 3, Returns: 3 }', // 3
  '    languages: { English: 5 }', // 4
  '    queues: [Support - Tier 1, Support - Callbacks]', // 5
  '    groups: [Support Team]', // 6
  '    roles: [employee, User]', // 7
  '    title: Agent', // 8
  '  senior:', // 9
  '    personas: [tier1-support]', // 10
  '    skills: { Billing: 5 }', // 11
  '    title: Senior Agent', // 12
  '  spanish:', // 13
  '    languages: { Spanish: 4 }', // 14
  '    queues: [Support - Spanish]', // 15
  '',
].join('\n');

describe('personas: users take them', () => {
  test('defaults < personas < the user; sets united, proficiencies the highest; includes resolved; provenance kept', async () => {
    const dir = workspace({
      'personas/support.yaml': PERSONAS,
      'users/a.yaml': [
        'defaults:',
        '  department: Support',
        '  title: From defaults',
        '  queues: [Defaults Queue]',
        'users:',
        '  - email: nina@acme.com',
        '    name: Nina',
        '    personas: [tier1-support, spanish]',
        '  - email: ola@acme.com',
        '    persona: senior',
        '    queues: [Own Queue]',
        '',
      ].join('\n'),
    });
    try {
      const state = await loadDesired([], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(state.issues, []);
      const [nina, ola] = state.users;
      assert.deepEqual(nina!.skills, { Billing: 3, Returns: 3 });
      assert.deepEqual(nina!.languages, { English: 5, Spanish: 4 });
      assert.deepEqual(nina!.queues, ['Support - Tier 1', 'Support - Callbacks', 'Support - Spanish']);
      assert.equal(nina!.title, 'Agent');
      assert.equal(nina!.department, 'Support');
      assert.deepEqual(nina!.personas, ['tier1-support', 'spanish']);
      assert.deepEqual(nina!.fromPersonas?.queues, ['tier1-support', 'spanish']);
      assert.equal(nina!.fromPersonas?.department, undefined);
      // A persona-given name is found where the persona writes it.
      assert.deepEqual(nina!.at['queues/Support - Spanish'], { file: 'personas/support.yaml', line: 15, column: 14 });
      assert.deepEqual(nina!.at['skills/Returns'], { file: 'personas/support.yaml', line: 3, column: 27 });
      assert.deepEqual(ola!.skills, { Billing: 5, Returns: 3 });
      assert.equal(ola!.title, 'Senior Agent');
      assert.deepEqual(ola!.queues, ['Own Queue']);
      assert.equal(ola!.fromPersonas?.queues, undefined);
      assert.deepEqual(ola!.fromPersonas?.title, ['senior']);
      assert.ok(state.personas?.personas['senior']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file\'s defaults may name a persona; a user\'s own references replace them', async () => {
    const dir = workspace({
      'personas/p.yaml': PERSONAS,
      'users/a.yaml': 'defaults:\n  persona: tier1-support\nusers:\n  - email: a@acme.com\n  - email: b@acme.com\n    personas: [spanish]\n',
    });
    try {
      const state = await loadDesired([], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(state.issues, []);
      assert.deepEqual(state.users.map((u) => [u.email, u.personas, u.queues]), [
        ['a@acme.com', ['tier1-support'], ['Support - Tier 1', 'Support - Callbacks']],
        ['b@acme.com', ['spanish'], ['Support - Spanish']],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a CSV column `personas` (`;`-separated) and `persona`', async () => {
    const dir = workspace({ 'personas/p.yaml': PERSONAS, 'users/u.csv': 'email,name,personas,persona\nx@acme.com,X,tier1-support;spanish,\ny@acme.com,Y,,senior\nz@acme.com,Z,tier1-suport,\n' });
    try {
      const state = await loadDesired([], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(state.issues.map((i) => [i.file, i.line, i.column, i.code, i.hint]), [['users/u.csv', 4, 14, 'unknown-persona', 'Did you mean "tier1-support"?']]);
      assert.deepEqual(state.users.map((u) => [u.email, u.personas, u.languages]), [
        ['x@acme.com', ['tier1-support', 'spanish'], { English: 5, Spanish: 4 }],
        ['y@acme.com', ['senior'], { English: 5 }],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('personas in provision.yaml, and a name defined twice across files', async () => {
    const dir = workspace({
      'provision.yaml': 'personas:\n  spanish:\n    languages: { Spanish: 2 }\n  night:\n    acdAutoAnswer: true\n',
      'personas/p.yaml': PERSONAS,
      'users/a.yaml': 'users:\n  - email: n@acme.com\n    persona: night\n',
    });
    try {
      const config = await loadConfig(path.join(dir, 'provision.yaml'));
      const state = await loadDesired([], config, { cwd: dir });
      assert.deepEqual(state.issues.map((i) => [i.file, i.line, i.column, i.code]), [
        ['personas/p.yaml', 13, 3, 'duplicate-persona'],
        ['provision.yaml', 2, 3, 'duplicate-persona'],
      ]);
      assert.equal(state.users[0]!.acdAutoAnswer, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('personas: a WebRTC phone', () => {
  test('a persona gives its users a phone as a whole value; two that differ conflict unless the user sets one', async () => {
    const dir = workspace({
      'personas/p.yaml': 'personas:\n  indy:\n    webrtcPhone: { site: Indianapolis, phoneBase: WebRTC Base }\n  raleigh:\n    webrtcPhone: { site: Raleigh, phoneBase: WebRTC Base }\n',
      'users/a.yaml': [
        'users:',
        '  - email: a@acme.com',
        '    persona: indy',
        '  - email: b@acme.com',
        '    personas: [indy, raleigh]',
        '  - email: c@acme.com',
        '    personas: [indy, raleigh]',
        '    webrtcPhone: false',
        '',
      ].join('\n'),
    });
    try {
      const state = await loadDesired([], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(state.issues.map((i) => [i.file, i.line, i.code]), [
        ['personas/p.yaml', 3, 'persona-conflict'],
        ['personas/p.yaml', 5, 'persona-conflict'],
      ]);
      assert.deepEqual(state.users.map((u) => [u.email, u.webrtcPhone]), [
        ['a@acme.com', { site: 'Indianapolis', phoneBase: 'WebRTC Base' }],
        ['c@acme.com', false],
      ]);

      // An inactive user whose persona gives a phone: the error is at the user's own state, naming the persona's line.
      writeFileSync(path.join(dir, 'users/a.yaml'), 'users:\n  - email: a@acme.com\n    state: inactive\n    persona: indy\n');
      const leaver = await loadDesired([], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(leaver.issues.map((i) => [i.file, i.line, i.column, i.code]), [['users/a.yaml', 3, 12, 'webrtc-phone-inactive']]);
      assert.match(leaver.issues[0]!.message, /a@acme\.com is inactive, and a persona they take gives them a WebRTC phone \(personas\/p\.yaml:3\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('personas: where their files are', () => {
  test('beside provision.yaml by default, whatever usersDir is; a personasDir inside the users folder is read as personas, not users', async () => {
    const dir = workspace({
      'provision.yaml': 'usersDir: team/users\n',
      'personas/p.yaml': PERSONAS,
      'team/users/a.yaml': 'users:\n  - email: n@acme.com\n    persona: spanish\n',
    });
    try {
      const beside = await loadDesired([], await loadConfig(path.join(dir, 'provision.yaml')), { cwd: dir });
      assert.deepEqual(beside.issues, []);
      assert.deepEqual(Object.keys(beside.users[0]!.languages ?? {}), ['Spanish']);

      mkdirSync(path.join(dir, 'team/users/personas'));
      writeFileSync(path.join(dir, 'team/users/personas/p.yaml'), PERSONAS);
      writeFileSync(path.join(dir, 'provision.yaml'), 'usersDir: team/users\npersonasDir: team/users/personas\n');
      rmSync(path.join(dir, 'personas'), { recursive: true });
      const inside = await loadDesired([], await loadConfig(path.join(dir, 'provision.yaml')), { cwd: dir });
      assert.deepEqual(inside.issues, []);
      assert.deepEqual(inside.users.map((u) => [u.email, Object.keys(u.languages ?? {})]), [['n@acme.com', ['Spanish']]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('personas: shared by every org', () => {
  test('each org of orgs: takes the personas beside provision.yaml and those under its personas:', async () => {
    const dir = workspace({
      'provision.yaml': 'personas:\n  night:\n    acdAutoAnswer: true\norgs:\n  test:\n    usersDir: [users, orgs/test]\n  prod:\n    usersDir: orgs/prod\n',
      'personas/p.yaml': PERSONAS,
      'users/a.yaml': 'users:\n  - email: a@acme.com\n    personas: [spanish, night]\n',
      'orgs/test/t.yaml': 'users: []\n',
      'orgs/prod/p.yaml': 'users:\n  - email: p@acme.com\n    persona: spanish\n',
    });
    try {
      const config = await loadConfig(path.join(dir, 'provision.yaml'));
      for (const [org, email] of [['test', 'a@acme.com'], ['prod', 'p@acme.com']] as const) {
        const state = await loadDesired([], config.orgs![org]!, { cwd: dir });
        assert.deepEqual(state.issues, [], org);
        assert.deepEqual(state.users.map((u) => [u.email, Object.keys(u.languages ?? {})]), [[email, ['Spanish']]], org);
      }
      const test = await loadDesired([], config.orgs!.test!, { cwd: dir });
      assert.equal(test.users[0]!.acdAutoAnswer, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('personas: every problem at once, at file:line:column', () => {
  const files = {
    'personas/a.yaml': [
      'personas:', // 1
      '  tier1:', // 2
      '    title: Agent', // 3
      '    skills: { Billing: 3 }', // 4
      '  lead:', // 5
      '    title: Lead', // 6
      '  personal:', // 7
      '    email: x@acme.com', // 8
      '    skils: { Billing: 3 }', // 9
      '  loop-a:', // 10
      '    personas: [loop-b]', // 11
      '  loop-b:', // 12
      '    personas: [loop-a, nobody]', // 13
      '',
    ].join('\n'),
    'users/u.yaml': [
      'users:', // 1
      '  - email: one@acme.com', // 2
      '    persona: tier', // 3
      '  - email: two@acme.com', // 4
      '    personas: [tier1, lead]', // 5
      '  - email: three@acme.com', // 6
      '    personas: [tier1, lead]', // 7
      '    title: Own title wins, no conflict', // 8
      '  - email: four@acme.com', // 9
      '    persona: loop-a', // 10
      '  - email: five@acme.com', // 11
      '    persona: tier1', // 12
      '    personas: [lead]', // 13
      '',
    ].join('\n'),
  };
  const expected = [
    ['personas/a.yaml', 3, 12, 'persona-conflict'],
    ['personas/a.yaml', 6, 12, 'persona-conflict'],
    ['personas/a.yaml', 8, 5, 'persona-field'],
    ['personas/a.yaml', 9, 5, 'unknown-field'],
    ['personas/a.yaml', 13, 16, 'persona-cycle'],
    ['personas/a.yaml', 13, 24, 'unknown-persona'],
    ['users/u.yaml', 3, 14, 'unknown-persona'],
    ['users/u.yaml', 13, 5, 'persona-twice'],
  ];

  test('load: each problem once, where it is written; only the user without problems is kept', async () => {
    const dir = workspace(files);
    try {
      const state = await loadDesired([], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(state.issues.map((i) => [i.file, i.line, i.column, i.code]), expected);
      const conflict = state.issues.find((i) => i.code === 'persona-conflict')!;
      assert.equal(conflict.message, 'Personas "tier1" and "lead" set title differently: "Agent" and "Lead".');
      assert.match(conflict.hint!, /users\/u\.yaml:4/);
      assert.equal(state.issues.find((i) => i.code === 'unknown-persona' && i.file === 'users/u.yaml')!.hint, 'Did you mean "tier1"?');
      assert.deepEqual(state.users.map((u) => u.email), ['three@acme.com']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('validate on worker threads reports exactly the same', async () => {
    const dir = workspace({ ...files, 'users/v.yaml': 'users:\n  - email: six@acme.com\n    persona: tier1\n' });
    try {
      const loaded = await loadDesired([], defaultConfig(dir), { cwd: dir });
      const threaded = await validateDesired([], defaultConfig(dir), { cwd: dir, workers: 2, mainThreadChecks: false });
      assert.deepEqual(threaded.issues, loaded.issues);
      assert.equal(threaded.userCount, 2);
      assert.equal(threaded.digest, loaded.digest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a persona change changes the inputs digest; no personas keep it as before', async () => {
    const dir = workspace({ 'users/u.yaml': 'users:\n  - email: one@acme.com\n' });
    try {
      const before = (await loadDesired([], defaultConfig(dir), { cwd: dir })).digest;
      mkdirSync(path.join(dir, 'personas'));
      assert.equal((await loadDesired([], defaultConfig(dir), { cwd: dir })).digest, before);
      writeFileSync(path.join(dir, 'personas/p.yaml'), 'personas:\n  a:\n    title: A\n');
      const one = (await loadDesired([], defaultConfig(dir), { cwd: dir })).digest;
      writeFileSync(path.join(dir, 'personas/p.yaml'), 'personas:\n  a:\n    title: B\n');
      const two = (await loadDesired([], defaultConfig(dir), { cwd: dir })).digest;
      assert.notEqual(one, before);
      assert.notEqual(two, one);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
