// Optimistic locking through apply, on the in-memory writer: re-reads that fail, lag or go through search, refusals that never end, what each record says, and changeState's own answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/index.js';
import type { ApplyOptions, ApplyResult } from '../../src/apply/index.js';
import { changeState } from '../../src/apply/locking.js';
import { Recorder } from '../../src/apply/report.js';
import { DEFAULT_RETRY_POLICY, Retrier } from '../../src/apply/retry.js';
import { runsOf } from '../../src/apply/run.js';
import type { Ctx } from '../../src/apply/run.js';
import type { Change, FieldChange, OperationRecord, OrgUser, UserState } from '../../src/model/index.js';
import { apiError, MemoryWriter } from './memory-writer.js';
import type { Call } from './memory-writer.js';
import { create, named, planOf, text, update } from './plans.js';

const conflict409 = () => apiError(409, 'general.conflict', 'The version number of the modified resource must match the version number in the database.');
const unavailable = () => apiError(503, 'service.unavailable', 'The service is unavailable.', true);
const forbidden = () => apiError(403, 'missing.permissions', 'Missing directory:user:view');
const notFound = () => apiError(404, 'not.found', 'Not found');

interface Applied {
  report: ApplyResult;
  journal: OperationRecord[];
  waits: number[];
}

/** Applies `changes` with no real waiting; records the journal and every wait asked for. */
async function apply(writer: MemoryWriter, changes: Change[]): Promise<Applied> {
  const journal: OperationRecord[] = [];
  const waits: number[] = [];
  const options: ApplyOptions = {
    concurrency: 2,
    findRetry: { attempts: 2, delayMs: 0 },
    sleep: async (ms) => {
      if (ms > 0) waits.push(ms);
    },
    journal: (r) => journal.push(r),
  };
  return { report: await applyPlan(planOf(changes), writer, options), journal, waits };
}

/** Fails the calls of `method` (the first `times`, or all) with what `make` builds. */
function fail(writer: MemoryWriter, method: Call['method'], make: () => ReturnType<typeof apiError>, times = Infinity): void {
  let left = times;
  writer.interceptors.push((call) => (call.method === method && left-- > 0 ? make() : undefined));
}

/** Each call of `method` is refused after someone else saved the user: its version moves on every time. */
function versionKeepsMoving(writer: MemoryWriter, method: Call['method']): void {
  writer.interceptors.push((call, w) => {
    if (call.method !== method) return undefined;
    w.users.get('u1')!.version += 1;
    return conflict409();
  });
}

const outcomes = (journal: OperationRecord[]): string[] => journal.map((r) => `${r.operation} ${r.outcome}`);
const title = text('title', 'Agent', 'Lead');
const restore = (version: number | undefined, fields: FieldChange[] = [title]): Change => ({ action: 'restore', email: 'ola@x.com', name: 'Ola', id: 'u1', version, fields });
const deactivate = (version: number): Change => ({ action: 'deactivate', email: 'ola@x.com', name: 'Ola', id: 'u1', version, fields: [] });

function seeded(fields: Partial<OrgUser> = {}): MemoryWriter {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'ola@x.com', name: 'Ola', title: 'Agent', ...fields });
  return writer;
}

describe('a create whose outcome is unknown: the search that checks it', () => {
  it('every search fails: the create is not sent again (no duplicate), and the user is skipped, saying why', async () => {
    const writer = new MemoryWriter();
    fail(writer, 'createUser', unavailable);
    fail(writer, 'findUserByEmail', () => apiError(500, 'internal', 'search is down', true));
    const { report } = await apply(writer, [create('ola@x.com', [text('title', null, 'Agent'), { field: 'skills', kind: 'levels', add: [{ id: 's1', name: 'Billing', level: 3 }], change: [], remove: [] }])]);
    assert.equal(writer.callsOf('createUser').length, 1);
    assert.deepEqual(
      report.problems.map((p) => `${p.operation} ${p.outcome} ${p.status ?? ''}`),
      ['create failed 500', 'skills skipped '],
    );
    assert.match(report.problems[1]?.message ?? '', /^skipped: the create may have succeeded and the search to check it failed; not retried to avoid a duplicate$/);
  });

  it('a search that fails once, then finds nothing: the user is absent, and the create is sent again', async () => {
    const writer = new MemoryWriter();
    fail(writer, 'createUser', unavailable, 1);
    fail(writer, 'findUserByEmail', () => apiError(500, 'internal', 'search is down', true), 1);
    const { report } = await apply(writer, [create('ola@x.com')]);
    assert.deepEqual(report.problems, []);
    assert.equal(report.created, 1);
    assert.equal(writer.callsOf('createUser').length, 2);
    assert.equal(writer.users.size, 1);
  });
});

describe('re-reading the user after a refused PATCH', () => {
  it('a re-read that gets no answer is read again', async () => {
    const writer = seeded({ version: 2 });
    fail(writer, 'getUser', unavailable, 1);
    const { report } = await apply(writer, [update('ola@x.com', 'u1', 1, [title])]);
    assert.deepEqual(report.problems, []);
    assert.equal(writer.users.get('u1')?.title, 'Lead');
    assert.equal(writer.callsOf('getUser').length, 2);
  });

  it('a re-read refused: the PATCH fails, saying the user could not be re-read; no search, no "deleted"', async () => {
    const writer = seeded({ version: 2 });
    fail(writer, 'getUser', forbidden);
    const { report, journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title])]);
    assert.deepEqual(outcomes(journal), ['patch failed']);
    assert.equal(journal[0]?.status, 403);
    assert.match(journal[0]?.message ?? '', /^the user changed since the plan and could not be re-read \(Missing directory:user:view\)/);
    assert.equal(report.conflicts, 0);
    assert.equal(writer.callsOf('findUserByEmail').length, 0);
    assert.equal(writer.users.get('u1')?.title, 'Agent');
  });

  it('a user deleted since the plan: the re-read answers 404 until the lag is waited out, then one conflict; search is not asked', async () => {
    const writer = seeded({ version: 2, state: 'deleted' });
    const { report, journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title])]);
    assert.deepEqual(outcomes(journal), ['patch conflict']);
    assert.match(journal[0]?.message ?? '', /^the user was deleted in the org since the plan; nothing written for this user/);
    assert.equal(report.conflicts, 1);
    assert.equal(writer.callsOf('getUser').length, 10, 'the first read and nine more, by the conflict back-off');
    assert.equal(writer.callsOf('findUserByEmail').length, 0);
  });

  it('a PATCH answered 404 for a user deleted since the plan: a conflict of the PATCH', async () => {
    const writer = seeded({ state: 'deleted' });
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title])]);
    assert.deepEqual(outcomes(journal), ['patch conflict']);
    assert.match(journal[0]?.message ?? '', /deleted in the org since the plan/);
  });

  it('a PATCH refused for another reason is a failure of the PATCH', async () => {
    const writer = seeded();
    fail(writer, 'patchUser', () => apiError(400, 'bad.request', 'The title may not be longer than 200 characters.'));
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title])]);
    assert.deepEqual(outcomes(journal), ['patch failed']);
    assert.equal(writer.callsOf('getUser').length, 0);
  });

  it('a version refused again and again at the version read: fails, counting the attempts', async () => {
    const writer = seeded();
    fail(writer, 'patchUser', conflict409);
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title])]);
    assert.deepEqual(outcomes(journal), ['patch failed']);
    assert.match(journal[0]?.message ?? '', /^the org kept refusing version 1 of the user, which it still showed \(10 attempts\)/);
  });

  it('a version that moves on every try: fails after five, counting them, having overwritten nothing', async () => {
    const writer = seeded();
    versionKeepsMoving(writer, 'patchUser');
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title])]);
    assert.deepEqual(outcomes(journal), ['patch failed']);
    assert.equal(journal[0]?.message, "the user's version kept changing (5 attempts)");
    assert.deepEqual(writer.callsOf('patchUser').map((c) => c.args[1]), [1, 2, 3, 4, 5]);
    assert.equal(writer.users.get('u1')?.title, 'Agent');
  });

  it('two fields someone else changed: one conflict that names both', async () => {
    const writer = seeded({ version: 2, title: 'Boss', department: 'Sales' });
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title, text('department', 'Support', 'Billing')])]);
    assert.deepEqual(outcomes(journal), ['patch conflict']);
    assert.equal(journal[0]?.message, 'changed in the org since the plan, not overwritten: title is now "Boss"; department is now "Sales". Re-plan. (The version number of the modified resource must match the version number in the database.)');
  });

  it('one field already done, one still pending: the pending one is written, and nothing is called done', async () => {
    const writer = seeded({ version: 2, title: 'Lead', department: 'Support' });
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title, text('department', 'Support', 'Billing')])]);
    assert.deepEqual(outcomes(journal), ['patch ok']);
    assert.equal(journal[0]?.message, 'fields: department');
    assert.deepEqual(writer.callsOf('patchUser').map((c) => c.args[2]), [{ title: 'Lead', department: 'Billing' }, { department: 'Billing' }]);
  });

  it('every field already done: one record that says so', async () => {
    const writer = seeded({ version: 2, title: 'Lead' });
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title])]);
    assert.deepEqual(journal.map((r) => [r.operation, r.outcome, r.message]), [['patch', 'already-done', 'the fields already hold the desired values']]);
  });

  it('the PATCH record names the fields it wrote', async () => {
    const writer = seeded();
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title, text('department', null, 'Support')])]);
    assert.deepEqual(journal.map((r) => [r.operation, r.outcome, r.message]), [['patch', 'ok', 'fields: title, department']]);
  });
});

describe('fields the PATCH leaves out', () => {
  it('a list the read left out is skipped and recorded as that list; the rest is written', async () => {
    const writer = seeded({ unknown: ['locations'] });
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title, { field: 'locations', kind: 'set', add: [named('l2')], remove: [] }])]);
    assert.deepEqual(outcomes(journal), ['patch locations skipped', 'patch ok']);
    assert.match(journal[0]?.message ?? '', /^the user's current locations could not be read/);
    assert.equal(writer.users.get('u1')?.title, 'Lead');
  });

  it('a manager neither created in this run nor known by id is skipped, saying so', async () => {
    const writer = seeded();
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title, { field: 'manager', kind: 'manager', before: null, after: { email: 'nobody@x.com' } }])]);
    assert.deepEqual(
      journal.map((r) => [r.operation, r.outcome, r.message]),
      [
        ['patch manager', 'skipped', 'manager nobody@x.com has no user id (its create did not succeed)'],
        ['patch', 'ok', 'fields: title'],
      ],
    );
  });

  it('a skip is recorded once, however often the PATCH is sent', async () => {
    const writer = seeded();
    fail(writer, 'patchUser', conflict409, 1);
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [title, { field: 'manager', kind: 'manager', before: null, after: { email: 'nobody@x.com' } }])]);
    assert.deepEqual(outcomes(journal), ['patch manager skipped', 'patch ok']);
    assert.equal(writer.callsOf('patchUser').length, 2);
  });

  it('a PATCH left with nothing to send is not sent', async () => {
    const writer = seeded();
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [{ field: 'manager', kind: 'manager', before: null, after: { email: 'nobody@x.com' } }])]);
    assert.deepEqual(outcomes(journal), ['patch manager skipped']);
    assert.equal(writer.callsOf('patchUser').length, 0);
  });
});

describe('lists are merged into a read of the version the PATCH carries', () => {
  const locations = (add: string[]): FieldChange => ({ field: 'locations', kind: 'set', add: add.map((id) => named(id)), remove: [] });

  it('a read before the PATCH that fails: the PATCH fails, saying the user could not be re-read', async () => {
    const writer = seeded();
    fail(writer, 'getUser', forbidden);
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [locations(['l2'])])]);
    assert.deepEqual(outcomes(journal), ['patch failed']);
    assert.equal(writer.callsOf('patchUser').length, 0);
  });

  it('lists someone else already made as planned: the PATCH is done, whatever else the user has to write', async () => {
    const writer = seeded({ version: 2, locationIds: ['l1', 'l2'], skills: {} });
    const skills: FieldChange = { field: 'skills', kind: 'levels', add: [{ id: 's1', name: 'Billing', level: 3 }], change: [], remove: [] };
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [locations(['l2']), skills])]);
    assert.deepEqual(outcomes(journal).sort(), ['patch already-done', 'skills ok']);
    assert.equal(writer.callsOf('patchUser').length, 0);
  });

  it('a create that met a user an earlier run made reads it once, and merges its lists into that read', async () => {
    const writer = seeded({ name: 'ola', title: undefined, locationIds: ['l1'] });
    const { report } = await apply(writer, [create('ola@x.com', [locations(['l1', 'l2'])])]);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(writer.users.get('u1')?.locationIds, ['l1', 'l2']);
    assert.equal(writer.callsOf('getUser').length, 1);
  });

  it('a read older than the version the PATCH carries (the user was switched on since) is read again: what someone added meanwhile is kept', async () => {
    const writer = seeded({ name: 'ola', title: undefined, state: 'inactive', locationIds: ['l1'] });
    // Someone adds a location just as apply switches the user on.
    writer.interceptors.push((call, w) => {
      if (call.method === 'setUserState') w.users.get('u1')!.locationIds = ['l1', 'l9'];
      return undefined;
    });
    const { report } = await apply(writer, [create('ola@x.com', [text('state', null, 'active'), locations(['l1', 'l2'])])]);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(writer.users.get('u1')?.locationIds, ['l1', 'l9', 'l2']);
    assert.equal(writer.callsOf('getUser').length, 2);
  });

  it('a restored user found through search (which carries no lists) is read again before its lists are merged', async () => {
    class SearchWithoutLists extends MemoryWriter {
      override async findUserByEmail(email: string): Promise<OrgUser | undefined> {
        const found = await super.findUserByEmail(email);
        if (found) delete found.locationIds;
        return found;
      }
    }
    const writer = new SearchWithoutLists();
    // Someone restored the user already (version 2); the first plain read still lags and answers 404.
    writer.seed({ id: 'u1', email: 'ola@x.com', name: 'Ola', version: 2, locationIds: ['l1'] });
    fail(writer, 'getUser', notFound, 1);
    const { report, journal } = await apply(writer, [restore(1, [locations(['l2'])])]);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(outcomes(journal), ['restore already-done', 'patch ok']);
    assert.deepEqual(writer.users.get('u1')?.locationIds, ['l1', 'l2']);
  });
});

describe('state changes', () => {
  it('a state change whose answer never came is sent again with the same version', async () => {
    const writer = seeded();
    fail(writer, 'setUserState', unavailable, 1);
    const { journal, waits } = await apply(writer, [deactivate(1)]);
    assert.deepEqual(outcomes(journal), ['deactivate ok']);
    assert.deepEqual(writer.callsOf('setUserState').map((c) => c.args[1]), [1, 1]);
    assert.deepEqual(waits, [250]);
  });

  it('a refusal of the version the user still has is waited out, then sent again', async () => {
    const writer = seeded();
    fail(writer, 'setUserState', conflict409, 1);
    const { journal, waits } = await apply(writer, [deactivate(1)]);
    assert.deepEqual(outcomes(journal), ['deactivate ok']);
    assert.deepEqual(waits, [500]);
    assert.equal(writer.users.get('u1')?.state, 'inactive');
  });

  it('a restore already made by someone else: done, and the user\'s other fields are written', async () => {
    const writer = seeded({ version: 2 });
    const { journal } = await apply(writer, [restore(1)]);
    assert.deepEqual(journal.map((r) => [r.operation, r.outcome, r.message]), [
      ['restore', 'already-done', 'the user was already active'],
      ['patch', 'ok', 'fields: title'],
    ]);
  });

  const stopped: Array<{ name: string; writer: () => MemoryWriter; change: Change; message: RegExp }> = [
    { name: 'no version in the plan', writer: () => seeded({ state: 'deleted' }), change: restore(undefined), message: /^the plan has no id or version for this user$/ },
    {
      name: 'a re-read that fails',
      writer: () => {
        const w = seeded({ state: 'deleted', version: 2 });
        fail(w, 'getUser', forbidden);
        fail(w, 'findUserByEmail', forbidden);
        return w;
      },
      change: restore(1),
      message: /could not be re-read/,
    },
    {
      name: 'the version refused again and again',
      writer: () => {
        const w = seeded({ state: 'deleted' });
        fail(w, 'setUserState', conflict409);
        return w;
      },
      change: restore(1),
      message: /^the org kept refusing version 1 of the user, which it still showed \(10 attempts\)/,
    },
    {
      name: 'a version that keeps moving',
      writer: () => {
        const w = seeded({ state: 'deleted' });
        versionKeepsMoving(w, 'setUserState');
        return w;
      },
      change: restore(1),
      message: /^the user's version kept changing \(5 attempts\)$/,
    },
  ];
  for (const c of stopped) {
    it(`a restore that fails (${c.name}): the user's other fields are skipped, never written`, async () => {
      const writer = c.writer();
      const { journal } = await apply(writer, [c.change]);
      assert.deepEqual(outcomes(journal), ['restore failed', 'title skipped']);
      assert.match(journal[0]?.message ?? '', c.message);
      assert.equal(writer.callsOf('patchUser').length, 0);
      assert.equal(writer.users.get('u1')?.title, 'Agent');
    });
  }

  it('a deleted user looked up through search: one search per read, and another user with the email is not taken for it', async () => {
    const writer = seeded({ version: 2 });
    writer.seed({ id: 'u2', email: 'ola@x.com', name: 'Ola Two', version: 1 });
    writer.searchable.delete('u1');
    fail(writer, 'getUser', notFound);
    const { report, journal } = await apply(writer, [deactivate(1)]);
    assert.deepEqual(outcomes(journal), ['deactivate conflict']);
    assert.equal(report.conflicts, 1);
    assert.equal(writer.users.get('u2')?.state, 'active');
    assert.equal(writer.callsOf('setUserState').length, 1);
    assert.equal(writer.callsOf('findUserByEmail').length, writer.callsOf('getUser').length);
  });

  it('a create that met a deleted user someone switched back on meanwhile: a conflict, and nothing else written for it', async () => {
    const writer = new MemoryWriter();
    writer.seed({ id: 'old', email: 'ola@x.com', name: 'ola', state: 'deleted', version: 4 });
    let first = true;
    writer.interceptors.push((call, w) => {
      if (call.method !== 'setUserState' || !first) return undefined;
      first = false;
      Object.assign(w.users.get('old')!, { state: 'inactive', version: 5 });
      return conflict409();
    });
    const { journal } = await apply(writer, [create('ola@x.com', [{ field: 'acdAutoAnswer', kind: 'bool', before: null, after: true }])]);
    assert.deepEqual(outcomes(journal), ['create already-done', 'restore conflict']);
    assert.equal(writer.callsOf('patchUser').length, 0);
    assert.equal(writer.users.get('old')?.acdAutoAnswer, undefined);
  });
});

describe('deletedSincePlan: a 404 for a write to a user the plan found', () => {
  it('a skill removal answered 404 for a user deleted since the plan: a conflict, never "already removed"', async () => {
    const writer = seeded({ state: 'deleted', skills: { s1: 2 } });
    fail(writer, 'removeSkill', notFound);
    const { report, journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [{ field: 'skills', kind: 'levels', add: [], change: [], remove: [{ id: 's1', name: 'Old', level: 2 }] }])]);
    assert.deepEqual(outcomes(journal), ['remove skill Old conflict']);
    assert.equal(report.conflicts, 1);
  });

  it('a skill removal answered 404 for a user still there: already removed', async () => {
    const writer = seeded({ skills: {} });
    fail(writer, 'removeSkill', notFound);
    const { journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [{ field: 'skills', kind: 'levels', add: [], change: [], remove: [{ id: 's1', name: 'Old', level: 2 }] }])]);
    assert.deepEqual(journal.map((r) => [r.operation, r.outcome, r.message]), [['remove skill Old', 'already-done', 'already removed']]);
  });

  it('a write answered 404 while the user cannot be read: a failure, not taken for a deletion', async () => {
    const writer = seeded({ skills: {} });
    fail(writer, 'setSkills', notFound);
    fail(writer, 'getUser', forbidden);
    const { report, journal } = await apply(writer, [update('ola@x.com', 'u1', 1, [{ field: 'skills', kind: 'levels', add: [{ id: 's1', name: 'Billing', level: 3 }], change: [], remove: [] }])]);
    assert.deepEqual(outcomes(journal), ['skills failed']);
    assert.equal(journal[0]?.status, 404);
    assert.equal(report.conflicts, 0);
  });
});

describe("changeState's answer: whether the user is now in the state asked for", () => {
  function ctxFor(writer: MemoryWriter, change: Change): { ctx: Ctx; run: ReturnType<typeof runsOf>[number] } {
    const plan = planOf([change]);
    const runs = runsOf(plan);
    const ctx: Ctx = { writer, retrier: new Retrier(DEFAULT_RETRY_POLICY, async () => {}), recorder: new Recorder(1, {}, () => {}), byEmail: new Map(runs.map((r) => [r.email, r])) };
    return { ctx, run: runs[0]! };
  }
  const cases: Array<[string, Partial<OrgUser>, UserState, Array<OrgUser['state']>, boolean, string]> = [
    ['written', { state: 'active', version: 1 }, 'inactive', ['active'], true, 'ok'],
    ['already so', { state: 'inactive', version: 2 }, 'inactive', ['active'], true, 'already-done'],
    ['deleted since the plan', { state: 'deleted', version: 2 }, 'inactive', ['active'], false, 'conflict'],
    ['moved elsewhere since the plan', { state: 'inactive', version: 2 }, 'active', ['deleted'], false, 'conflict'],
  ];
  for (const [name, held, target, from, want, outcome] of cases) {
    it(name, async () => {
      const writer = seeded(held);
      const { ctx, run } = ctxFor(writer, deactivate(1));
      assert.equal(await changeState(ctx, run, target, 'state', from), want);
      assert.deepEqual(ctx.recorder.problems.map((p) => p.outcome), outcome === 'conflict' ? ['conflict'] : []);
    });
  }
});
