// Unit tests of apply's ordering, batching, locking and failure rules, with plans as plain data and an in-memory writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan, minimumCalls } from '../../src/apply/index.js';
import type { OperationRecord } from '../../src/model/index.js';
import { apiError, MemoryWriter } from './memory-writer.js';
import { create, levels, manager, named, planOf, set, text, update } from './plans.js';

const fast = { concurrency: 4, sleep: async () => {}, findRetry: { attempts: 5, delayMs: 0 } };

test('a create carries every field POST /users accepts; the rest goes in one PATCH', async () => {
  const writer = new MemoryWriter();
  const plan = planOf([
    create('a@x.com', [
      text('title', null, 'Agent'),
      text('department', null, 'Support'),
      text('state', null, 'active'),
      { field: 'division', kind: 'ref', before: null, after: named('d1', 'Sales') },
      { field: 'phones', kind: 'phones', before: [], after: [{ type: 'work', number: '+13175550100', mediaType: 'PHONE' }] },
      { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true },
      { field: 'profileSkills', kind: 'strings', add: ['Java'], remove: [] },
    ]),
    create('b@x.com', [text('title', null, 'Agent')]),
  ]);
  const report = await applyPlan(plan, writer, fast);
  assert.equal(report.failed, 0);
  assert.equal(report.created, 2);
  const creates = writer.callsOf('createUser').map((c) => c.args[0]);
  assert.deepEqual(creates.find((u) => (u as { email: string }).email === 'a@x.com'), {
    name: 'a', email: 'a@x.com', title: 'Agent', department: 'Support', state: 'active', divisionId: 'd1',
    phones: [{ type: 'work', number: '+13175550100', mediaType: 'PHONE' }],
  });
  const patches = writer.callsOf('patchUser');
  assert.equal(patches.length, 1, 'b needs no PATCH: its fields all went into the create');
  assert.deepEqual(patches[0]?.args[2], { acdAutoAnswer: true, profileSkills: ['Java'] });
  assert.equal(writer.callsOf('moveUsersToDivision').length, 0);
  assert.equal(report.apiCalls, minimumCalls(plan).total);
});

test('a chain of new managers resolves to the new ids; every PATCH waits for the creates', async () => {
  const writer = new MemoryWriter();
  const plan = planOf([
    create('c@x.com', [manager('b@x.com')]),
    create('b@x.com', [manager('a@x.com')]),
    create('a@x.com', [manager('boss@x.com', 'u-boss')]),
  ]);
  writer.seed({ id: 'u-boss', email: 'boss@x.com' });
  const report = await applyPlan(plan, writer, fast);
  assert.equal(report.failed, 0);
  const id = (email: string): string => writer.byEmail(email)[0]!.id;
  assert.equal(writer.byEmail('c@x.com')[0]!.managerId, id('b@x.com'));
  assert.equal(writer.byEmail('b@x.com')[0]!.managerId, id('a@x.com'));
  assert.equal(writer.byEmail('a@x.com')[0]!.managerId, 'u-boss');
  const methods = writer.calls.map((c) => c.method);
  assert.ok(methods.lastIndexOf('createUser') < methods.indexOf('patchUser'));
});

test("a user whose manager's create failed gets its other fields, and the manager step says why it was skipped", async () => {
  const writer = new MemoryWriter();
  writer.interceptors.push((call) => (call.method === 'createUser' && (call.args[0] as { email: string }).email === 'boss@x.com' ? apiError(400, 'bad.request', 'invalid email') : undefined));
  const plan = planOf([create('boss@x.com'), create('agent@x.com', [manager('boss@x.com'), { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true }, set('queues', ['q1'])])]);
  const report = await applyPlan(plan, writer, fast);
  assert.equal(report.failed, 2);
  assert.equal(report.created, 0);
  const agent = writer.byEmail('agent@x.com')[0]!;
  assert.equal(agent.acdAutoAnswer, true);
  assert.equal(agent.managerId, undefined);
  assert.ok(writer.queues.get('q1')?.has(agent.id));
  const skip = report.problems.find((p) => p.email === 'agent@x.com');
  assert.equal(skip?.outcome, 'skipped');
  assert.match(skip?.message ?? '', /boss@x\.com.*create failed/);
  const failure = report.problems.find((p) => p.email === 'boss@x.com' && p.outcome === 'failed');
  assert.equal(failure?.code, 'bad.request');
  assert.equal(failure?.contextId, 'ctx-400-bad.request');
});

test('every batch limit is crossed with the fewest calls', async () => {
  const writer = new MemoryWriter();
  const users = Array.from({ length: 120 }, (_, i) => ({ id: `u${1000 + i}`, email: `user${i}@x.com` }));
  for (const u of users) writer.seed(u);
  const group = writer.groups.set('g-old', { version: 7, members: new Set(users.map((u) => u.id)) });
  assert.ok(group);
  const changes = users.map((u, i) =>
    update(u.email, u.id, 1, [
      set('queues', ['q1']),
      set('groups', i < 60 ? ['g-new'] : [], i < 60 ? ['g-old'] : []),
      ...(i === 0 ? [levels('skills', 60), levels('languages', 55, 'l')] : []),
    ]),
  );
  const plan = planOf(changes);
  const report = await applyPlan(plan, writer, fast);
  assert.equal(report.failed, 0);
  assert.deepEqual(writer.callsOf('setSkills').map((c) => (c.args[1] as unknown[]).length).sort(), [10, 50]);
  assert.deepEqual(writer.callsOf('setLanguages').map((c) => (c.args[1] as unknown[]).length).sort(), [5, 50]);
  assert.deepEqual(writer.callsOf('addQueueMembers').map((c) => (c.args[1] as unknown[]).length).sort(), [100, 20]);
  assert.deepEqual(writer.callsOf('removeGroupMembers').map((c) => (c.args[1] as unknown[]).length).sort(), [10, 50]);
  assert.deepEqual(writer.callsOf('addGroupMembers').map((c) => (c.args[2] as unknown[]).length).sort(), [10, 50]);
  assert.equal(writer.callsOf('getGroupVersion').length, 1, 'the version is read once and followed');
  assert.equal(writer.queues.get('q1')?.size, 120);
  assert.equal(writer.groups.get('g-new')?.members.size, 60);
  assert.equal(writer.groups.get('g-old')?.members.size, 60);
  assert.equal(report.apiCalls, minimumCalls(plan).total);
});

test('a stale group version is re-read and the add retried', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com' });
  let bumped = false;
  writer.interceptors.push((call, w) => {
    if (call.method === 'addGroupMembers' && !bumped) {
      bumped = true;
      w.groups.get('g1')!.version += 5;
    }
    return undefined;
  });
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, [set('groups', ['g1'])])]), writer, fast);
  assert.equal(report.failed, 0);
  assert.equal(writer.callsOf('getGroupVersion').length, 2);
  assert.ok(writer.groups.get('g1')?.members.has('u1'));
});

test('409 table: unrelated change → retried; same field changed → conflict, never overwritten; already done → counted done', async (t) => {
  const cases = [
    { name: 'unrelated field', outOfBand: { department: 'Moved' }, expect: { title: 'Lead', department: 'Moved' }, outcome: 'ok', failed: 0 },
    { name: 'same field', outOfBand: { title: 'Boss' }, expect: { title: 'Boss' }, outcome: 'conflict', failed: 1 },
    { name: 'already desired', outOfBand: { title: 'Lead' }, expect: { title: 'Lead' }, outcome: 'already-done', failed: 0 },
  ] as const;
  for (const c of cases) {
    await t.test(c.name, async () => {
      const writer = new MemoryWriter();
      const user = writer.seed({ id: 'u1', email: 'a@x.com', title: 'Agent', department: 'Support' });
      Object.assign(user, c.outOfBand, { version: 2 });
      writer.seed({ id: 'u2', email: 'b@x.com', title: 'Agent' });
      const journal: OperationRecord[] = [];
      const report = await applyPlan(
        planOf([update('a@x.com', 'u1', 1, [text('title', 'Agent', 'Lead')]), update('b@x.com', 'u2', 1, [text('title', 'Agent', 'Lead')])]),
        writer,
        { ...fast, journal: (r) => journal.push(r) },
      );
      assert.equal(report.failed, c.failed);
      assert.equal(report.conflicts, c.outcome === 'conflict' ? 1 : 0);
      for (const [k, v] of Object.entries(c.expect)) assert.equal(writer.users.get('u1')?.[k as 'title'], v);
      assert.equal(writer.users.get('u2')?.title, 'Lead', 'the other user is applied regardless');
      const outcomes = journal.filter((r) => r.email === 'a@x.com').map((r) => r.outcome);
      assert.ok(outcomes.includes(c.outcome), `${outcomes.join(',')} includes ${c.outcome}`);
      if (c.outcome === 'conflict') assert.match(report.problems[0]?.message ?? '', /title is now "Boss".*Re-plan/);
    });
  }
});

test('a create whose outcome is unknown is looked up (through search lag) and never duplicated', async () => {
  const writer = new MemoryWriter();
  let first = true;
  writer.interceptors.push((call, w) => {
    if (call.method !== 'createUser' || !first) return undefined;
    first = false;
    w.searchLagCalls = 2;
    return 'after';
  });
  const report = await applyPlan(planOf([create('a@x.com', [set('queues', ['q1']), text('state', null, 'active')])]), writer, fast);
  assert.equal(report.failed, 0);
  assert.equal(report.created, 1);
  assert.equal(writer.byEmail('a@x.com').length, 1);
  assert.equal(writer.callsOf('createUser').length, 1);
  assert.equal(writer.callsOf('findUserByEmail').length, 3);
  assert.ok(writer.queues.get('q1')?.has(writer.byEmail('a@x.com')[0]!.id));
});

test('a create whose outcome is unknown and that did not land is retried once found absent', async () => {
  const writer = new MemoryWriter();
  let first = true;
  writer.interceptors.push((call) => {
    if (call.method !== 'createUser' || !first) return undefined;
    first = false;
    return apiError(0, 'network-error', 'socket hang up', true);
  });
  const report = await applyPlan(planOf([create('a@x.com')]), writer, { ...fast, findRetry: { attempts: 2, delayMs: 0 } });
  assert.equal(report.failed, 0);
  assert.equal(writer.callsOf('createUser').length, 2);
  assert.equal(writer.byEmail('a@x.com').length, 1);
});

test('a create that meets a deleted user restores it and recomputes what it still needs', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'old', email: 'a@x.com', name: 'a', state: 'deleted', version: 4, title: 'Agent', skills: { s0: 1, gone: 3 }, roleGrants: [] });
  const plan = planOf([create('a@x.com', [text('title', null, 'Agent'), levels('skills', 2)])]);
  const report = await applyPlan(plan, writer, fast);
  assert.equal(report.failed, 0);
  const user = writer.users.get('old')!;
  assert.equal(user.state, 'active');
  assert.deepEqual(user.skills, { s0: 1, s1: 2 });
  assert.equal(writer.byEmail('a@x.com').length, 1);
  assert.equal(writer.callsOf('patchUser').length, 0, 'the name and title already matched');
});

test('deactivations come last, restores and activations first', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'gone@x.com', state: 'deleted' });
  writer.seed({ id: 'u2', email: 'off@x.com' });
  writer.seed({ id: 'u3', email: 'back@x.com', state: 'inactive' });
  const plan = planOf([
    { action: 'deactivate', email: 'off@x.com', name: 'off', id: 'u2', version: 1, fields: [text('title', null, 'Former')], reason: 'declared' },
    { action: 'restore', email: 'gone@x.com', name: 'gone', id: 'u1', version: 1, fields: [set('queues', ['q1'])] },
    update('back@x.com', 'u3', 1, [text('state', 'inactive', 'active'), text('title', null, 'Back')]),
  ]);
  const report = await applyPlan(plan, writer, fast);
  assert.equal(report.failed, 0);
  assert.deepEqual([report.restored, report.deactivated, report.updated], [1, 1, 1]);
  const seq = writer.calls.map((c) => `${c.method}:${String(c.args[0])}${c.method === 'setUserState' ? `:${String(c.args[2])}` : ''}`);
  assert.equal(seq.at(-1), 'setUserState:u2:inactive');
  assert.ok(seq.indexOf('setUserState:u1:active') < seq.indexOf('addQueueMembers:q1'));
  assert.ok(seq.indexOf('setUserState:u3:active') < seq.indexOf('patchUser:u3'));
  assert.equal(writer.users.get('u2')?.title, 'Former');
  assert.equal(writer.users.get('u2')?.state, 'inactive');
});

test('never more operations in flight than the concurrency allows', async () => {
  const writer = new MemoryWriter();
  const plan = planOf(Array.from({ length: 40 }, (_, i) => create(`u${i}@x.com`, [levels('skills', 3)])));
  await applyPlan(plan, writer, { ...fast, concurrency: 3 });
  assert.ok(writer.maxInFlight <= 3, `max in flight ${writer.maxInFlight}`);
  assert.equal(writer.maxInFlight, 3);
});

test('an abort stops new operations, lets in-flight ones finish and says what was not started', async () => {
  const writer = new MemoryWriter();
  const controller = new AbortController();
  const plan = planOf(Array.from({ length: 30 }, (_, i) => create(`u${i}@x.com`, [levels('skills', 3)])));
  let seen = 0;
  const report = await applyPlan(plan, writer, {
    ...fast,
    concurrency: 2,
    signal: controller.signal,
    journal: () => {
      seen += 1;
      if (seen === 5) controller.abort();
    },
  });
  assert.equal(report.interrupted, true);
  assert.ok(report.notStarted > 0);
  assert.ok(writer.callsOf('createUser').length < 30);
  assert.equal(writer.callsOf('setSkills').length, 0);
  // The users created before the interrupt are counted, although their skills were never set.
  assert.ok(writer.callsOf('createUser').length > 0);
  assert.equal(report.created, writer.callsOf('createUser').length);
  assert.equal(report.failed, 0);
});

test('a 404 on a removal counts as done; other failures are reported with code and contextId and the rest go on', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com', skills: {} });
  writer.seed({ id: 'u2', email: 'b@x.com' });
  writer.interceptors.push((call) => (call.method === 'removeSkill' ? apiError(404, 'not.found', 'no such skill') : undefined));
  writer.interceptors.push((call) => (call.method === 'grantRoles' && call.args[0] === 'u2' ? apiError(403, 'missing.permissions', 'nope') : undefined));
  const plan = planOf([
    update('a@x.com', 'u1', 1, [{ field: 'skills', kind: 'levels', add: [], change: [], remove: [{ id: 's9', name: 'Old', level: 2 }] }]),
    update('b@x.com', 'u2', 1, [{ field: 'roles', kind: 'grants', add: [{ roleId: 'r1', role: 'Agent', divisionId: 'd', division: 'Home' }], remove: [] }, text('title', null, 'T')]),
  ]);
  const report = await applyPlan(plan, writer, fast);
  assert.equal(report.failed, 1);
  assert.equal(report.updated, 1);
  assert.equal(report.problems.length, 1);
  assert.deepEqual(
    { status: report.problems[0]?.status, code: report.problems[0]?.code, contextId: report.problems[0]?.contextId },
    { status: 403, code: 'missing.permissions', contextId: 'ctx-403-missing.permissions' },
  );
  assert.equal(writer.users.get('u2')?.title, 'T');
});
