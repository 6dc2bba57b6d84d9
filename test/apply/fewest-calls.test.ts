// The fewest calls, counted in closed form from each plan's shape and the API's documented limits, not by batching code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan, minimumCalls } from '../../src/apply/index.js';
import type { Change, FieldChange, Named } from '../../src/model/index.js';
import { MemoryWriter } from './memory-writer.js';
import { create, levels, named, planOf, set, text, update } from './plans.js';

/**
 * Entries per call, written down from GENESYS-API.md and the sandbox's checks, not imported from
 * src/apply: a wrong limit there must not move the expectation with it.
 */
const API = { levels: 50, groupMembers: 50, queueMembers: 100, divisionMove: 50, autoAnswer: 50 } as const;
const ceil = (n: number, size: number): number => Math.ceil(n / size);

const fast = { concurrency: 4, sleep: async () => {}, findRetry: { attempts: 5, delayMs: 0 } };

interface Case {
  name: string;
  /** The plan, and the org it applies to. */
  build(writer: MemoryWriter): Change[];
  /** The count, as arithmetic on the numbers the case was built with. */
  expected: number;
}

/** `n` existing users, seeded in the writer; `fields(i)` are the i-th user's changes. */
function updates(writer: MemoryWriter, n: number, fields: (i: number) => FieldChange[]): Change[] {
  return Array.from({ length: n }, (_, i) => {
    const user = writer.seed({ id: `u${i}`, email: `user${i}@x.com` });
    return update(user.email, user.id, 1, fields(i));
  });
}

const moveTo = (division: Named): FieldChange => ({ field: 'division', kind: 'ref', before: named('d-home', 'Home'), after: division });
const grants = (add: number, remove: number): FieldChange => ({
  field: 'roles',
  kind: 'grants',
  add: Array.from({ length: add }, (_, i) => ({ roleId: `r-add-${i}`, role: `Add ${i}`, divisionId: 'd-home', division: 'Home' })),
  remove: Array.from({ length: remove }, (_, i) => ({ roleId: `r-rm-${i}`, role: `Remove ${i}`, divisionId: 'd-home', division: 'Home' })),
});
const removeLevels = (field: 'skills' | 'languages', add: number, remove: number): FieldChange => {
  const base = levels(field, add, field[0]);
  return { ...base, kind: 'levels', remove: Array.from({ length: remove }, (_, i) => ({ id: `rm${i}`, name: `rm${i}`, level: 1 })) } as FieldChange;
};

function queueWith(writer: MemoryWriter, id: string, n: number): void {
  writer.queues.set(id, new Set(Array.from({ length: n }, (_, i) => `u${i}`)));
}

function groupWith(writer: MemoryWriter, id: string, n: number): void {
  writer.groups.set(id, { version: 3, members: new Set(Array.from({ length: n }, (_, i) => `u${i}`)) });
}

const cases: Case[] = [
  ...[1, 100, 101, 250].map((n) => ({
    name: `${n} users join one queue`,
    build: (w: MemoryWriter) => (queueWith(w, 'q1', 0), updates(w, n, () => [set('queues', ['q1'])])),
    expected: ceil(n, API.queueMembers),
  })),
  ...[100, 101].map((n) => ({
    name: `${n} users leave one queue`,
    build: (w: MemoryWriter) => (queueWith(w, 'q1', n), updates(w, n, () => [set('queues', [], ['q1'])])),
    expected: ceil(n, API.queueMembers),
  })),
  {
    name: '30 users join each of three queues',
    build: (w) => (['q1', 'q2', 'q3'].forEach((q) => queueWith(w, q, 0)), updates(w, 30, () => [set('queues', ['q1', 'q2', 'q3'])])),
    expected: 3 * ceil(30, API.queueMembers),
  },
  ...[50, 51].map((n) => ({
    name: `${n} users join one group (its version read once)`,
    build: (w: MemoryWriter) => (groupWith(w, 'g1', 0), updates(w, n, () => [set('groups', ['g1'])])),
    expected: 1 + ceil(n, API.groupMembers),
  })),
  ...[50, 51].map((n) => ({
    name: `${n} users leave one group (no version needed)`,
    build: (w: MemoryWriter) => (groupWith(w, 'g1', n), updates(w, n, () => [set('groups', [], ['g1'])])),
    expected: ceil(n, API.groupMembers),
  })),
  ...[50, 51, 120].map((n) => ({
    name: `${n} skills added to one user`,
    build: (w: MemoryWriter) => updates(w, 1, () => [levels('skills', n)]),
    expected: ceil(n, API.levels),
  })),
  {
    name: '60 skills added and 2 removed, 55 languages added and 3 removed (removals one by one)',
    build: (w) => updates(w, 1, () => [removeLevels('skills', 60, 2), removeLevels('languages', 55, 3)]),
    expected: ceil(60, API.levels) + 2 + ceil(55, API.levels) + 3,
  },
  ...[50, 51].map((n) => ({
    name: `${n} users moved to one division`,
    build: (w: MemoryWriter) => updates(w, n, () => [moveTo(named('d1', 'Sales'))]),
    expected: ceil(n, API.divisionMove),
  })),
  {
    name: '30 users moved to each of two divisions',
    build: (w) => updates(w, 60, (i) => [moveTo(i < 30 ? named('d1', 'Sales') : named('d2', 'Support'))]),
    expected: 2 * ceil(30, API.divisionMove),
  },
  {
    name: 'roles granted and revoked: one call each way per user',
    build: (w) => updates(w, 4, (i) => [grants(i === 3 ? 0 : 2, i % 2 === 0 ? 0 : 3)]),
    expected: 3 /* users 0–2 gain */ + 2 /* users 1 and 3 lose */,
  },
  {
    name: 'creates that carry every field, and creates that need a PATCH after',
    build: () => [
      ...Array.from({ length: 5 }, (_, i) => create(`plain${i}@x.com`, [text('title', null, 'Agent'), { field: 'division', kind: 'ref', before: null, after: named('d1', 'Sales') }])),
      ...Array.from({ length: 4 }, (_, i) => create(`patched${i}@x.com`, [{ field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: `E${i}` } }, { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true }])),
    ],
    expected: 5 /* one POST each, division included */ + 4 * 2 /* POST + PATCH */,
  },
  ...[1, 50, 51, 120].map((n) => ({
    name: `${n} creates whose one field after the create is ACD auto-answer: 50 users a bulk PATCH`,
    build: () => Array.from({ length: n }, (_, i) => create(`answer${i}@x.com`, [text('title', null, 'Agent'), { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true }])),
    expected: n /* POST */ + ceil(n, API.autoAnswer),
  })),
  {
    name: 'profile fields of an update share one PATCH',
    build: (w) => updates(w, 7, () => [text('title', 'A', 'B'), text('department', 'C', 'D'), { field: 'acdAutoAnswer', kind: 'bool', before: false, after: true }]),
    expected: 7,
  },
  {
    name: 'deactivations and a declared state: one state change per user',
    build: (w) => [
      ...Array.from({ length: 6 }, (_, i): Change => {
        const u = w.seed({ id: `d${i}`, email: `leaver${i}@x.com` });
        return { action: 'deactivate', email: u.email, name: u.email, id: u.id, version: 1, reason: 'pruned', fields: [] };
      }),
      ...updates(w, 2, () => [text('state', 'active', 'inactive')]),
    ],
    expected: 6 + 2,
  },
  {
    name: 'every limit crossed at once',
    build: (w) => {
      queueWith(w, 'q1', 0);
      groupWith(w, 'g-new', 0);
      w.groups.set('g-old', { version: 7, members: new Set(Array.from({ length: 120 }, (_, i) => `u${i}`)) });
      return updates(w, 120, (i) => [
        set('queues', ['q1']),
        set('groups', i < 60 ? ['g-new'] : [], i < 60 ? ['g-old'] : []),
        ...(i === 0 ? [levels('skills', 60), levels('languages', 55, 'l')] : []),
      ]);
    },
    expected:
      ceil(120, API.queueMembers) + // q1 gains 120
      (1 + ceil(60, API.groupMembers)) + // g-new: version read, 60 added
      ceil(60, API.groupMembers) + // g-old: 60 removed
      ceil(60, API.levels) + // skills
      ceil(55, API.levels), // languages
  },
];

for (const c of cases) {
  test(`fewest calls: ${c.name} → ${c.expected}`, async () => {
    const writer = new MemoryWriter();
    const plan = planOf(c.build(writer));
    assert.equal(minimumCalls(plan).total, c.expected, 'minimumCalls');
    const report = await applyPlan(plan, writer, fast);
    assert.equal(report.failed, 0, JSON.stringify(report.problems));
    assert.equal(writer.calls.length, c.expected, `calls made: ${writer.calls.map((x) => x.method).join(', ')}`);
    assert.equal(report.apiCalls, c.expected, 'calls reported');
  });
}
