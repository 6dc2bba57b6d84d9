// The org as read from Genesys Cloud: users by id, and the named objects users refer to.
import type { EmployerInfo, MediaType, MediaUtilization, OtherEmail, Phone, VoicemailPolicy } from './desired.js';
import type { Issue } from './issue.js';

/** Any named org object: skill, language, queue, group, role, division, location. */
export interface Named {
  id: string;
  name: string;
}

/**
 * The user fields Genesys sends only through `expand`, which its docs say is resolved "with a best
 * effort approach and not guaranteed to be returned" (SDK build/docs/UsersApi.md, getUsers/getUser).
 * `roles` stands for the grants (expand=authorization, or the grant listings).
 */
export type ExpandedField = 'skills' | 'languages' | 'groups' | 'locations' | 'profileSkills' | 'certifications' | 'employerInfo' | 'roles';

export const EXPANDED_FIELDS: readonly ExpandedField[] = ['skills', 'languages', 'groups', 'locations', 'profileSkills', 'certifications', 'employerInfo', 'roles'];

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
  /** EMAIL entries of `addresses` (absent: none); they travel with the phones in every write of `addresses`. */
  otherEmails?: OtherEmail[];
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
  /** location id → the user's notes on it (`Location.notes`), which a PATCH of locations must send back. */
  locationNotes?: Record<string, string>;
  acdAutoAnswer?: boolean;
  profileSkills?: string[];
  certifications?: string[];
  employerInfo?: EmployerInfo;
  /** Read only for users whose utilization is managed (one call each: the API has no listing of it). */
  utilization?: OrgUtilization;
  /** Read only for users whose voicemail policy is managed (one call each). */
  voicemail?: VoicemailPolicy;
  /**
   * The default station as `expand=station` of the users listing showed it (UsersApi.md getUsers): `null` when the
   * expansion came without one; undefined when it was not asked for or Genesys dropped it (best effort).
   */
  defaultStation?: { id: string; webrtc: boolean } | null;
  /** The user's WebRTC phone (matched by its `webRtcUser`), when phones were read; undefined: none or not read (see `OrgState.webrtcPhones`). */
  webrtcPhone?: OrgWebrtcPhone;
  /** ISO time of the soft delete, for deleted users. */
  dateDeleted?: string;
  /**
   * Fields no read returned (an expansion Genesys dropped, or one not asked for): unknown, never
   * "none". Their values above are left unset; the plan changes none of them.
   */
  unknown?: ExpandedField[];
}

/** Settings of the utilization answer that provision does not manage (label utilizations), sent back unchanged with every PUT. */
export interface UtilizationKept {
  labelUtilizations?: Record<string, { maximumCapacity?: number; interruptingLabelIds?: string[] }>;
}

/**
 * A user's utilization as `GET /api/v2/routing/users/{userId}/utilization` answers it: `org-default` when its
 * `level` is `Organization` (RoutingApi.md: "If not configured, the organization-wide default is returned"), else
 * every media type the answer holds, and what a PUT must carry back.
 */
export type OrgUtilization = 'org-default' | { media: Partial<Record<MediaType, MediaUtilization>>; kept?: UtilizationKept };

/** A WebRTC phone as the phones listing shows it, with whether it is its user's default station. */
export interface OrgWebrtcPhone {
  id: string;
  version: number;
  /** Unique in the org; a PUT sends it back. */
  name: string;
  site: Named;
  phoneBase: Named;
  /** The user's default station is a WebRTC station (theirs: a WebRTC station serves only its own user). */
  defaultStation: boolean;
}

/** Phone base settings found by name: what a WebRTC phone made from them needs (its first line's base settings, its meta base). */
export interface PhoneBaseRef extends Named {
  /** The id of `lines[0]`, undefined when the phone base has no line. */
  lineBaseId?: string;
  phoneMetaBaseId: string;
}

/** What a read of WebRTC phones found: the sites and phone bases the users files name (by name), and how it went. */
export interface OrgWebrtcPhones {
  /** Sites found for the names asked (a name may match several, or none). */
  sites: Named[];
  phoneBases: PhoneBaseRef[];
  /** Phones read in all. */
  phones: number;
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

/** An extension pool: the internal extensions from `start` to `end` (digits, compared as numbers). */
export interface ExtensionRange {
  name: string;
  start: string;
  end: string;
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
  /** The org's extension pools, when the request asked for them (`ReadRequest.extensionPools`). */
  extensionPools?: ExtensionRange[];
  /** The org-wide utilization (`GET /api/v2/routing/utilization`), read when some user manages `utilization`. */
  utilizationDefault?: Partial<Record<MediaType, MediaUtilization>>;
  /** Set when the org's WebRTC phones were read (`ReadRequest.webrtcPhones`): users without `webrtcPhone` have none. */
  webrtcPhones?: OrgWebrtcPhones;
  /** API calls the read took. */
  apiCalls: number;
  /** Of `apiCalls`, the per-user reads of values the API does not list (utilization, voicemail policy). */
  perUserCalls?: number;
  /** What the read could not do (users it could not list, say): shown with the plan or the export. */
  warnings?: Issue[];
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
  /** Read the org's extension pools (some user declares an extension-only phone). */
  extensionPools?: boolean;
  /**
   * Emails (normalised) of the managers the desired state names. Those not among active users are
   * searched for among inactive ones, so a manager who left is still found.
   */
  managerEmails?: string[];
  /**
   * Per field, the emails (normalised) of the declared users who manage it (`manager` included). Where
   * Genesys drops an expansion, only these users' values are fetched again; unset: every declared email.
   */
  managed?: Partial<Record<ExpandedField | 'manager', string[]>>;
  /**
   * Emails (normalised) of the users whose `utilization` / `voicemail` is managed: these values have no listing, so
   * they are read one call per user, for these users only. Unset or empty: not read.
   */
  perUser?: Partial<Record<'utilization' | 'voicemail', string[]>>;
  /** Fields read for every user read (an export that writes them). */
  perUserAll?: Array<'utilization' | 'voicemail'>;
  /**
   * Read the org's WebRTC phones (and the default stations of their users), and find these sites and phone bases by
   * name: some declared user manages `webrtcPhone`, or an export writes it (empty name lists then).
   */
  webrtcPhones?: { sites: string[]; phoneBases: string[] };
  /**
   * Which inactive users to read. `declared` (the default): those declared or named as managers, and
   * the managers of declared users; Genesys lists at most 10,000 inactive users, and the plan needs no
   * others (it never changes an undeclared inactive user). `all`: every one (export).
   */
  inactive?: 'declared' | 'all';
}

/** Reads the org. Implemented in src/genesys; given to the planner by the CLI. */
export interface OrgReader {
  readOrg(request: ReadRequest, progress?: (message: string) => void): Promise<OrgState>;
}
