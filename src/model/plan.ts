// The Plan: plain, serialisable, deterministically sorted data; the contract between plan and apply.
import type { EmployerInfo, Issue, OtherEmail, Phone, Source, Utilization, VoicemailPolicy } from './index.js';
import type { Named, OrgTarget, UtilizationKept } from './org.js';
import type { PersonaOrigin, PersonaSummary } from './persona.js';

export type Action = 'create' | 'update' | 'restore' | 'deactivate';

/** A role grant with both ids and names. */
export interface GrantRef {
  roleId: string;
  role: string;
  divisionId: string;
  division: string;
}

/** A grant a user holds through a group: never the plan's to revoke, shown beside the user's own grants. */
export interface InheritedGrantRef extends GrantRef {
  groupId: string;
  group: string;
}

/** A level (proficiency) on a named object. */
export interface Level extends Named {
  level: number;
}

export interface LevelChange extends Named {
  before: number;
  after: number;
}

/** The manager: by email, with the id when the user already exists (a manager created in the same run has none yet). */
export interface ManagerRef {
  email: string;
  id?: string;
}

export type FieldChange = (
  /** `email` changes the primary email of an existing user found by a former email or employee id (never a create). */
  | { field: 'name' | 'title' | 'department' | 'state' | 'email'; kind: 'text'; before: string | null; after: string | null }
  | { field: 'acdAutoAnswer'; kind: 'bool'; before: boolean | null; after: boolean }
  | { field: 'division'; kind: 'ref'; before: Named | null; after: Named }
  | { field: 'manager'; kind: 'manager'; before: ManagerRef | null; after: ManagerRef | null }
  /**
   * Phones and other emails share Genesys's `addresses`, which a write replaces whole: a change of
   * one carries the org's value of the other at plan time (when the plan does not change it), so
   * apply sends it back unchanged.
   */
  | { field: 'phones'; kind: 'phones'; before: Phone[]; after: Phone[]; otherEmails?: OtherEmail[] }
  | { field: 'otherEmails'; kind: 'otherEmails'; before: OtherEmail[]; after: OtherEmail[]; phones?: Phone[] }
  | { field: 'employerInfo'; kind: 'employerInfo'; before: EmployerInfo | null; after: EmployerInfo }
  /**
   * The whole utilization, media types equal to the org's default left out (null before: a user to create). A PUT
   * replaces the user's value, so `kept` carries the org's label utilizations to send back; `org-default` is a DELETE.
   */
  | { field: 'utilization'; kind: 'utilization'; before: Utilization | null; after: Utilization; kept?: UtilizationKept }
  /** The voicemail policy's managed keys (PATCH sends `after`); `before` holds the org's values of those keys. */
  | { field: 'voicemail'; kind: 'voicemail'; before: VoicemailPolicy | null; after: VoicemailPolicy }
  /**
   * The WebRTC phone (null: none) and its default station. `phone` is the existing phone (a PUT carries its version, a
   * DELETE its id); `station`: apply makes the phone's station the user's default (after creating or changing it).
   */
  | { field: 'webrtcPhone'; kind: 'webrtcPhone'; before: WebrtcPhoneRef | null; after: WebrtcPhoneRef | null; phone?: { id: string; version: number; name: string }; station: boolean }
  | { field: 'queues' | 'groups' | 'locations'; kind: 'set'; add: Named[]; remove: Named[] }
  | { field: 'profileSkills' | 'certifications'; kind: 'strings'; add: string[]; remove: string[] }
  | {
      field: 'roles';
      kind: 'grants';
      add: GrantRef[];
      remove: GrantRef[];
      /** Grants of the same role and division (or all divisions) the user also holds through a group, for the reviewer. */
      inherited?: InheritedGrantRef[];
    }
  | { field: 'skills' | 'languages'; kind: 'levels'; add: Level[]; change: LevelChange[]; remove: Level[] }
) & {
  /** The personas that gave the field's value (the user does not set it), where each writes it; absent otherwise. */
  personas?: PersonaOrigin[];
};

export type FieldName = FieldChange['field'];

/** A WebRTC phone's site and phone base; `after` also carries what a create or PUT sends (the first line's base settings, the meta base). */
export interface WebrtcPhoneRef {
  site: Named;
  phoneBase: Named;
  lineBaseId?: string;
  phoneMetaBaseId?: string;
}

/**
 * One user's change. `fields` lists every field to set: for a create, every managed field
 * (befores empty); for a restore, what differs once the user is back; for a deactivate, other
 * declared changes made before the user is switched off.
 */
export interface Change {
  action: Action;
  email: string;
  /** Display name: desired for creates and updates, the org's for prunes. */
  name: string;
  /** Org user id; absent for creates. */
  id?: string;
  /** The user's version at plan time (optimistic locking). */
  version?: number;
  fields: FieldChange[];
  /** Where the user is declared; absent for pruned users. */
  source?: Source;
  /** Why a user is deactivated: declared `state: inactive`, or undeclared in a pruned scope. */
  reason?: 'declared' | 'pruned';
  /** ISO time of the soft delete, for restores. */
  deletedAt?: string;
}

export interface Summary {
  create: number;
  update: number;
  restore: number;
  deactivate: number;
  unchanged: number;
  /** Org users neither declared nor in a pruned scope: never touched. */
  unmanaged: number;
  /**
   * Active users in the scope that are not declared, left active because `scope.prune` is off (listed in
   * `Plan.undeclared`); present only when there are some, and then not counted as unmanaged.
   */
  undeclared?: number;
  /** Declared users the org lacks, not created because creating is off (listed in `Plan.waiting`); present only when there are some. */
  waiting?: number;
}

/** A declared user the org lacks, whom the plan does not create (`users.create: false`, or the file's `create: false`). */
export interface WaitingUser {
  email: string;
  /** The declared name, empty when the file leaves it out. */
  name: string;
  source: Source;
  /** ISO time of the soft delete, when the org has the user deleted (creating being off, they are not restored either). */
  deletedAt?: string;
}

/** An org user the plan names without changing them. */
export interface UserRef {
  id: string;
  email: string;
  name: string;
}

/** A safety rule the plan breaks, with the figures that broke it. */
export interface Violation {
  rule: 'max-deactivations' | 'max-deactivation-percent' | 'empty-desired-state' | 'failed-files' | 'protected-user' | 'last-admin';
  message: string;
}

export interface SafetyVerdict {
  blocked: boolean;
  violations: Violation[];
  /** True when `--allow-unsafe` let a blocked plan through. */
  overridden: boolean;
}

export interface Plan {
  formatVersion: 1;
  /** The org of provision.yaml's `orgs:` the plan was made for; absent when it names none. Apply refuses it for another org. */
  org?: string;
  target: OrgTarget;
  /** `DesiredState.digest`. */
  inputsDigest: string;
  /** Sorted by action (create, restore, update, deactivate), then email. */
  changes: Change[];
  summary: Summary;
  /** In-scope active users not declared, which stay active because `scope.prune` is off; by email, present only when some are. */
  undeclared?: UserRef[];
  /** The unmanaged users, by email; only when asked for (`plan --show-unmanaged`). */
  unmanaged?: UserRef[];
  /** Declared users the org lacks while creating is off, by email; present only when some are. */
  waiting?: WaitingUser[];
  warnings: Issue[];
  safety: SafetyVerdict;
  /** API calls the org read took. */
  readCalls: number;
  /** Of `readCalls`, the per-user reads (utilization, voicemail policy); present when some were made. */
  perUserCalls?: number;
  /** What each persona changes, for how many users; present only when personas give changed values. */
  personas?: PersonaSummary[];
  /** sha256 (hex) of the canonical JSON of every other field. */
  checksum: string;
}
