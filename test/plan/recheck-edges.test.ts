// The saved-plan checks at their edges: the org it was made for, each field kind's ids against their labels (and where a missing object is accepted), the JSON pointer of each refusal, what is read for them, the checksum's canonical JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change, FieldChange, OrgTarget, OrgUser, Plan, ProvisionConfig } from '../../src/model/index.js';
import { canonicalJson, planTargetMismatch, recheckSavedPlan, savedPlanReadRequest, verifyChecksum } from '../../src/plan/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

function planOf(changes: Change[]): Plan {
  return {
    formatVersion: 1,
    target: { environment: 'mypurecloud.ie', orgId: 'org-1', orgName: 'Acme Support' },
    inputsDigest: 'digest-1',
    changes,
    summary: { create: 0, update: changes.length, restore: 0, deactivate: 0, unchanged: 0, unmanaged: 0 },
    warnings: [],
    safety: { blocked: false, violations: [], overridden: false },
    readCalls: 0,
    checksum: '',
  };
}

const users: OrgUser[] = [orgUser('u-ola', 'ola@acme.com'), orgUser('u-grace', 'grace@acme.com'), orgUser('u-old', 'old@acme.com', { state: 'deleted' })];
const org = orgState(users);
const title: FieldChange = { field: 'title', kind: 'text', before: 'A', after: 'B' };

/** The issues of a plan whose second change (for grace) carries `field` after a title change. */
function issuesOf(field: FieldChange): string[] {
  const changes: Change[] = [
    { action: 'update', email: 'ola@acme.com', name: 'Ola', id: 'u-ola', version: 1, fields: [title] },
    { action: 'update', email: 'grace@acme.com', name: 'Grace', id: 'u-grace', version: 1, fields: [title, field] },
  ];
  const { issues } = recheckSavedPlan({ plan: planOf(changes), org, desired: desiredState([]), config: config(), allowUnsafe: false, file: 'plan.json' });
  for (const issue of issues) {
    assert.equal(issue.severity, 'error');
    assert.equal(issue.file, 'plan.json');
  }
  return issues.map((i) => `${i.code} ${i.message}`);
}

const home = { id: 'd-home', name: 'Home' };
const support = { id: 'd-support', name: 'Support' };
const gone = (id: string) => ({ id, name: id });

describe('recheckSavedPlan, field kind by field kind', () => {
  const at = '/changes/1/fields/1';
  const cases: Array<{ name: string; field: FieldChange; issues: string[] }> = [
    { name: 'a division move from a division deleted since', field: { field: 'division', kind: 'ref', before: gone('d-gone'), after: support }, issues: [] },
    { name: 'a division set where there was none', field: { field: 'division', kind: 'ref', before: null, after: support }, issues: [] },
    {
      name: 'a division move from a relabelled division',
      field: { field: 'division', kind: 'ref', before: { id: 'd-home', name: 'Sales' }, after: support },
      issues: [`plan-label-mismatch grace@acme.com division: division id d-home is "Home" in the org, but the plan shows "Sales" (${at}/before).`],
    },
    {
      name: 'a division move to a division the org does not have',
      field: { field: 'division', kind: 'ref', before: home, after: gone('d-gone') },
      issues: [`plan-unknown-id grace@acme.com division: the plan shows division "d-gone" with the id d-gone, which the org does not have (${at}/after).`],
    },
    {
      name: 'a manager whose id is another user',
      field: { field: 'manager', kind: 'manager', before: { email: 'grace@acme.com', id: 'u-ola' }, after: { email: 'Ola@Acme.com', id: 'u-ola' } },
      issues: [`plan-label-mismatch grace@acme.com manager: manager id u-ola is ola@acme.com in the org, but the plan shows grace@acme.com (${at}/before).`],
    },
    {
      name: 'a manager relabelled in the after',
      field: { field: 'manager', kind: 'manager', before: null, after: { email: 'old@acme.com', id: 'u-ola' } },
      issues: [`plan-label-mismatch grace@acme.com manager: manager id u-ola is ola@acme.com in the org, but the plan shows old@acme.com (${at}/after).`],
    },
    { name: 'a manager deleted since, a manager the planner could not read, none', field: { field: 'manager', kind: 'manager', before: { email: 'unknown user u-grace', id: 'u-grace' }, after: { email: 'x@acme.com', id: 'u-x' } }, issues: [] },
    { name: 'a manager created in the same run (no id yet)', field: { field: 'manager', kind: 'manager', before: null, after: { email: 'new@acme.com' } }, issues: [] },
    {
      name: 'queues: an unknown one given, an unknown one taken away by its id, one taken away under a name',
      field: { field: 'queues', kind: 'set', add: [gone('q-gone')], remove: [{ id: 'q-1', name: 'Support - Tier 1' }, gone('q-old'), { id: 'q-older', name: 'Old Queue' }] },
      issues: [
        `plan-unknown-id grace@acme.com queues: the plan shows queue "q-gone" with the id q-gone, which the org does not have (${at}/add/0).`,
        `plan-unknown-id grace@acme.com queues: the plan shows queue "Old Queue" with the id q-older, which the org does not have (${at}/remove/2).`,
      ],
    },
    {
      name: 'groups: relabelled in the removals',
      field: { field: 'groups', kind: 'set', add: [], remove: [gone('g-old'), { id: 'g-leads', name: 'Old Leads' }] },
      issues: [`plan-label-mismatch grace@acme.com groups: group id g-leads is "Team Leads" in the org, but the plan shows "Old Leads" (${at}/remove/1).`],
    },
    {
      name: 'grants: unknown role and division given, the same taken away',
      field: {
        field: 'roles',
        kind: 'grants',
        add: [{ roleId: 'r-user', role: 'User', divisionId: 'd-home', division: 'Home' }, { roleId: 'r-gone', role: 'r-gone', divisionId: 'd-gone', division: 'd-gone' }],
        remove: [{ roleId: 'r-gone', role: 'r-gone', divisionId: 'd-gone', division: 'd-gone' }],
      },
      issues: [
        `plan-unknown-id grace@acme.com roles: the plan shows role "r-gone" with the id r-gone, which the org does not have (${at}/add/1/roleId).`,
        `plan-unknown-id grace@acme.com roles: the plan shows division "d-gone" with the id d-gone, which the org does not have (${at}/add/1/divisionId).`,
      ],
    },
    {
      name: 'grants: a revoked grant in a relabelled division',
      field: { field: 'roles', kind: 'grants', add: [], remove: [{ roleId: 'r-user', role: 'User', divisionId: 'd-sales', division: 'Support' }] },
      issues: [`plan-label-mismatch grace@acme.com roles: division id d-sales is "Sales" in the org, but the plan shows "Support" (${at}/remove/0/divisionId).`],
    },
    {
      name: 'skills: a level changed on an unknown skill, one relabelled in the removals',
      field: {
        field: 'skills',
        kind: 'levels',
        add: [],
        change: [{ id: 's-chat', name: 'Chat', before: 1, after: 2 }, { id: 's-gone', name: 's-gone', before: 1, after: 2 }],
        remove: [{ id: 's-old', name: 's-old', level: 1 }, { id: 's-billing', name: 'Chat', level: 3 }],
      },
      issues: [
        `plan-unknown-id grace@acme.com skills: the plan shows skill "s-gone" with the id s-gone, which the org does not have (${at}/change/1).`,
        `plan-label-mismatch grace@acme.com skills: skill id s-billing is "Billing" in the org, but the plan shows "Chat" (${at}/remove/1).`,
      ],
    },
    {
      name: 'languages: an unknown one given',
      field: { field: 'languages', kind: 'levels', add: [{ id: 'l-en', name: 'English', level: 3 }, { id: 'l-gone', name: 'l-gone', level: 3 }], change: [], remove: [] },
      issues: [`plan-unknown-id grace@acme.com languages: the plan shows language "l-gone" with the id l-gone, which the org does not have (${at}/add/1).`],
    },
    { name: 'values with no ids', field: { field: 'profileSkills', kind: 'strings', add: ['x'], remove: ['y'] }, issues: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(issuesOf(c.field), c.issues));
  }

  it('the hints say what each refusal means', () => {
    const { issues } = recheckSavedPlan({
      plan: planOf([{ action: 'update', email: 'grace@acme.com', name: 'Grace', id: 'u-grace', version: 1, fields: [{ field: 'division', kind: 'ref', before: { id: 'd-home', name: 'Sales' }, after: gone('d-gone') }] }]),
      org,
      desired: desiredState([]),
      config: config(),
      allowUnsafe: false,
      file: 'plan.json',
    });
    assert.deepEqual(issues.map((i) => [i.code, i.hint]), [
      ['plan-label-mismatch', 'The file says one thing and would do another: it was edited, or the org renamed the object since the plan. Plan again and review.'],
      ['plan-unknown-id', 'The org has no such object (deleted since the plan, or the file was edited). Plan again and review.'],
    ]);
  });

  it('a create has no user id to check; deleted users are not live', () => {
    const create: Change = { action: 'create', email: 'new@acme.com', name: 'New', fields: [title] };
    const result = recheckSavedPlan({ plan: planOf([create]), org, desired: desiredState([]), config: config(), allowUnsafe: false, file: 'plan.json' });
    assert.deepEqual(result.issues, []);
    assert.deepEqual([...result.liveUserIds].sort(), ['u-grace', 'u-ola']);
  });
});

describe('savedPlanReadRequest', () => {
  const update = (email: string, fields: FieldChange[]): Change => ({ action: 'update', email, name: email, id: `u-${email}`, version: 1, fields });
  const state = (after: string): FieldChange => ({ field: 'state', kind: 'text', before: 'deleted', after });
  const grants: FieldChange = { field: 'roles', kind: 'grants', add: [], remove: [{ roleId: 'r-user', role: 'User', divisionId: 'd-home', division: 'Home' }] };
  const withAdmins = (adminRoles: string[]): ProvisionConfig => config({ safety: { adminRoles } });
  const request = (changes: Change[], cfg = withAdmins(['Master Admin']), users = desiredState([])) => savedPlanReadRequest(planOf(changes), users, cfg);

  it('nothing about roles: no grants read, and nothing else ever', () => {
    assert.deepEqual(request([update('a@acme.com', [title, state('active'), { field: 'title', kind: 'text', before: null, after: 'inactive' }])]), {
      emails: [],
      queueNames: [],
      roles: false,
      roleEmails: [],
      allQueues: false,
    });
  });

  it('a deactivation, or a user restored or created inactive, reads grants for the last-admin rule, unless no role is an admin role', () => {
    const deactivate: Change = { action: 'deactivate', email: 'a@acme.com', name: 'A', id: 'u-a', version: 1, fields: [], reason: 'pruned' };
    const restore: Change = { ...update('b@acme.com', [state('inactive')]), action: 'restore' };
    assert.equal(request([deactivate]).roles, true);
    assert.equal(request([restore]).roles, true);
    assert.equal(request([deactivate], withAdmins([])).roles, false);
    assert.deepEqual(request([deactivate]).roleEmails, []);
  });

  it('the users whose roles change, in the plan or in users/, sorted', () => {
    const desired = desiredState([desiredUser('c@acme.com', { roles: [] }), desiredUser('d@acme.com'), desiredUser('a@acme.com', { roles: [{ role: 'User' }] })]);
    const got = request([update(' B@Acme.com', [title, grants])], withAdmins([]), desired);
    assert.equal(got.roles, true);
    assert.deepEqual(got.roleEmails, ['a@acme.com', 'b@acme.com', 'c@acme.com']);
    assert.equal(request([update('b@acme.com', [grants])], withAdmins([])).roles, true);
  });
});

describe('the checksum\'s canonical JSON', () => {
  it('writes undefined and functions as JSON.stringify does in an array: null', () => {
    assert.equal(canonicalJson([1, undefined, () => 1, null]), '[1,null,null,null]');
    assert.equal(canonicalJson(undefined), 'null');
  });

  it('no plan, or a checksum that is not a string, does not verify', () => {
    assert.equal(verifyChecksum(null as unknown as Plan), false);
    assert.equal(verifyChecksum(undefined as unknown as Plan), false);
    const plan = planOf([]);
    assert.equal(verifyChecksum({ ...plan, checksum: 5 } as unknown as Plan), false);
  });
});

describe('planTargetMismatch: only the org the plan was made for', () => {
  const local = (environment: string): boolean => environment.startsWith('http://');
  const planned: OrgTarget = { environment: 'mypurecloud.ie', orgId: 'org-1', orgName: 'Acme Support' };

  const cases: Array<{ name: string; reached: OrgTarget; planned?: OrgTarget; refused: boolean }> = [
    { name: 'the same org in the same environment', reached: { ...planned }, refused: false },
    { name: 'the same org renamed since', reached: { ...planned, orgName: 'Acme Care' }, refused: false },
    { name: 'another org in the same environment', reached: { ...planned, orgId: 'org-2', orgName: 'Acme Support' }, refused: true },
    { name: 'the same org id in another environment', reached: { ...planned, environment: 'mypurecloud.com' }, refused: true },
    { name: 'a sandbox on another port, same org', planned: { ...planned, environment: 'http://127.0.0.1:4001' }, reached: { ...planned, environment: 'http://127.0.0.1:4002' }, refused: false },
    { name: 'a sandbox on another port, another org', planned: { ...planned, environment: 'http://127.0.0.1:4001' }, reached: { ...planned, environment: 'http://127.0.0.1:4002', orgId: 'org-2' }, refused: true },
    { name: 'a plan from a sandbox, applied to a region', planned: { ...planned, environment: 'http://127.0.0.1:4001' }, reached: { ...planned }, refused: true },
    { name: 'a plan from a region, applied to a sandbox', reached: { ...planned, environment: 'http://127.0.0.1:4001' }, refused: true },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.refused ? 'refused' : 'applies'}`, () => {
      assert.equal(planTargetMismatch(c.planned ?? planned, c.reached, local) !== undefined, c.refused);
    });
  }

  it('the refusal names both orgs and both environments', () => {
    assert.equal(
      planTargetMismatch(planned, { environment: 'mypurecloud.com', orgId: 'org-2', orgName: 'Other' }, local),
      'planned for org "Acme Support" (org-1) in mypurecloud.ie, but the credentials reach "Other" (org-2) in mypurecloud.com',
    );
  });
});
