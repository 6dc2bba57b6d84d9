// Unit tests of apply's back-off: the retry policy itself, then apply through sub-resource refusals, spurious 409s and reads that lag writes, with an injected sleep (no real waiting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan, DEFAULT_RETRY_POLICY, isExistingUserConflict, isOutcomeUnknown, isVersionConflict, Retrier, subResourceTrouble } from '../../src/apply/index.js';
import type { ApplyOptions } from '../../src/apply/index.js';
import { realSleep } from '../../src/apply/retry.js';
import type { Wait } from '../../src/apply/retry.js';
import type { FieldChange, OperationRecord, OrgWriter } from '../../src/model/index.js';
import { apiError, MemoryWriter } from './memory-writer.js';
import { levels, named, planOf, set, text, update } from './plans.js';

/** Apply options whose sleep only records how long it was asked to wait. */
function recorded(): { options: ApplyOptions; waits: number[]; journal: OperationRecord[] } {
  const waits: number[] = [];
  const journal: OperationRecord[] = [];
  const options: ApplyOptions = {
    concurrency: 4,
    findRetry: { attempts: 3, delayMs: 0 },
    sleep: async (ms) => {
      if (ms > 0) waits.push(ms);
    },
    journal: (r) => journal.push(r),
  };
  return { options, waits, journal };
}

const sum = (list: number[]): number => list.reduce((a, b) => a + b, 0);
const sorted = (list: number[]): number[] => [...list].sort((a, b) => a - b);

/** Fails the first `n` calls of `method` with the error `make` builds. */
function failFirst(writer: MemoryWriter, method: keyof OrgWriter, n: number, make: () => ReturnType<typeof apiError>): void {
  let left = n;
  writer.interceptors.push((call) => (call.method === method && left-- > 0 ? make() : undefined));
}

const conflict409 = () => apiError(409, 'general.conflict', 'The version number of the modified resource must match the version number in the database.');
const mismatch400 = () => apiError(400, 'bad.request', 'The user version does not match the current version. Retry the request.');
const timeout408 = () => apiError(408, 'request.timeout', 'The request timed out.', true);

test('the policy: which failures are retried, Terraform\'s back-off for conflicts, and Retry-After first', async () => {
  const cases: Array<[string, ReturnType<typeof apiError>, boolean, boolean, string | undefined]> = [
    ['409', conflict409(), true, false, 'conflict'],
    ['400 does not match the current version', mismatch400(), true, false, 'conflict'],
    ['400 another bad request', apiError(400, 'bad.request', 'name may not be empty'), false, false, undefined],
    ['408', timeout408(), false, true, 'conflict'],
    ['503', apiError(503, 'service.unavailable', 'unavailable', true), false, true, 'unknown'],
    ['no answer', apiError(0, 'network-error', 'socket hang up', true), false, true, 'unknown'],
    ['404', apiError(404, 'not.found', 'gone'), false, false, undefined],
  ];
  for (const [name, error, conflict, unknown, subResource] of cases) {
    assert.equal(isVersionConflict(error), conflict, name);
    assert.equal(isOutcomeUnknown(error), unknown, name);
    // A sub-resource write refused with a 408 while its user is being patched waits like a version error (Terraform).
    assert.equal(subResourceTrouble(error), subResource, name);
  }
  const waits: number[] = [];
  const retrier = new Retrier(DEFAULT_RETRY_POLICY, async (ms) => {
    waits.push(ms);
  });
  assert.deepEqual(Array.from({ length: 9 }, (_, n) => retrier.delayMs('conflict', n)), [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500]);
  assert.equal(retrier.delayMs('conflict', 0, apiError(409, 'general.conflict', 'busy', false, 3000)), 3000, 'Retry-After wins');
  assert.equal(retrier.delayMs('conflict', 2, apiError(409, 'general.conflict', 'busy', false, 0)), 1500, 'a zero Retry-After is no answer');

  // Ten tries in all, then the last error: never given up within seconds.
  let calls = 0;
  await assert.rejects(
    retrier.run(async () => {
      calls += 1;
      throw conflict409();
    }, ['conflict']),
    (error: unknown) => isVersionConflict(error),
  );
  assert.equal(calls, 10);
  assert.equal(sum(waits), 22_500);

  // Each trouble has its own budget; one not listed, or any other failure, is thrown at once.
  waits.length = 0;
  let n = 0;
  const answers = [conflict409(), timeout408(), mismatch400(), timeout408()];
  assert.equal(await retrier.run(async () => {
    const next = answers[n++];
    if (next) throw next;
    return 'done';
  }, ['conflict', 'unknown']), 'done');
  assert.deepEqual(waits, [500, 250, 1000, 500]);
  await assert.rejects(retrier.run(async () => {
    throw timeout408();
  }, ['conflict']), (error: unknown) => isOutcomeUnknown(error));
  await assert.rejects(retrier.run(async () => {
    throw apiError(403, 'missing.permissions', 'no');
  }, ['conflict', 'unknown']), /no/);
});

test('the default policy wait by wait; a policy given wins, and the waits it leaves out are the defaults', () => {
  /** The retries a policy allows after `wait`, and the delay before each. */
  const schedule = (retrier: Retrier, wait: Wait): number[] => {
    const delays: number[] = [];
    for (let n = 0; retrier.allows(wait, n); n++) delays.push(retrier.delayMs(wait, n));
    return delays;
  };
  const defaults = new Retrier(DEFAULT_RETRY_POLICY);
  assert.deepEqual(schedule(defaults, 'conflict'), [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500]);
  assert.deepEqual(schedule(defaults, 'unknown'), [250, 500, 1000]);
  assert.deepEqual(schedule(defaults, 'moved'), [0, 0, 0, 0]);
  assert.deepEqual(schedule(defaults, 'search'), [1000, 1000, 1000, 1000]);
  const given = new Retrier({ conflict: { retries: 1, delayMs: () => 7 }, unknown: { retries: 0, delayMs: () => 9 } });
  assert.deepEqual(schedule(given, 'conflict'), [7]);
  assert.deepEqual(schedule(given, 'unknown'), []);
  assert.deepEqual(schedule(given, 'moved'), [0, 0, 0, 0]);
  assert.deepEqual(schedule(given, 'search'), [1000, 1000, 1000, 1000]);
});

test('which failures are worth another try is read from API answers alone, by status when the client did not say', () => {
  const unknown: Array<[number, boolean]> = [
    [0, true],
    [400, false],
    [404, false],
    [408, true],
    [499, false],
    [500, true],
    [503, true],
  ];
  for (const [status, want] of unknown) assert.equal(isOutcomeUnknown(apiError(status, 'code', 'message', false)), want, String(status));
  assert.equal(isOutcomeUnknown(apiError(400, 'bad.request', 'the connection dropped', true)), true, 'the client said the outcome is unknown');
  // An error that is no API answer (the SDK's own, an axios error) is never taken for one, whatever it carries.
  const raw = Object.assign(new Error('conflict: the email already exists'), { status: 409, code: 'general.conflict', outcomeUnknown: true });
  assert.equal(isVersionConflict(raw), false);
  assert.equal(isOutcomeUnknown(raw), false);
  assert.equal(subResourceTrouble(raw), undefined);
  assert.equal(isExistingUserConflict(raw), false);
  assert.equal(isExistingUserConflict(apiError(500, 'internal', 'the user already exists')), false, 'a 5xx is no refusal of the email');
});

test('the real sleep waits on a timer', async () => {
  const slept = realSleep(1);
  assert.ok(slept instanceof Promise);
  await slept;
});

test('sub-resource writes refused with 409, 400 "does not match the current version" or 408 are retried with the back-off until they pass', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com', skills: { old: 2 }, languages: {}, roleGrants: [{ roleId: 'r-old', divisionId: 'd1' }] });
  writer.groups.set('g1', { version: 4, members: new Set(['u1']) });
  failFirst(writer, 'setSkills', 3, conflict409);
  failFirst(writer, 'removeSkill', 2, mismatch400);
  failFirst(writer, 'grantRoles', 1, conflict409);
  failFirst(writer, 'revokeRoles', 1, mismatch400);
  failFirst(writer, 'setLanguages', 2, timeout408);
  failFirst(writer, 'removeGroupMembers', 2, conflict409);
  const grant = (roleId: string) => ({ roleId, role: roleId, divisionId: 'd1', division: 'Home' });
  const fields: FieldChange[] = [
    { ...levels('skills', 2), remove: [{ ...named('old'), level: 2 }] } as FieldChange,
    levels('languages', 1, 'l'),
    { field: 'roles', kind: 'grants', add: [grant('r-new')], remove: [grant('r-old')] },
    set('groups', [], ['g1']),
  ];
  const { options, waits, journal } = recorded();
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, fields)]), writer, options);
  assert.deepEqual(report.problems, []);
  const user = writer.users.get('u1')!;
  assert.deepEqual(user.skills, { s0: 1, s1: 2 });
  assert.deepEqual(user.languages, { l0: 1 });
  assert.deepEqual(user.roleGrants, [{ roleId: 'r-new', divisionId: 'd1' }]);
  assert.equal(writer.groups.get('g1')?.members.has('u1'), false);
  // Each call waits (i+1)×500 ms on its own count: 409, the 400 and 408 alike.
  assert.deepEqual(sorted(waits), sorted([500, 1000, 1500, 500, 1000, 500, 500, 500, 1000, 500, 1000]));
  assert.ok(journal.every((r) => r.outcome === 'ok'), JSON.stringify(journal));
});

test('a Retry-After on a refusal is waited instead of the back-off', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com', skills: {} });
  failFirst(writer, 'setSkills', 1, () => apiError(409, 'general.conflict', 'busy', false, 3000));
  const { options, waits } = recorded();
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, [levels('skills', 1)])]), writer, options);
  assert.equal(report.failed, 0);
  assert.deepEqual(waits, [3000]);
});

test('a refusal that never ends fails the step after ten tries, and the other users go on', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com', skills: {} });
  writer.seed({ id: 'u2', email: 'b@x.com', skills: {} });
  writer.interceptors.push((call) => (call.method === 'setSkills' && call.args[0] === 'u1' ? conflict409() : undefined));
  const { options, waits } = recorded();
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, [levels('skills', 1)]), update('b@x.com', 'u2', 1, [levels('skills', 1)])]), writer, options);
  assert.equal(report.failed, 1);
  assert.equal(report.problems[0]?.status, 409);
  assert.equal(writer.callsOf('setSkills').filter((c) => c.args[0] === 'u1').length, 10);
  assert.equal(sum(waits), 22_500);
  assert.deepEqual(writer.users.get('u2')?.skills, { s0: 1 });
});

test('a group add refused while the group version is current waits; a moved version is re-read and retried at once', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com' });
  writer.groups.set('g1', { version: 7, members: new Set() });
  failFirst(writer, 'addGroupMembers', 1, conflict409);
  failFirst(writer, 'addGroupMembers', 1, timeout408);
  const { options, waits } = recorded();
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, [set('groups', ['g1'])])]), writer, options);
  assert.equal(report.failed, 0);
  assert.ok(writer.groups.get('g1')?.members.has('u1'));
  assert.deepEqual(waits, [500, 1000]);
  assert.equal(writer.callsOf('getGroupVersion').length, 3, 'the version is read first and after each refusal');
  assert.deepEqual(writer.callsOf('addGroupMembers').map((c) => c.args[1]), [7, 7, 7]);
});

test('a PATCH whose answer was lost, then re-read stale: waits for the read to catch up and counts it done, never hammering', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com', title: 'Agent' });
  writer.lagReads('u1', 2);
  let first = true;
  writer.interceptors.push((call) => {
    if (call.method !== 'patchUser' || !first) return undefined;
    first = false;
    return 'after';
  });
  const { options, waits, journal } = recorded();
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, [text('title', 'Agent', 'Lead')])]), writer, options);
  assert.deepEqual(report.problems, []);
  assert.equal(writer.users.get('u1')?.title, 'Lead');
  assert.equal(writer.users.get('u1')?.version, 2, 'written once');
  // Lost answer: 250 ms, then a 409 and a read still at version 1 twice: 500 and 1000 ms, then the fresh read.
  assert.deepEqual(waits, [250, 500, 1000]);
  assert.equal(writer.callsOf('getUser').length, 3);
  assert.deepEqual(journal.map((r) => r.outcome), ['already-done']);
});

test('a spurious 409 (the version was right) is retried after a wait', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com', title: 'Agent' });
  failFirst(writer, 'patchUser', 1, conflict409);
  const { options, waits } = recorded();
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, [text('title', 'Agent', 'Lead')])]), writer, options);
  assert.equal(report.failed, 0);
  assert.equal(writer.users.get('u1')?.title, 'Lead');
  assert.deepEqual(waits, [500]);
});

test('a version refused again and again while reads still show it fails after the back-off, having overwritten nothing', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com', title: 'Agent' });
  writer.interceptors.push((call) => (call.method === 'patchUser' ? conflict409() : undefined));
  const { options, waits } = recorded();
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, [text('title', 'Agent', 'Lead')])]), writer, options);
  assert.equal(report.failed, 1);
  assert.match(report.problems[0]?.message ?? '', /kept refusing version 1/);
  assert.equal(writer.callsOf('patchUser').length, 10);
  assert.equal(sum(waits), 22_500);
  assert.equal(writer.users.get('u1')?.title, 'Agent');
});

test("another person's change, read stale at first: reported as a conflict once the read catches up, never overwritten", async () => {
  const writer = new MemoryWriter();
  const user = writer.seed({ id: 'u1', email: 'a@x.com', title: 'Agent' });
  writer.lagReads('u1', 2);
  Object.assign(user, { title: 'Boss', version: 2 });
  const { options, journal } = recorded();
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, [text('title', 'Agent', 'Lead')])]), writer, options);
  assert.equal(report.conflicts, 1);
  assert.equal(writer.users.get('u1')?.title, 'Boss');
  assert.deepEqual(writer.callsOf('patchUser').map((c) => c.args[1]), [1, 1, 1]);
  assert.match(journal.at(-1)?.message ?? '', /title is now "Boss"/);
});

test('lists are merged into a read of the version the PATCH carries: a stale read never drops an addition made by someone else', async () => {
  const locations = (add: string[]): FieldChange => ({ field: 'locations', kind: 'set', add: add.map((id) => named(id)), remove: [] });
  // The read lags the plan itself (older than the plan's version): read again before merging.
  const older = new MemoryWriter();
  older.seed({ id: 'u1', email: 'a@x.com', version: 3, locationIds: ['A', 'B'] });
  older.staleReads.set('u1', [{ id: 'u1', email: 'a@x.com', name: 'a', state: 'active', version: 2, phones: [], locationIds: ['A'] }]);
  const first = recorded();
  assert.equal((await applyPlan(planOf([update('a@x.com', 'u1', 3, [locations(['C'])])]), older, first.options)).failed, 0);
  assert.deepEqual(older.users.get('u1')?.locationIds, ['A', 'B', 'C']);
  assert.deepEqual(first.waits, [500]);
  assert.equal(older.callsOf('patchUser').length, 1);
  // Someone adds B after the plan, and reads still show the plan's state: the PATCH merged into it is refused.
  const later = new MemoryWriter();
  const user = later.seed({ id: 'u1', email: 'a@x.com', version: 1, locationIds: ['A'] });
  later.lagReads('u1', 2);
  Object.assign(user, { locationIds: ['A', 'B'], version: 2 });
  const second = recorded();
  assert.equal((await applyPlan(planOf([update('a@x.com', 'u1', 1, [locations(['C'])])]), later, second.options)).failed, 0);
  assert.deepEqual(later.users.get('u1')?.locationIds, ['A', 'B', 'C']);
  assert.deepEqual(later.callsOf('patchUser').map((c) => (c.args[2] as { locationIds: string[] }).locationIds), [['A', 'C'], ['A', 'C'], ['A', 'B', 'C']]);
});
