// The re-read decision after a refused write, for every field kind × (already done, still pending, changed by someone else): pure, then through apply.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readLags, mayBeDeleted, refusal } from '../../src/apply/conflicts.js';
import { fieldStatus, needsCurrent, PROFILE_FIELDS } from '../../src/apply/fields.js';
import type { FieldStatus } from '../../src/apply/fields.js';
import { applyPlan, isExistingUserConflict, isVersionConflict, judgeFields, stateVerdict, subResourceTrouble } from '../../src/apply/index.js';
import type { ApplyOptions, StateVerdict } from '../../src/apply/index.js';
import type { Change, EmployerInfo, FieldChange, OperationRecord, OrgUser, Phone } from '../../src/model/index.js';
import { apiError, MemoryWriter } from './memory-writer.js';
import { named, planOf, text, update } from './plans.js';

const phone = (number: string, type: Phone['type'] = 'work'): Phone => ({ type, number, mediaType: 'PHONE' });
const employer = (info: EmployerInfo): EmployerInfo => info;
/** Managers planned by email only are created in this run: `new.boss@x.com` got the id `u-new`. */
const resolve = (ref: { email: string; id?: string }): string | undefined => ref.id ?? (ref.email === 'new.boss@x.com' ? 'u-new' : undefined);

function user(fields: Partial<OrgUser>): OrgUser {
  return { id: 'u1', version: 2, email: 'ola@x.com', name: 'Ola', state: 'active', phones: [], ...fields };
}

interface Row {
  name: string;
  change: FieldChange;
  /** The user as re-read: already as the plan wants, still as the plan found it, changed by someone else since. */
  done: Partial<OrgUser>;
  pending: Partial<OrgUser>;
  other: Partial<OrgUser>;
  /** What a change by someone else means for this kind (a conflict, unless the kind is merged or written per item). */
  otherIs?: FieldStatus;
  /** Where a conflict message says what the field holds now. */
  describes?: RegExp;
}

const grant = (roleId: string) => ({ roleId, role: roleId, divisionId: 'd1', division: 'Home' });

const ROWS: Row[] = [
  { name: 'text: title', change: text('title', 'Agent', 'Lead'), done: { title: 'Lead' }, pending: { title: 'Agent' }, other: { title: 'Boss' }, describes: /title is now "Boss"/ },
  { name: 'text: name', change: text('name', 'Ola', 'Ola Lind'), done: { name: 'Ola Lind' }, pending: { name: 'Ola' }, other: { name: 'O. Lind' }, describes: /name is now "O. Lind"/ },
  { name: 'text: department set', change: text('department', null, 'Support'), done: { department: 'Support' }, pending: {}, other: { department: 'Sales' }, describes: /department is now "Sales"/ },
  { name: 'text: department cleared', change: text('department', 'Support', null), done: { department: '' }, pending: { department: 'Support' }, other: { department: 'Sales' } },
  // A bool has no third value: someone else setting it is setting it the planned way.
  { name: 'bool: acdAutoAnswer', change: { field: 'acdAutoAnswer', kind: 'bool', before: false, after: true }, done: { acdAutoAnswer: true }, pending: { acdAutoAnswer: false }, other: { acdAutoAnswer: true }, otherIs: 'done' },
  { name: 'bool: unset counts as false', change: { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true }, done: { acdAutoAnswer: true }, pending: {}, other: { acdAutoAnswer: true }, otherIs: 'done' },
  { name: 'ref: division', change: { field: 'division', kind: 'ref', before: named('d1'), after: named('d2') }, done: { divisionId: 'd2' }, pending: { divisionId: 'd1' }, other: { divisionId: 'd3' } },
  {
    name: 'manager: another existing user',
    change: { field: 'manager', kind: 'manager', before: { email: 'a@x.com', id: 'm1' }, after: { email: 'b@x.com', id: 'm2' } },
    done: { managerId: 'm2' },
    pending: { managerId: 'm1' },
    other: { managerId: 'm3' },
    describes: /manager is now manager id m3/,
  },
  {
    name: 'manager: one created in this run',
    change: { field: 'manager', kind: 'manager', before: null, after: { email: 'new.boss@x.com' } },
    done: { managerId: 'u-new' },
    pending: {},
    other: { managerId: 'm3' },
  },
  {
    name: 'manager: removed',
    change: { field: 'manager', kind: 'manager', before: { email: 'a@x.com', id: 'm1' }, after: null },
    done: {},
    pending: { managerId: 'm1' },
    other: { managerId: 'm3' },
  },
  {
    name: 'phones (in any order)',
    change: { field: 'phones', kind: 'phones', before: [phone('+13175550100')], after: [phone('+13175550101'), phone('+13175550102', 'mobile')] },
    done: { phones: [phone('+13175550102', 'mobile'), phone('+13175550101')] },
    pending: { phones: [phone('+13175550100')] },
    other: { phones: [phone('+13175550199')] },
    describes: /phones is now work\|PHONE\|\+13175550199/,
  },
  {
    name: 'phones: all removed',
    change: { field: 'phones', kind: 'phones', before: [phone('+13175550100')], after: [] },
    done: { phones: [] },
    pending: { phones: [phone('+13175550100')] },
    other: { phones: [phone('+13175550100'), phone('+13175550177', 'home')] },
  },
  {
    name: 'other emails',
    change: { field: 'otherEmails', kind: 'otherEmails', before: [{ type: 'home', address: 'ola@home.example' }], after: [{ type: 'work', address: 'ola@partner.example' }] },
    done: { otherEmails: [{ type: 'work', address: 'ola@partner.example' }] },
    pending: { otherEmails: [{ type: 'home', address: 'ola@home.example' }] },
    other: { otherEmails: [] },
    describes: /otherEmails is now no other emails/,
  },
  {
    name: 'employer info (in any key order)',
    change: { field: 'employerInfo', kind: 'employerInfo', before: employer({ employeeId: 'E1' }), after: employer({ employeeId: 'E2', employeeType: 'Full-time' }) },
    done: { employerInfo: employer({ employeeType: 'Full-time', employeeId: 'E2' }) },
    pending: { employerInfo: employer({ employeeId: 'E1' }) },
    other: { employerInfo: employer({ employeeId: 'E9' }) },
    describes: /employerInfo is now \{"employeeId":"E9"\}/,
  },
  // Lists are merged into what the org holds now: another editor's items are kept, so never a conflict.
  {
    name: 'lists: profile skills',
    change: { field: 'profileSkills', kind: 'strings', add: ['Java'], remove: ['Cobol'] },
    done: { profileSkills: ['Go', 'Java'] },
    pending: { profileSkills: ['Cobol', 'Go'] },
    other: { profileSkills: ['Cobol', 'Go', 'Rust'] },
    otherIs: 'pending',
  },
  {
    name: 'lists: certifications',
    change: { field: 'certifications', kind: 'strings', add: [], remove: ['ITIL'] },
    done: { certifications: ['CCNA'] },
    pending: { certifications: ['CCNA', 'ITIL'] },
    other: { certifications: ['ITIL', 'PMP'] },
    otherIs: 'pending',
  },
  {
    name: 'lists: locations',
    change: { field: 'locations', kind: 'set', add: [named('l3')], remove: [named('l1')] },
    done: { locationIds: ['l2', 'l3'] },
    pending: { locationIds: ['l1', 'l2'] },
    other: { locationIds: ['l1', 'l4'] },
    otherIs: 'pending',
  },
  {
    name: 'lists: a location removed only',
    change: { field: 'locations', kind: 'set', add: [], remove: [named('l1')] },
    done: { locationIds: ['l2'] },
    pending: { locationIds: ['l1', 'l2'] },
    other: { locationIds: ['l1', 'l2', 'l4'] },
    otherIs: 'pending',
  },
  // Written per item with no version: sent as planned, whatever a read shows, touching only the planned items.
  {
    name: 'levels: skills',
    change: { field: 'skills', kind: 'levels', add: [{ id: 's1', name: 'Billing', level: 3 }], change: [{ id: 's2', name: 'Refunds', before: 1, after: 4 }], remove: [{ id: 's3', name: 'Old', level: 2 }] },
    done: { skills: { s1: 3, s2: 4 } },
    pending: { skills: { s2: 1, s3: 2 } },
    other: { skills: { s2: 5, s3: 2, s9: 1 } },
    otherIs: 'pending',
  },
  {
    name: 'grants: roles',
    change: { field: 'roles', kind: 'grants', add: [grant('r-new')], remove: [grant('r-old')] },
    done: { roleGrants: [{ roleId: 'r-new', divisionId: 'd1' }] },
    pending: { roleGrants: [{ roleId: 'r-old', divisionId: 'd1' }] },
    other: { roleGrants: [{ roleId: 'r-old', divisionId: 'd1' }, { roleId: 'r-x', divisionId: 'd1' }] },
    otherIs: 'pending',
  },
  { name: 'state', change: text('state', 'active', 'inactive'), done: { state: 'inactive' }, pending: { state: 'active' }, other: { state: 'deleted' } },
];

/** What each kind answers when already done: written-per-item kinds never judge themselves done. */
const doneIs = (row: Row): FieldStatus => (row.change.kind === 'levels' || row.change.kind === 'grants' ? 'pending' : 'done');

describe('the re-read decision for every field kind', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      assert.equal(fieldStatus(row.change, user(row.done), resolve), doneIs(row), 'already done');
      assert.equal(fieldStatus(row.change, user(row.pending), resolve), 'pending', 'still pending');
      assert.equal(fieldStatus(row.change, user(row.other), resolve), row.otherIs ?? 'conflict', 'changed by someone else');
      // The same, as apply sorts the fields of a refused PATCH: conflicts say what the field holds now.
      const verdict = judgeFields([row.change], user(row.other), resolve);
      assert.equal(verdict.conflicts.length, (row.otherIs ?? 'conflict') === 'conflict' ? 1 : 0);
      assert.equal(verdict.pending.length, (row.otherIs ?? 'conflict') === 'pending' ? 1 : 0);
      if (row.describes) assert.match(verdict.conflicts[0] ?? '', row.describes);
    });
  }

  it('a list, employer info or locations the re-read left out is a conflict: never written over a value not seen', () => {
    for (const row of ROWS.filter((r) => ['profileSkills', 'certifications', 'locations', 'employerInfo'].includes(r.change.field))) {
      assert.equal(fieldStatus(row.change, user({ ...row.pending, unknown: [row.change.field as 'locations'] }), resolve), 'conflict', row.name);
    }
  });

  it('several fields at once: done ones dropped, pending kept in order, each conflict named', () => {
    const first = (field: string): FieldChange => ROWS.find((r) => r.change.field === field)!.change;
    const fields = [first('title'), first('manager'), first('phones'), first('department')];
    const current = user({ title: 'Lead', managerId: 'm3', phones: [phone('+13175550100')] });
    const verdict = judgeFields(fields, current, resolve);
    assert.deepEqual(verdict.pending.map((f) => f.field), ['phones', 'department']);
    assert.deepEqual(verdict.conflicts, ['manager is now manager id m3']);
  });
});

describe('the re-read decision for a state change', () => {
  const cases: Array<[string, Pick<OrgUser, 'state' | 'version'>, { target: 'active' | 'inactive'; from: Array<OrgUser['state']> }, StateVerdict]> = [
    ['deactivate: already inactive', { state: 'inactive', version: 3 }, { target: 'inactive', from: ['active'] }, { kind: 'done' }],
    ['deactivate: still active, version moved', { state: 'active', version: 3 }, { target: 'inactive', from: ['active'] }, { kind: 'moved', version: 3 }],
    ['deactivate: still active, the version refused', { state: 'active', version: 2 }, { target: 'inactive', from: ['active'] }, { kind: 'stalled' }],
    ['deactivate: deleted since the plan', { state: 'deleted', version: 3 }, { target: 'inactive', from: ['active'] }, { kind: 'deleted' }],
    ['activate: already active', { state: 'active', version: 3 }, { target: 'active', from: ['inactive'] }, { kind: 'done' }],
    ['activate: still inactive', { state: 'inactive', version: 3 }, { target: 'active', from: ['inactive'] }, { kind: 'moved', version: 3 }],
    ['activate: deleted since the plan', { state: 'deleted', version: 3 }, { target: 'active', from: ['inactive'] }, { kind: 'deleted' }],
    ['restore: already active', { state: 'active', version: 3 }, { target: 'active', from: ['deleted', 'inactive'] }, { kind: 'done' }],
    ['restore: still deleted', { state: 'deleted', version: 3 }, { target: 'active', from: ['deleted', 'inactive'] }, { kind: 'moved', version: 3 }],
    ['restore: brought back inactive', { state: 'inactive', version: 3 }, { target: 'active', from: ['deleted', 'inactive'] }, { kind: 'moved', version: 3 }],
    ['restore of a user a create met: switched off by someone else meanwhile', { state: 'inactive', version: 3 }, { target: 'active', from: ['deleted'] }, { kind: 'elsewhere', state: 'inactive' }],
  ];
  for (const [name, current, change, want] of cases) it(name, () => assert.deepEqual(stateVerdict(current, { ...change, version: 2 }), want));
});

describe('which answers are version refusals, and which 404s ask for a read', () => {
  const cases: Array<[string, ReturnType<typeof apiError>, boolean]> = [
    ['409 general.conflict', apiError(409, 'general.conflict', 'The version number of the modified resource must match the version number in the database.'), true],
    ['400 "version … must match"', apiError(400, 'bad.request', 'The version number of the modified resource must match the version number in the database.'), true],
    ['400 "does not match the current version"', apiError(400, 'bad.request', 'The user version does not match the current version. Retry the request.'), true],
    ['400 about something else', apiError(400, 'bad.request', 'The title may not be longer than 200 characters.'), false],
    ['400 naming a version only', apiError(400, 'bad.request', 'Unsupported API version.'), false],
    ['412 "version must match"', apiError(412, 'precondition.failed', 'The version must match.'), false],
    ['404', apiError(404, 'not.found', 'The user was not found.'), false],
  ];
  for (const [name, error, want] of cases) {
    it(name, () => {
      assert.equal(isVersionConflict(error), want);
      assert.equal(subResourceTrouble(error), want ? 'conflict' : undefined);
    });
  }

  it('a create refused because the email is taken', () => {
    assert.equal(isExistingUserConflict(apiError(409, 'general.conflict', 'Another user already has email a@x.com.')), true);
    assert.equal(isExistingUserConflict(apiError(400, 'bad.request', 'conflicting users: the email is in use')), true);
    assert.equal(isExistingUserConflict(apiError(400, 'bad.request', 'The name may not be empty.')), false);
    assert.equal(isExistingUserConflict(new Error('conflict')), false);
  });

  it('a 404 asks for a read of a user that existed at plan time, never of one this run created', () => {
    const notFound = apiError(404, 'not.found', 'gone');
    assert.equal(mayBeDeleted(notFound, { id: 'u1', fresh: false }), true);
    assert.equal(mayBeDeleted(notFound, { id: 'u1', fresh: true }), false);
    assert.equal(mayBeDeleted(notFound, { fresh: false }), false);
    assert.equal(mayBeDeleted(apiError(403, 'missing.permissions', 'no'), { id: 'u1', fresh: false }), false);
  });

  it('a read lags when older than a version the org held, or a 404 for a user known to exist', () => {
    assert.equal(readLags({ user: { version: 2 } }, 3), true);
    assert.equal(readLags({ user: { version: 3 } }, 3), false);
    assert.equal(readLags({ user: { version: 1 } }, undefined), false);
    assert.equal(readLags({ error: apiError(404, 'not.found', 'gone') }, 3), true);
    assert.equal(readLags({ error: apiError(500, 'internal', 'boom', true) }, 3), false);
    assert.equal(refusal(4, 4), 'stalled');
    assert.equal(refusal(5, 4), 'moved');
  });
});

// ---- through apply: the PATCH refused with a 409 (or the 400), the user re-read, each kind judged -------------------

const fast: ApplyOptions = { concurrency: 2, sleep: async () => {}, findRetry: { attempts: 2, delayMs: 0 } };

/** The PATCH fields of one user's value as MemoryWriter keeps it, to compare before and after. */
function valueOf(u: OrgUser | undefined, field: FieldChange['field']): unknown {
  if (!u) return undefined;
  if (field === 'manager') return u.managerId ?? null;
  if (field === 'locations') return u.locationIds;
  return (u as unknown as Record<string, unknown>)[field] ?? null;
}

/** The kinds one PATCH carries; a manager created in the same run has its own test (engine.test.ts). */
const PATCHED = ROWS.filter((r) => PROFILE_FIELDS.has(r.change.field) && !(r.change.kind === 'manager' && r.change.after?.id === undefined && r.change.after !== null));

/** The org's user at version 2 (someone saved it after the plan, at version 1), holding `fields`. */
function seeded(fields: Partial<OrgUser>): MemoryWriter {
  const writer = new MemoryWriter();
  for (const id of ['m1', 'm2', 'm3', 'u-new']) writer.seed({ id, email: `${id}@x.com` });
  writer.seed({ id: 'u1', email: 'ola@x.com', name: 'Ola', title: 'Agent', ...fields, version: 2 });
  return writer;
}

async function applyOne(writer: MemoryWriter, change: FieldChange, refusal?: ReturnType<typeof apiError>): Promise<{ report: Awaited<ReturnType<typeof applyPlan>>; journal: OperationRecord[] }> {
  if (refusal) {
    // The version check answers as Genesys sometimes does: a 400 instead of the 409.
    let first = true;
    writer.interceptors.push((call) => {
      if (call.method !== 'patchUser' || !first) return undefined;
      first = false;
      return refusal;
    });
  }
  const journal: OperationRecord[] = [];
  const report = await applyPlan(planOf([update('ola@x.com', 'u1', 1, [change])]), writer, { ...fast, journal: (r) => journal.push(r) });
  return { report, journal };
}

describe('through apply: a user saved by someone else between plan and apply', () => {
  for (const row of PATCHED) {
    it(`${row.name}: already done → counted done; still pending → written; changed by someone else → ${row.otherIs ?? 'conflict'}`, async () => {
      // Lists are sent whole, so they are read before the PATCH: judged then, not after a refusal.
      const readFirst = needsCurrent([row.change]);
      const done = seeded(row.done);
      const a = await applyOne(done, row.change);
      assert.equal(a.report.failed, 0, JSON.stringify(a.report.problems));
      assert.deepEqual(a.journal.map((r) => r.outcome), ['already-done']);
      assert.equal(done.callsOf('patchUser').length, readFirst ? 0 : 1, 'nothing written, but for the refused PATCH');

      const pending = seeded(row.pending);
      const b = await applyOne(pending, row.change);
      assert.equal(b.report.failed, 0, JSON.stringify(b.report.problems));
      assert.deepEqual(pending.callsOf('patchUser').map((c) => c.args[1]), readFirst ? [2] : [1, 2], 'written with the version read');
      assert.equal(fieldStatus(row.change, pending.users.get('u1')!, resolve), 'done', 'written');

      const other = seeded(row.other);
      const before = valueOf(other.users.get('u1'), row.change.field);
      const c = await applyOne(other, row.change);
      if ((row.otherIs ?? 'conflict') === 'conflict') {
        assert.equal(c.report.conflicts, 1);
        assert.equal(c.report.failed, 1);
        assert.deepEqual(valueOf(other.users.get('u1'), row.change.field), before, 'never overwritten');
        assert.equal(other.callsOf('patchUser').length, readFirst ? 0 : 1);
        assert.match(c.report.problems[0]?.message ?? '', /changed in the org since the plan, not overwritten: .*Re-plan/);
        assert.equal(c.report.problems[0]?.status, 409);
      } else {
        assert.equal(c.report.conflicts, 0, JSON.stringify(c.report.problems));
        assert.equal(fieldStatus(row.change, other.users.get('u1')!, resolve), 'done');
      }
    });
  }

  it('lists: the removal is applied and what someone else added meanwhile is kept', async () => {
    const writer = seeded({ profileSkills: ['Cobol', 'Go', 'Rust'], certifications: ['ITIL', 'PMP'], locationIds: ['l1', 'l2', 'l4'] });
    const fields: FieldChange[] = [
      { field: 'profileSkills', kind: 'strings', add: [], remove: ['Cobol'] },
      { field: 'certifications', kind: 'strings', add: [], remove: ['ITIL'] },
      { field: 'locations', kind: 'set', add: [], remove: [named('l1')] },
    ];
    const report = await applyPlan(planOf([update('ola@x.com', 'u1', 1, fields)]), writer, fast);
    assert.equal(report.failed, 0);
    const u = writer.users.get('u1')!;
    assert.deepEqual({ profileSkills: u.profileSkills, certifications: u.certifications, locations: u.locationIds }, { profileSkills: ['Go', 'Rust'], certifications: ['PMP'], locations: ['l2', 'l4'] });
  });

  it('skills and roles: ours are written per item, and the ones someone else added meanwhile are kept', async () => {
    const writer = seeded({ skills: { s2: 5, s3: 2, s9: 1 }, roleGrants: [{ roleId: 'r-old', divisionId: 'd1' }, { roleId: 'r-x', divisionId: 'd1' }] });
    const fields = ROWS.filter((r) => r.change.kind === 'levels' || r.change.kind === 'grants').map((r) => r.change);
    const report = await applyPlan(planOf([update('ola@x.com', 'u1', 1, fields)]), writer, fast);
    assert.equal(report.failed, 0);
    const u = writer.users.get('u1')!;
    assert.deepEqual(u.skills, { s1: 3, s2: 4, s9: 1 });
    assert.deepEqual(u.roleGrants, [{ roleId: 'r-x', divisionId: 'd1' }, { roleId: 'r-new', divisionId: 'd1' }]);
  });

  const version400 = (): ReturnType<typeof apiError> => apiError(400, 'bad.request', 'The version number of the modified resource must match the version number in the database.');

  it('the 400 "version … must match" answer is a refusal like the 409: re-read, then a conflict or a retry', async () => {
    const title = PATCHED[0]!;
    // At the plan's own version, as a spurious refusal: the same version is tried again after a wait.
    const spurious = seeded(title.pending);
    spurious.users.get('u1')!.version = 1;
    const a = await applyOne(spurious, title.change, version400());
    assert.equal(a.report.failed, 0, JSON.stringify(a.report.problems));
    assert.equal(spurious.users.get('u1')?.title, 'Lead');
    // Someone else changed the title: a conflict that quotes the 400, never a failure of another kind.
    const other = seeded(title.other);
    other.users.get('u1')!.version = 1;
    other.interceptors.push((call, w) => {
      if (call.method === 'patchUser') w.users.get('u1')!.version = 2;
      return undefined;
    });
    const b = await applyOne(other, title.change, version400());
    assert.equal(b.report.conflicts, 1);
    assert.equal(b.report.problems[0]?.outcome, 'conflict');
    assert.equal(b.report.problems[0]?.status, 400);
    assert.equal(other.users.get('u1')?.title, 'Boss');
  });

  it('a 400 of another kind is a failure, not a refusal: no re-read, no retry', async () => {
    const writer = seeded({ title: 'Agent' });
    writer.users.get('u1')!.version = 1;
    const { report } = await applyOne(writer, PATCHED[0]!.change, apiError(400, 'bad.request', 'The title may not be longer than 200 characters.'));
    assert.equal(report.failed, 1);
    assert.equal(report.conflicts, 0);
    assert.equal(writer.callsOf('getUser').length, 0);
  });
});

describe('through apply: state changes against a user someone else moved', () => {
  const deactivate = (version: number): Change => ({ action: 'deactivate', email: 'ola@x.com', name: 'Ola', id: 'u1', version, fields: [] });
  const activate = (version: number): Change => update('ola@x.com', 'u1', version, [text('state', 'inactive', 'active'), text('title', 'Agent', 'Lead')]);
  const restore = (version: number): Change => ({ action: 'restore', email: 'ola@x.com', name: 'Ola', id: 'u1', version, fields: [text('title', 'Agent', 'Lead')] });
  const cases: Array<{ name: string; change: Change; now: OrgUser['state']; outcome: string; state: OrgUser['state']; written: boolean }> = [
    { name: 'deactivate, already inactive: done', change: deactivate(1), now: 'inactive', outcome: 'already-done', state: 'inactive', written: false },
    { name: 'deactivate, still active at a new version: written', change: deactivate(1), now: 'active', outcome: 'ok', state: 'inactive', written: true },
    { name: 'deactivate, deleted since the plan: a conflict, never brought back', change: deactivate(1), now: 'deleted', outcome: 'conflict', state: 'deleted', written: false },
    { name: 'activate, already active: done', change: activate(1), now: 'active', outcome: 'already-done', state: 'active', written: false },
    { name: 'activate, still inactive at a new version: written', change: activate(1), now: 'inactive', outcome: 'ok', state: 'active', written: true },
    { name: 'activate, deleted since the plan: a conflict, never brought back', change: activate(1), now: 'deleted', outcome: 'conflict', state: 'deleted', written: false },
    { name: 'restore, already active: done', change: restore(1), now: 'active', outcome: 'already-done', state: 'active', written: false },
    { name: 'restore, still deleted at a new version (found by search): written', change: restore(1), now: 'deleted', outcome: 'ok', state: 'active', written: true },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const writer = new MemoryWriter();
      writer.seed({ id: 'u1', email: 'ola@x.com', name: 'Ola', title: 'Agent', state: c.now, version: 2 });
      const journal: OperationRecord[] = [];
      const report = await applyPlan(planOf([c.change]), writer, { ...fast, journal: (r) => journal.push(r) });
      const first = journal.find((r) => ['deactivate', 'activate', 'restore'].includes(r.operation));
      assert.equal(first?.outcome, c.outcome, JSON.stringify(journal));
      assert.equal(writer.users.get('u1')?.state, c.state);
      assert.deepEqual(writer.callsOf('setUserState').map((call) => call.args[1]), c.written ? [1, 2] : [1]);
      if (c.outcome === 'conflict') {
        assert.equal(report.conflicts, 1);
        assert.match(first?.message ?? '', /deleted in the org since the plan/);
        assert.equal(writer.callsOf('patchUser').length, 0, 'nothing else written for the user');
      }
    });
  }

  it('a deleted user is found through search after the plain read answers 404 (the 404 → search path)', async () => {
    const writer = new MemoryWriter();
    writer.seed({ id: 'u1', email: 'ola@x.com', state: 'deleted', version: 2 });
    await applyPlan(planOf([deactivate(1)]), writer, fast);
    assert.deepEqual(writer.calls.map((c) => c.method), ['setUserState', 'getUser', 'findUserByEmail']);
  });

  it('a user gone from search too (another user holds the email): the 404 says deleted since the plan', async () => {
    const writer = new MemoryWriter();
    writer.seed({ id: 'u1', email: 'ola@x.com', version: 2 });
    writer.interceptors.push((call) => (call.method === 'getUser' ? apiError(404, 'not.found', 'User u1 not found') : undefined));
    writer.searchable.delete('u1');
    const report = await applyPlan(planOf([deactivate(1)]), writer, fast);
    assert.equal(report.conflicts, 1);
    assert.match(report.problems[0]?.message ?? '', /deleted in the org since the plan/);
    assert.equal(writer.users.get('u1')?.state, 'active');
  });

  it('a create that meets a deleted user someone switches back on as inactive meanwhile: a conflict, left inactive', async () => {
    const writer = new MemoryWriter();
    writer.seed({ id: 'old', email: 'ola@x.com', name: 'ola', title: 'Lead', state: 'deleted', version: 4 });
    let first = true;
    writer.interceptors.push((call, w) => {
      if (call.method !== 'setUserState' || !first) return undefined;
      first = false;
      Object.assign(w.users.get('old')!, { state: 'inactive', version: 5 });
      return apiError(409, 'general.conflict', 'The version number of the modified resource must match the version number in the database.');
    });
    const report = await applyPlan(planOf([{ action: 'create', email: 'ola@x.com', name: 'ola', fields: [text('name', null, 'ola'), text('title', null, 'Lead')] }]), writer, fast);
    assert.equal(report.conflicts, 1);
    assert.match(report.problems[0]?.message ?? '', /the user is now inactive \(changed since the plan\); not overwritten/);
    assert.equal(writer.users.get('old')?.state, 'inactive');
    assert.equal(writer.callsOf('setUserState').length, 1);
    assert.equal(writer.callsOf('patchUser').length, 0);
  });

  it('a failed restore skips the rest of the user, and says so', async () => {
    const writer = new MemoryWriter();
    writer.seed({ id: 'u1', email: 'ola@x.com', state: 'deleted', version: 1, skills: {} });
    writer.interceptors.push((call) => (call.method === 'setUserState' ? apiError(403, 'missing.permissions', 'Missing directory:user:edit') : undefined));
    const change: Change = { action: 'restore', email: 'ola@x.com', name: 'Ola', id: 'u1', version: 1, fields: [text('title', 'Agent', 'Lead'), { field: 'skills', kind: 'levels', add: [{ id: 's1', name: 'Billing', level: 3 }], change: [], remove: [] }, { field: 'queues', kind: 'set', add: [named('q1')], remove: [] }] };
    const report = await applyPlan(planOf([change]), writer, fast);
    assert.deepEqual(writer.calls.map((c) => c.method), ['setUserState'], 'nothing after the failed restore');
    assert.deepEqual(report.problems.map((p) => `${p.operation} ${p.outcome}`), ['restore failed', 'title, skills, queues skipped']);
    assert.match(report.problems[1]?.message ?? '', /skipped: the restore did not succeed/);
  });
});
