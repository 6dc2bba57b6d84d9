// Hand-built plans for the renderer tests: every action, every FieldChange kind, warnings, safety verdicts, empty.
import type { Change, Issue, Plan, SafetyVerdict, Summary } from '../../src/model/index.js';
import { buildPlan, checkSafety, diffUsers } from '../../src/plan/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from '../plan/builders.js';

const target = { environment: 'mypurecloud.ie', orgId: '5f1c0a2e-7d4b-4c1e-9a53-0b6f2d8e4c11', orgName: 'Acme Support' };
const safe: SafetyVerdict = { blocked: false, violations: [], overridden: false };
const home = { id: 'div-home', name: 'Home' };
const support = { id: 'div-support', name: 'Support' };

export function plan(changes: Change[], extra: Partial<Plan> = {}): Plan {
  const summary: Summary = {
    create: changes.filter((c) => c.action === 'create').length,
    update: changes.filter((c) => c.action === 'update').length,
    restore: changes.filter((c) => c.action === 'restore').length,
    deactivate: changes.filter((c) => c.action === 'deactivate').length,
    unchanged: 1199,
    unmanaged: 31,
  };
  return {
    formatVersion: 1,
    target,
    inputsDigest: '9b2d4c61f0a7e3b85c1d2e4f6a8b0c9d7e5f3a1b2c4d6e8f0a1b3c5d7e9f1a2b',
    changes,
    summary,
    warnings: [],
    safety: safe,
    readCalls: 14,
    checksum: '3e7a1c9b5d2f4e6a8c0b1d3f5e7a9c2b4d6f8e0a1c3b5d7f9e2a4c6b8d0f1e3a',
    ...extra,
  };
}

const create: Change = {
  action: 'create',
  email: 'nina.berg@acme.com',
  name: 'Nina Berg',
  source: { file: 'users/support.yaml', line: 41, column: 3 },
  fields: [
    { field: 'name', kind: 'text', before: null, after: 'Nina Berg' },
    { field: 'title', kind: 'text', before: null, after: 'Agent' },
    { field: 'department', kind: 'text', before: null, after: 'Support' },
    { field: 'division', kind: 'ref', before: null, after: support },
    { field: 'manager', kind: 'manager', before: null, after: { email: 'ola.lind@acme.com', id: 'u-ola' } },
    {
      field: 'phones',
      kind: 'phones',
      before: [],
      after: [
        { type: 'work', number: '+13175550100', extension: '12', mediaType: 'PHONE' },
        { type: 'mobile', number: '+46701234567', mediaType: 'SMS' },
      ],
    },
    { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E-1041', dateHire: '2026-01-05' } },
    { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true },
    { field: 'roles', kind: 'grants', add: [{ roleId: 'r-agent', role: 'Agent', divisionId: home.id, division: home.name }], remove: [] },
    { field: 'skills', kind: 'levels', add: [{ id: 's-billing', name: 'Billing', level: 3 }, { id: 's-spanish', name: 'Spanish', level: 4 }], change: [], remove: [] },
    { field: 'languages', kind: 'levels', add: [{ id: 'l-en', name: 'English', level: 5 }], change: [], remove: [] },
    { field: 'queues', kind: 'set', add: [{ id: 'q-t1', name: 'Support - Tier 1' }], remove: [] },
    { field: 'groups', kind: 'set', add: [{ id: 'g-nordics', name: 'Nordics' }], remove: [] },
    { field: 'locations', kind: 'set', add: [{ id: 'loc-sto', name: 'Stockholm' }], remove: [] },
    { field: 'profileSkills', kind: 'strings', add: ['Zendesk', 'Salesforce'], remove: [] },
    { field: 'certifications', kind: 'strings', add: ['ITIL 4'], remove: [] },
  ],
};

const restore: Change = {
  action: 'restore',
  email: 'kim.sato@acme.com',
  name: 'Kim Sato',
  id: 'u-kim',
  version: 7,
  deletedAt: '2026-03-02T09:15:00.000Z',
  source: { file: 'users/sales.csv', line: 7 },
  fields: [{ field: 'title', kind: 'text', before: 'Sales Rep', after: 'Senior Sales Rep' }],
};

const restoreBare: Change = {
  action: 'restore',
  email: 'lee.chan@acme.com',
  name: 'Lee Chan',
  id: 'u-lee',
  version: 3,
  deletedAt: '2026-02-11T17:40:00.000Z',
  source: { file: 'users/sales.csv', line: 9 },
  fields: [],
};

const update: Change = {
  action: 'update',
  email: 'ola.lind@acme.com',
  name: 'Ola Lindqvist',
  id: 'u-ola',
  version: 42,
  source: { file: 'users/support.yaml', line: 12, column: 3 },
  fields: [
    { field: 'name', kind: 'text', before: 'Ola Lind', after: 'Ola Lindqvist' },
    { field: 'title', kind: 'text', before: 'Team Lead', after: 'Support Manager' },
    {
      field: 'department',
      kind: 'text',
      before: 'Customer Support Operations for the Nordic and Baltic Regions',
      after: 'Customer Success Operations for the Nordic, Baltic and Polish Regions',
    },
    { field: 'state', kind: 'text', before: 'inactive', after: 'active' },
    { field: 'division', kind: 'ref', before: home, after: support },
    { field: 'manager', kind: 'manager', before: { email: 'eva.holm@acme.com', id: 'u-eva' }, after: null },
    {
      field: 'phones',
      kind: 'phones',
      before: [
        { type: 'work', number: '+13175550101', mediaType: 'PHONE' },
        { type: 'home', number: '+4681234567', mediaType: 'PHONE' },
      ],
      after: [
        { type: 'work', number: '+13175550199', extension: '7', mediaType: 'PHONE' },
        { type: 'work2', extension: '4410', mediaType: 'PHONE' },
      ],
    },
    {
      field: 'otherEmails',
      kind: 'otherEmails',
      before: [
        { type: 'work', address: 'ola@old-partner.example' },
        { type: 'home', address: 'ola@example.com' },
      ],
      after: [{ type: 'work', address: 'ola.lind@partner.example' }],
    },
    {
      field: 'employerInfo',
      kind: 'employerInfo',
      before: { employeeId: 'E-0007', employeeType: 'Contractor', officialName: 'Ola Lind' },
      after: { employeeId: 'E-0007', employeeType: 'Full-time', dateHire: '2019-04-01' },
    },
    { field: 'acdAutoAnswer', kind: 'bool', before: true, after: false },
    {
      field: 'roles',
      kind: 'grants',
      add: [{ roleId: 'r-sup', role: 'Supervisor', divisionId: support.id, division: support.name }],
      remove: [{ roleId: 'r-admin', role: 'Admin', divisionId: home.id, division: home.name }],
    },
    {
      field: 'skills',
      kind: 'levels',
      add: [{ id: 's-chat', name: 'Chat', level: 2 }],
      change: [{ id: 's-billing', name: 'Billing', before: 3, after: 5 }],
      remove: [{ id: 's-esc', name: 'Escalations', level: 4 }],
    },
    { field: 'languages', kind: 'levels', add: [], change: [{ id: 'l-sv', name: 'Swedish', before: 4, after: 5 }], remove: [] },
    { field: 'queues', kind: 'set', add: [{ id: 'q-t2', name: 'Support - Tier 2' }], remove: [{ id: 'q-t1', name: 'Support - Tier 1' }] },
    { field: 'groups', kind: 'set', add: [], remove: [{ id: 'g-old', name: 'Night Shift' }] },
    { field: 'locations', kind: 'set', add: [{ id: 'loc-got', name: 'Gothenburg' }], remove: [{ id: 'loc-sto', name: 'Stockholm' }] },
    { field: 'profileSkills', kind: 'strings', add: ['Coaching'], remove: ['Zendesk'] },
    { field: 'certifications', kind: 'strings', add: [], remove: ['ITIL 3'] },
  ],
};

const clearTitle: Change = {
  action: 'update',
  email: 'per.ek@acme.com',
  name: 'Per Ek',
  id: 'u-per',
  version: 5,
  source: { file: 'users/support.yaml', line: 77, column: 3 },
  fields: [
    { field: 'title', kind: 'text', before: 'Agent', after: null },
    { field: 'phones', kind: 'phones', before: [{ type: 'work', number: '+13175550150', mediaType: 'PHONE' }], after: [] },
  ],
};

const declaredDeactivate: Change = {
  action: 'deactivate',
  email: 'sam.ray@acme.com',
  name: 'Sam Ray',
  id: 'u-sam',
  version: 19,
  reason: 'declared',
  source: { file: 'users/support.yaml', line: 88, column: 3 },
  fields: [
    { field: 'state', kind: 'text', before: 'active', after: 'inactive' },
    { field: 'queues', kind: 'set', add: [], remove: [{ id: 'q-t1', name: 'Support - Tier 1' }] },
  ],
};

const prunedDeactivate: Change = {
  action: 'deactivate',
  email: 'old.agent@acme.com',
  name: 'Old Agent',
  id: 'u-old',
  version: 61,
  reason: 'pruned',
  fields: [],
};

/**
 * Warnings as the planner words them (the goldens carry only what the product emits): a manager found
 * in the org but not declared, with a position, and an email held twice in the org, without one.
 */
const warnings: Issue[] = diffUsers(
  desiredState([desiredUser('ola.lind@acme.com', { manager: 'eva.holm@acme.com', at: { manager: { file: 'users/support.yaml', line: 14, column: 14 } } })]),
  orgState([
    orgUser('u-ola', 'ola.lind@acme.com'),
    orgUser('u-eva', 'eva.holm@acme.com', { name: 'Eva Holm' }),
    orgUser('u-old', 'old.agent@acme.com'),
    orgUser('u-old-2', 'old.agent@acme.com', { state: 'inactive' }),
  ]),
  config(),
).warnings;

/** Every action and every kind of field change, with warnings; safety passed. */
export const fullPlan = plan([create, restore, restoreBare, update, clearTitle, declaredDeactivate, prunedDeactivate], { warnings });

function pruned(n: number): Change[] {
  return Array.from({ length: n }, (_, i) => ({
    action: 'deactivate' as const,
    email: `leaver${String(i + 1).padStart(2, '0')}@acme.com`,
    name: `Leaver ${i + 1}`,
    id: `u-leaver-${i + 1}`,
    version: 2,
    reason: 'pruned' as const,
    fields: [],
  }));
}

/** The safety check's own messages for 12 deactivations of 130 managed users, a protected one among them. */
const violations: SafetyVerdict['violations'] = checkSafety(
  pruned(12),
  {
    desired: desiredState([]),
    org: orgState([]),
    config: config({ safety: { maxDeactivations: 10, maxDeactivationPercent: 5, protectedUsers: ['leaver01@acme.com'] } }),
    managedCount: 130,
  },
  false,
).violations;

/** A prune that breaks the thresholds: still rendered, refused. */
export const blockedPlan = plan(pruned(12), { safety: { blocked: true, violations, overridden: false } });

/** The same, let through by --allow-unsafe. */
export const overriddenPlan = plan(pruned(12), { safety: { blocked: true, violations, overridden: true } });

/** Nothing to do. */
export const emptyPlan: Plan = plan([], { summary: { create: 0, update: 0, restore: 0, deactivate: 0, unchanged: 940, unmanaged: 12 }, readCalls: 1 });

/** One create with a given name, for escaping tests. */
export function createNamed(name: string, extra: Partial<Change> = {}): Plan {
  return plan([{ ...create, name, fields: [{ field: 'title', kind: 'text', before: null, after: name }], ...extra }]);
}

/** `n` updates of a few fields each, for truncation. */
export function bigPlan(n: number, deactivations = 0): Plan {
  const updates: Change[] = Array.from({ length: n }, (_, i) => ({
    ...update,
    email: `agent${String(i).padStart(5, '0')}@acme.com`,
    name: `Agent ${i}`,
    id: `u-${i}`,
    source: { file: 'users/agents.csv', line: i + 2 },
    fields: update.fields.slice(0, 6),
  }));
  return plan([...updates, ...pruned(deactivations)]);
}

/**
 * Leavers, as the planner makes them: one declared inactive, two taken out of users/ while the scope is
 * set and pruning is off (listed, staying active), and the unmanaged users listed (`--show-unmanaged`).
 */
export const leaversPlan: Plan = buildPlan({
  desired: desiredState([
    desiredUser('ola.lind@acme.com', { name: 'Ola Lind', title: 'Support Manager', source: { file: 'users/support.yaml', line: 12, column: 3 } }),
    desiredUser('kim.sato@acme.com', { name: 'Kim Sato', state: 'inactive', source: { file: 'users/support.yaml', line: 30, column: 3 } }),
  ], { digest: '9b2d4c61f0a7e3b85c1d2e4f6a8b0c9d7e5f3a1b2c4d6e8f0a1b3c5d7e9f1a2b' }),
  org: orgState([
    orgUser('u-ola', 'ola.lind@acme.com', { name: 'Ola Lind', title: 'Team Lead', divisionId: 'd-support' }),
    orgUser('u-kim', 'kim.sato@acme.com', { name: 'Kim Sato', divisionId: 'd-support' }),
    orgUser('u-old', 'old.agent@acme.com', { name: 'Old Agent', divisionId: 'd-support' }),
    orgUser('u-temp', 'temp.agent@acme.com', { name: 'Temp Agent', divisionId: 'd-support' }),
    orgUser('u-sam', 'sam.seller@acme.com', { name: 'Sam Seller', divisionId: 'd-sales' }),
  ]),
  config: config({ scope: { divisions: ['Support'], prune: false } }),
  showUnmanaged: true,
}).plan;

const indy = { id: 'site-indy', name: 'Indianapolis' };
const raleigh = { id: 'site-ral', name: 'Raleigh' };
const webrtc = { id: 'base-webrtc', name: 'WebRTC Base' };
const spare = { id: 'base-spare', name: 'WebRTC Spare' };
const newPhone = { site: indy, phoneBase: webrtc, lineBaseId: 'line-1', phoneMetaBaseId: 'inin_webrtc_softphone.json' };
const existing = { id: 'phone-1', version: 4, name: 'WebRTC ana.silva@acme.com' };

/** WebRTC phones: a new agent's phone and station, a move to another site and phone base, a station only, a leaver's phone removed. */
export const phonesPlan = plan([
  {
    action: 'create',
    email: 'nina.berg@acme.com',
    name: 'Nina Berg',
    source: { file: 'users/guide.csv', line: 2, column: 1 },
    fields: [
      { field: 'name', kind: 'text', before: null, after: 'Nina Berg' },
      { field: 'webrtcPhone', kind: 'webrtcPhone', before: null, after: newPhone, station: true },
    ],
  },
  {
    action: 'update',
    email: 'ana.silva@acme.com',
    name: 'Ana Silva',
    id: 'u-ana',
    version: 7,
    source: { file: 'users/support.yaml', line: 12, column: 5 },
    fields: [{ field: 'webrtcPhone', kind: 'webrtcPhone', before: { site: indy, phoneBase: webrtc }, after: { ...newPhone, site: raleigh, phoneBase: spare, lineBaseId: 'line-2' }, phone: existing, station: false }],
  },
  {
    action: 'update',
    email: 'kim.sato@acme.com',
    name: 'Kim Sato',
    id: 'u-kim',
    version: 2,
    source: { file: 'users/support.yaml', line: 20, column: 5 },
    fields: [{ field: 'webrtcPhone', kind: 'webrtcPhone', before: { site: indy, phoneBase: webrtc }, after: newPhone, phone: { ...existing, id: 'phone-2', name: 'WebRTC kim.sato@acme.com' }, station: true }],
  },
  {
    action: 'deactivate',
    email: 'old.agent@acme.com',
    name: 'Old Agent',
    id: 'u-old',
    version: 9,
    reason: 'declared',
    source: { file: 'users/support.yaml', line: 30, column: 5 },
    fields: [{ field: 'webrtcPhone', kind: 'webrtcPhone', before: { site: indy, phoneBase: webrtc }, after: null, phone: { ...existing, id: 'phone-3', name: 'WebRTC old.agent@acme.com' }, station: false }],
  },
]);
