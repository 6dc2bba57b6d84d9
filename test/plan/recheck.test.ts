// A saved plan re-checked against the org: every kind of id against its label, stale users, and the safety rules afresh.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change, FieldChange, Plan } from '../../src/model/index.js';
import { buildPlan, recheckSavedPlan, savedPlanReadRequest } from '../../src/plan/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

const org = orgState([
  orgUser('u-ola', 'ola@acme.com', { roleGrants: [{ roleId: 'r-sup', divisionId: 'd-support' }] }),
  orgUser('u-grace', 'grace@acme.com', { roleGrants: [{ roleId: 'r-admin', divisionId: 'd-home' }] }),
  orgUser('u-nina', 'nina@acme.com', { skills: { 's-billing': 2, 's-gone': 1 }, groupIds: ['g-leads'], roleGrants: [{ roleId: 'r-emp', divisionId: 'd-home' }] }),
  orgUser('u-temp', 'temp@acme.com', { divisionId: 'd-support' }),
]);
const desired = desiredState([
  desiredUser('ola@acme.com'),
  desiredUser('grace@acme.com'),
  desiredUser('nina@acme.com', {
    division: 'Support',
    manager: 'ola@acme.com',
    roles: [{ role: 'employee' }, { role: 'Supervisor', division: 'Support' }],
    skills: { Chat: 3 },
    languages: { English: 4 },
    queues: ['Support - Tier 1'],
    groups: ['Support Team'],
    locations: ['Dublin Office'],
  }),
  desiredUser('new@acme.com', { manager: 'nina@acme.com', roles: [{ role: 'employee' }] }),
]);
const settings = config({ scope: { divisions: ['Support'], prune: true }, safety: { protectedUsers: ['grace@acme.com'] } });

function honest(): Plan {
  const { plan, errors } = buildPlan({ desired, org, config: settings });
  assert.deepEqual(errors, []);
  return plan;
}

function edited(edit: (plan: Plan) => void): Plan {
  const plan = structuredClone(honest());
  edit(plan);
  return plan;
}

function changeOf(plan: Plan, email: string): Change {
  const change = plan.changes.find((c) => c.email === email);
  assert.ok(change, email);
  return change;
}

function fieldOf<K extends FieldChange['kind']>(plan: Plan, email: string, kind: K): Extract<FieldChange, { kind: K }> {
  const field = changeOf(plan, email).fields.find((f) => f.kind === kind);
  assert.ok(field, `${email} ${kind}`);
  return field as Extract<FieldChange, { kind: K }>;
}

const recheck = (plan: Plan, allowUnsafe = false) => recheckSavedPlan({ plan, org, desired, config: settings, allowUnsafe, file: 'plan.json' });

describe('recheckSavedPlan: ids against labels', () => {
  it('the honest plan passes, with every kind of id in it', () => {
    const plan = honest();
    const kinds = new Set(plan.changes.flatMap((c) => c.fields.map((f) => f.kind)));
    for (const kind of ['ref', 'manager', 'grants', 'levels', 'set'] as const) assert.ok(kinds.has(kind), kind);
    assert.ok(fieldOf(plan, 'nina@acme.com', 'levels').remove.some((l) => l.id === 's-gone' && l.name === 's-gone'), 'a skill the look-ups do not list keeps its id as its name');
    assert.deepEqual(recheck(plan).issues, []);
  });

  const cases: Array<{ name: string; edit: (plan: Plan) => void; code: 'plan-label-mismatch' | 'plan-unknown-id'; says: RegExp }> = [
    {
      name: 'a role id swapped under its label',
      edit: (p) => {
        fieldOf(p, 'new@acme.com', 'grants').add[0]!.roleId = 'r-admin';
      },
      code: 'plan-label-mismatch',
      says: /^new@acme\.com roles: role id r-admin is "Master Admin" in the org, but the plan shows "employee" \(\/changes\/0\/fields\/\d+\/add\/0\/roleId\)\.$/,
    },
    {
      name: "a grant's division id swapped",
      edit: (p) => {
        fieldOf(p, 'nina@acme.com', 'grants').add[0]!.divisionId = 'd-sales';
      },
      code: 'plan-label-mismatch',
      says: /nina@acme\.com roles: division id d-sales is "Sales" in the org, but the plan shows "Support"/,
    },
    {
      name: 'a revoked role relabelled',
      edit: (p) => {
        fieldOf(p, 'nina@acme.com', 'grants').remove.push({ roleId: 'r-admin', role: 'employee', divisionId: 'd-home', division: 'Home' });
      },
      code: 'plan-label-mismatch',
      says: /role id r-admin is "Master Admin"/,
    },
    {
      name: 'a division move to another division',
      edit: (p) => {
        fieldOf(p, 'nina@acme.com', 'ref').after.id = 'd-sales';
      },
      code: 'plan-label-mismatch',
      says: /nina@acme\.com division: division id d-sales is "Sales" in the org, but the plan shows "Support"/,
    },
    {
      name: 'a skill id swapped',
      edit: (p) => {
        fieldOf(p, 'nina@acme.com', 'levels').add[0]!.id = 's-esc';
      },
      code: 'plan-label-mismatch',
      says: /skill id s-esc is "Escalations" in the org, but the plan shows "Chat"/,
    },
    {
      name: 'a skill the org does not have, given',
      edit: (p) => {
        fieldOf(p, 'nina@acme.com', 'levels').add.push({ id: 's-made-up', name: 's-made-up', level: 5 });
      },
      code: 'plan-unknown-id',
      says: /skill "s-made-up" with the id s-made-up, which the org does not have/,
    },
    {
      name: 'a language id swapped',
      edit: (p) => {
        const f = changeOf(p, 'nina@acme.com').fields.find((x) => x.field === 'languages');
        if (f?.kind !== 'levels') throw new Error('no languages');
        f.add[0]!.id = 'l-es';
      },
      code: 'plan-label-mismatch',
      says: /language id l-es is "Spanish" in the org, but the plan shows "English"/,
    },
    {
      name: 'a queue id swapped',
      edit: (p) => {
        const f = changeOf(p, 'nina@acme.com').fields.find((x) => x.field === 'queues');
        if (f?.kind !== 'set') throw new Error('no queues');
        f.add[0]!.id = 'q-s';
      },
      code: 'plan-label-mismatch',
      says: /queue id q-s is "Sales" in the org, but the plan shows "Support - Tier 1"/,
    },
    {
      name: 'a group removal relabelled',
      edit: (p) => {
        const f = changeOf(p, 'nina@acme.com').fields.find((x) => x.field === 'groups');
        if (f?.kind !== 'set') throw new Error('no groups');
        f.remove[0]!.name = 'Old Group';
      },
      code: 'plan-label-mismatch',
      says: /group id g-leads is "Team Leads" in the org, but the plan shows "Old Group"/,
    },
    {
      name: 'a location id swapped',
      edit: (p) => {
        const f = changeOf(p, 'nina@acme.com').fields.find((x) => x.field === 'locations');
        if (f?.kind !== 'set') throw new Error('no locations');
        f.add[0]!.id = 'loc-indy';
      },
      code: 'plan-label-mismatch',
      says: /location id loc-indy is "Indianapolis HQ" in the org, but the plan shows "Dublin Office"/,
    },
    {
      name: 'a manager id of another user',
      edit: (p) => {
        const f = fieldOf(p, 'nina@acme.com', 'manager');
        f.after = { email: 'ola@acme.com', id: 'u-grace' };
      },
      code: 'plan-label-mismatch',
      says: /nina@acme\.com manager: manager id u-grace is grace@acme\.com in the org, but the plan shows ola@acme\.com/,
    },
    {
      name: "a user id under another user's email",
      edit: (p) => {
        changeOf(p, 'nina@acme.com').id = 'u-grace';
      },
      code: 'plan-label-mismatch',
      says: /nina@acme\.com: user id u-grace is grace@acme\.com in the org, but the plan shows nina@acme\.com/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const { issues } = recheck(edited(c.edit));
      assert.equal(issues.length, 1, JSON.stringify(issues));
      assert.equal(issues[0]?.code, c.code);
      assert.match(issues[0]?.message ?? '', c.says);
      assert.equal(issues[0]?.file, 'plan.json');
      assert.ok(issues[0]?.hint);
    });
  }

  it('a user the org no longer lists is not refused here but left out of the live ids (apply reports it as a conflict)', () => {
    const plan = edited((p) => {
      changeOf(p, 'nina@acme.com').id = 'u-deleted-since';
    });
    const result = recheck(plan);
    assert.deepEqual(result.issues, []);
    assert.ok(!result.liveUserIds.has('u-deleted-since'));
    assert.ok(result.liveUserIds.has('u-ola'));
  });
});

describe('recheckSavedPlan: safety afresh', () => {
  it('a plan whose file says `blocked: false` is blocked when its changes break a rule', () => {
    const plan = edited((p) => {
      p.changes.push({ action: 'deactivate', email: 'grace@acme.com', name: 'grace', id: 'u-grace', version: 3, fields: [], reason: 'pruned' });
      p.safety = { blocked: false, violations: [], overridden: false };
    });
    const { safety } = recheck(plan);
    assert.equal(safety.blocked, true);
    assert.deepEqual(new Set(safety.violations.map((v) => v.rule)), new Set(['protected-user', 'last-admin']));
    assert.equal(safety.overridden, false);
    assert.equal(recheck(plan, true).safety.overridden, true);
  });

  it('a protected user losing a role is blocked whatever the file says', () => {
    const plan = edited((p) => {
      p.changes.push({
        action: 'update', email: 'grace@acme.com', name: 'grace', id: 'u-grace', version: 3,
        fields: [{ field: 'roles', kind: 'grants', add: [], remove: [{ roleId: 'r-admin', role: 'Master Admin', divisionId: 'd-home', division: 'Home' }] }],
      });
    });
    const { safety, issues } = recheck(plan);
    assert.deepEqual(issues, []);
    assert.ok(safety.violations.some((v) => v.rule === 'protected-user' && /grace@acme\.com would lose 1 role/.test(v.message)));
  });

  it('the honest plan is as safe as when it was made', () => {
    const plan = honest();
    assert.deepEqual(recheck(plan).safety, plan.safety);
  });
});

describe('savedPlanReadRequest', () => {
  it('reads role grants when the plan changes roles or deactivates, and no queue members', () => {
    const request = savedPlanReadRequest(honest(), desired, settings);
    assert.equal(request.roles, true);
    assert.deepEqual(request.queueNames, []);
    assert.equal(request.allQueues, false);
    assert.ok(request.roleEmails?.includes('nina@acme.com'));
  });
});
