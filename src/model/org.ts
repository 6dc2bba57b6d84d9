// The org as read from Genesys Cloud: users by id, and the named objects users refer to.
import type { EmployerInfo, Phone } from './desired.js';

/** Any named org object: skill, language, queue, group, role, division, location. */
export interface Named {
  id: string;
  name: string;
}

export interface OrgRoleGrant {
  roleId: string;
  divisionId: string;
}

/** A grant made to a group, as one of its members holds it. */
export interface InheritedGrant extends OrgRoleGrant {
  groupId: string;
}

/** One user as the org holds them, with ids (names are in `OrgState.lookups`). */
export interface OrgUser {
  id: string;
  version: number;
  /** Normalised like desired emails (lower-case, trimmed, NFC). */
  email: string;
  name: string;
  state: 'active' | 'inactive' | 'deleted';
  title?: string;
  department?: string;
  divisionId?: string;
  managerId?: string;
  phones: Phone[];
  /** The user's own grants; undefined when the read did not include grants (the field is then not diffed). */
  roleGrants?: OrgRoleGrant[];
  /**
   * Grants the user holds through their groups (the group that was granted each), when known. Never the
   * user's own: a revoke on the user cannot remove them, so they are never diffed, only shown.
   */
  inheritedGrants?: InheritedGrant[];
  /** Ids of the roles held in any division (from the users listing); read even when `roleGrants` is not. */
  roleIds?: string[];
  /** skill id → proficiency */
  skills?: Record<string, number>;
  /** language id → proficiency */
  languages?: Record<string, number>;
  groupIds?: string[];
  locationIds?: string[];
  acdAutoAnswer?: boolean;
  profileSkills?: string[];
  certifications?: string[];
  employerInfo?: EmployerInfo;
  /** ISO time of the soft delete, for deleted users. */
  dateDeleted?: string;
}

export interface OrgLookups {
  skills: Named[];
  languages: Named[];
  queues: Named[];
  groups: Named[];
  roles: Named[];
  divisions: Named[];
  locations: Named[];
}

export interface OrgTarget {
  /** Region host such as `mypurecloud.ie`, or the sandbox URL. */
  environment: string;
  orgId: string;
  orgName: string;
}

export interface OrgState {
  target: OrgTarget;
  /** Active and inactive users, plus deleted users whose email is declared. */
  users: OrgUser[];
  lookups: OrgLookups;
  homeDivisionId: string;
  /** queue id → user ids of its direct members (`memberBy: user`), for the queues read. */
  queueMembers: Record<string, string[]>;
  /**
   * queue id → user ids in the queue through a member group (`memberBy: group`, those also added
   * directly included), for the queues read. Absent when unknown: nobody is then taken to be there by group.
   */
  queueGroupMembers?: Record<string, string[]>;
  /** queue id → ids of its member groups of type GROUP, for queues whose listing named them. */
  queueMemberGroups?: Record<string, string[]>;
  /** API calls the read took. */
  apiCalls: number;
}

/** What the reader must fetch beyond the always-read basics. */
export interface ReadRequest {
  /** Declared emails (normalised): deleted users with these emails are read for restore. */
  emails: string[];
  /** Queue names the desired state refers to: their membership is read. */
  queueNames: string[];
  /** Read role grants (only when some user manages `roles`). */
  roles: boolean;
  /**
   * Emails (normalised) of the users whose `roles` are managed. Where grants must be read user by
   * user, only these are read; unset means every declared email.
   */
  roleEmails?: string[];
  /** Read the membership of every queue in the org, whatever `queueNames` says (export needs all of it). */
  allQueues?: boolean;
  /** Some desired grant is in all divisions (`*`): grants must be read as grants, never inferred from role ids. */
  wildcardGrants?: boolean;
}

/** Reads the org. Implemented in src/genesys; given to the planner by the CLI. */
export interface OrgReader {
  readOrg(request: ReadRequest, progress?: (message: string) => void): Promise<OrgState>;
}
