// Plain-data builders for the planner's tests: desired users, org users, an org with look-ups, a config.
import type { DesiredState, DesiredUser, OrgState, OrgUser, ProvisionConfig } from '../../src/model/index.js';

export const FILE = 'users/team.yaml';

let line = 0;

/** A declared user; `at` and `source` point into users/team.yaml. */
export function desiredUser(email: string, fields: Partial<DesiredUser> = {}): DesiredUser {
  line += 10;
  return { email, name: fields.name ?? email.split('@')[0] ?? email, source: { file: FILE, line, column: 5 }, at: {}, ...fields };
}

export function desiredState(users: DesiredUser[], fields: Partial<DesiredState> = {}): DesiredState {
  return { users, files: [FILE], failedFiles: [], issues: [], digest: 'digest-1', ...fields };
}

export function orgUser(id: string, email: string, fields: Partial<OrgUser> = {}): OrgUser {
  return { id, version: 3, email, name: email.split('@')[0] ?? email, state: 'active', phones: [], divisionId: 'd-home', roleGrants: [], ...fields };
}

/** An org with a realistic set of named objects. */
export function orgState(users: OrgUser[], fields: Partial<OrgState> = {}): OrgState {
  return {
    target: { environment: 'mypurecloud.ie', orgId: 'org-1', orgName: 'Acme Support' },
    users,
    lookups: {
      skills: [
        { id: 's-billing', name: 'Billing' },
        { id: 's-chat', name: 'Chat' },
        { id: 's-esc', name: 'Escalations' },
      ],
      languages: [
        { id: 'l-en', name: 'English' },
        { id: 'l-es', name: 'Spanish' },
      ],
      queues: [
        { id: 'q-1', name: 'Support - Tier 1' },
        { id: 'q-2', name: 'Support - Tier 2' },
        { id: 'q-s', name: 'Sales' },
      ],
      groups: [
        { id: 'g-leads', name: 'Team Leads' },
        { id: 'g-support', name: 'Support Team' },
      ],
      roles: [
        { id: 'r-emp', name: 'employee' },
        { id: 'r-user', name: 'User' },
        { id: 'r-sup', name: 'Supervisor' },
        { id: 'r-admin', name: 'Master Admin' },
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
    queueMembers: { 'q-1': [], 'q-2': [], 'q-s': [] },
    apiCalls: 14,
    ...fields,
  };
}

export function config(fields: { scope?: Partial<ProvisionConfig['scope']>; safety?: Partial<ProvisionConfig['safety']> } & Partial<Omit<ProvisionConfig, 'scope' | 'safety'>> = {}): ProvisionConfig {
  const { scope, safety, ...rest } = fields;
  return {
    usersDir: 'users',
    requestsPerMinute: 300,
    apply: { concurrency: 4 },
    ...rest,
    scope: { divisions: [], emailDomains: [], prune: false, ...scope },
    safety: { maxDeactivations: 10, maxDeactivationPercent: 10, protectedUsers: [], adminRoles: ['Master Admin'], ...safety },
  };
}
