// Plain-data orgs for the export tests, and the round trip: files written to a temp folder, loaded, planned.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';
import type { ExportFile } from '../../src/export/index.js';
import type { DesiredState, OrgState, OrgUser, Plan } from '../../src/model/index.js';
import { buildPlan } from '../../src/plan/index.js';

export function user(id: string, email: string, fields: Partial<OrgUser> = {}): OrgUser {
  return { id, version: 1, email, name: email.split('@')[0] ?? email, state: 'active', phones: [], divisionId: 'd-home', roleGrants: [], ...fields };
}

/** An org whose look-ups hold awkward names: formula starts, separators, digits, accents. */
export function org(users: OrgUser[], fields: Partial<OrgState> = {}): OrgState {
  return {
    target: { environment: 'mypurecloud.ie', orgId: 'org-1', orgName: 'Acme Support' },
    users,
    lookups: {
      skills: [
        { id: 's-billing', name: 'Billing' },
        { id: 's-chat', name: 'Chat' },
        { id: 's-10', name: '10' },
        { id: 's-colon', name: 'Tier: Gold' },
        { id: 's-eq', name: '=Escalations' },
      ],
      languages: [
        { id: 'l-en', name: 'English' },
        { id: 'l-fr', name: 'Français' },
      ],
      queues: [
        { id: 'q-1', name: 'Support - Tier 1' },
        { id: 'q-2', name: 'Support - Tier 2' },
        { id: 'q-plus', name: '+Priority' },
      ],
      groups: [
        { id: 'g-leads', name: 'Team Leads' },
        { id: 'g-at', name: '@mentions' },
        { id: 'g-night', name: 'Night Shift' },
      ],
      roles: [
        { id: 'r-emp', name: 'employee' },
        { id: 'r-user', name: 'User' },
        { id: 'r-sup', name: 'Supervisor' },
        { id: 'r-qe', name: 'Quality Evaluator' },
      ],
      divisions: [
        { id: 'd-home', name: 'Home' },
        { id: 'd-support', name: 'Support' },
        { id: 'd-sales', name: 'Sales' },
      ],
      locations: [
        { id: 'loc-indy', name: 'Indianapolis HQ' },
        { id: 'loc-dub', name: 'Dublin Office' },
      ],
    },
    homeDivisionId: 'd-home',
    queueMembers: { 'q-1': [], 'q-2': [], 'q-plus': [] },
    apiCalls: 9,
    ...fields,
  };
}

/** Users with every field kind, the awkward values included. */
export function richUsers(): OrgUser[] {
  return [
    user('u-grace', 'grace.holloway@acme.com', {
      name: 'Grace Holloway',
      title: 'Director of Customer Operations',
      department: 'Customer Operations',
      phones: [
        { type: 'work', number: '+13175550100', extension: '100', mediaType: 'PHONE' },
        { type: 'mobile', number: '+13175550101', mediaType: 'SMS' },
      ],
      roleGrants: [
        { roleId: 'r-user', divisionId: 'd-home' },
        { roleId: 'r-emp', divisionId: 'd-home' },
        { roleId: 'r-qe', divisionId: 'd-support' },
        { roleId: 'r-qe', divisionId: 'd-sales' },
        { roleId: 'r-sup', divisionId: 'd-home' },
      ],
      groupIds: ['g-leads'],
      employerInfo: { employeeId: '1001', employeeType: 'Full-time', dateHire: '2016-03-14', officialName: 'Grace A. Holloway' },
      acdAutoAnswer: false,
      profileSkills: ['Leadership', 'Coaching'],
      certifications: ['ITIL v4'],
    }),
    user('u-ola', 'ola.lind@acme.com', {
      name: 'Ola Lind',
      title: '=HYPERLINK("http://evil")',
      department: '-Support',
      divisionId: 'd-support',
      managerId: 'u-grace',
      phones: [{ type: 'work', extension: '110', mediaType: 'PHONE' }],
      roleGrants: [
        { roleId: 'r-emp', divisionId: 'd-home' },
        { roleId: 'r-sup', divisionId: 'd-support' },
        { roleId: 'r-sup', divisionId: 'd-home' },
      ],
      skills: { 's-eq': 2, 's-10': 5, 's-colon': 1 },
      languages: { 'l-fr': 4, 'l-en': 5 },
      groupIds: ['g-at', 'g-leads'],
      locationIds: ['loc-dub'],
      acdAutoAnswer: true,
    }),
    user('u-nina', 'nina.berg@acme.com', {
      name: 'Nina Berg',
      title: "'=quoted already",
      divisionId: 'd-support',
      managerId: 'u-ola',
      phones: [{ type: 'work', number: '+35315550172', mediaType: 'PHONE' }],
      otherEmails: [
        { type: 'home', address: 'nina@example.com' },
        { type: 'work', address: 'nina.b@partner.example' },
      ],
      roleGrants: [{ roleId: 'r-emp', divisionId: 'd-home' }],
      skills: { 's-billing': 3, 's-chat': 4 },
      languages: { 'l-en': 5 },
      groupIds: ['g-night'],
      locationIds: ['loc-indy'],
      employerInfo: { employeeId: 'E-17' },
    }),
    user('u-tom', 'tom.becker@acme.com', { name: 'Tom Becker', state: 'inactive', divisionId: 'd-sales', department: '@Sales', roleGrants: [] }),
  ];
}

/** The rich org with queue membership (Ola and Nina in queues, one with a `+` name). */
export function richOrg(): OrgState {
  return org(richUsers(), { queueMembers: { 'q-1': ['u-nina', 'u-ola'], 'q-2': ['u-ola'], 'q-plus': ['u-nina'] } });
}

export interface RoundTrip {
  desired: DesiredState;
  plan: Plan;
  errors: string[];
}

/** Writes the files to a fresh folder, loads them as users/, and plans them against `state`. */
export async function roundTrip(files: readonly ExportFile[], state: OrgState): Promise<RoundTrip> {
  const dir = await mkdtemp(path.join(tmpdir(), 'provision-export-'));
  try {
    for (const f of files) await writeFile(path.join(dir, f.name), f.text);
    const config = defaultConfig(dir);
    const desired = await loadDesired([dir], config, { cwd: dir });
    const { plan, errors } = buildPlan({ desired, org: state, config });
    return { desired, plan, errors: errors.map((e) => `${e.file}:${e.line} ${e.code} ${e.message}`) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Issues and changes as readable lines, for assertion messages. */
export function explain(trip: RoundTrip): string {
  const issues = trip.desired.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.severity} ${i.code} ${i.message}`);
  const changes = trip.plan.changes.map((c) => `${c.action} ${c.email} ${JSON.stringify(c.fields)}`);
  return [...issues, ...trip.errors, ...changes].join('\n');
}

