// The plan's account of personas: each changed field a persona gave names it and where it writes the field, and each persona gets one line of what it changes for how many users.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PersonaDef, PersonaTable } from '../../src/model/index.js';
import { buildPlan } from '../../src/plan/index.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { ownBundle } from '../../src/rules/personas.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

const P = 'personas/support.yaml';

function persona(name: string, line: number, fields: Record<string, unknown>): PersonaDef {
  const at: Record<string, { file: string; line: number; column: number }> = {};
  Object.keys(fields).forEach((field, i) => (at[field] = { file: P, line: line + 1 + i, column: 5 }));
  return { name, source: { file: P, line, column: 3 }, includes: [], fields, at, keyAt: at, broken: false, resolved: ownBundle(name, fields) };
}

const table: PersonaTable = {
  personas: {
    tier1: persona('tier1', 2, { skills: { Billing: 3, Chat: 2 }, queues: ['Support - Tier 1'] }),
    spanish: persona('spanish', 10, { languages: { Spanish: 4 }, queues: ['Sales'] }),
  },
};

describe('personas in the plan', () => {
  const users = ['a', 'b', 'c'].map((n) =>
    desiredUser(`${n}@acme.com`, {
      skills: { Billing: 3, Chat: 2 },
      languages: { Spanish: 4 },
      queues: ['Support - Tier 1', 'Sales'],
      personas: ['tier1', 'spanish'],
      fromPersonas: { skills: ['tier1'], languages: ['spanish'], queues: ['tier1', 'spanish'] },
    }),
  );
  // c's own title is no persona's: it is shown without one.
  users[2]!.title = 'Agent';
  const org = orgState(
    ['a', 'b', 'c'].map((n) => orgUser(`u-${n}`, `${n}@acme.com`, { skills: { 's-billing': 3, 's-chat': 1 }, languages: {}, title: 'Old' })),
    { queueMembers: { 'q-1': ['u-a', 'u-b', 'u-c'], 'q-2': [], 'q-s': [] } },
  );
  const { plan, errors } = buildPlan({ desired: desiredState(users, { personas: table }), org, config: config() });

  test('each changed field names the personas that gave it, where they write it', () => {
    assert.deepEqual(errors, []);
    assert.equal(plan.changes.length, 3);
    const fields = plan.changes[2]!.fields;
    assert.deepEqual(
      fields.map((f) => [f.field, f.personas?.map((p) => `${p.persona} ${p.file}:${p.line}`)]),
      [
        ['title', undefined],
        ['skills', ['tier1 personas/support.yaml:3']],
        ['languages', ['spanish personas/support.yaml:11']],
        ['queues', ['tier1 personas/support.yaml:4', 'spanish personas/support.yaml:12']],
      ],
    );
  });

  test('one summary per persona: each item is the persona\'s that writes it', () => {
    assert.deepEqual(plan.personas, [
      { persona: 'spanish', file: P, line: 10, users: 3, changes: [{ field: 'languages', change: '+ Spanish 4', users: 3 }, { field: 'queues', change: '+ Sales', users: 3 }] },
      { persona: 'tier1', file: P, line: 2, users: 3, changes: [{ field: 'skills', change: '~ Chat 1 → 2', users: 3 }] },
    ]);
  });

  test('text, Markdown and JSON show them', () => {
    const text = renderText(plan);
    assert.match(text, /\n {8}skills: {5}~ Chat 1 → 2\n {20}from persona tier1 \(personas\/support\.yaml:3\)\n/);
    assert.match(text, /\nPersonas:\n {2}persona spanish: languages \+ Spanish 4 for 3 users, queues \+ Sales for 3 users {2}personas\/support\.yaml:10\n {2}persona tier1: skills ~ Chat 1 → 2 for 3 users {2}personas\/support\.yaml:2\n/);
    const md = renderMarkdown(plan);
    assert.match(md, /\n {2}# queues: from personas tier1 \(personas\/support\.yaml:4\), spanish \(personas\/support\.yaml:12\)\n/);
    assert.match(md, /<summary>Personas \(2\)<\/summary>/);
    const json = JSON.parse(renderJson(plan)) as typeof plan;
    assert.deepEqual(json.personas, plan.personas);
  });

  test('without personas the plan has no account of them', () => {
    const plain = buildPlan({ desired: desiredState(users.map(({ fromPersonas: _f, personas: _p, ...u }) => u)), org, config: config() }).plan;
    assert.equal('personas' in plain, false);
    assert.ok(plain.changes.every((c) => c.fields.every((f) => !('personas' in f))));
  });
});
