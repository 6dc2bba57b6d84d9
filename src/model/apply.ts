// The write port apply drives, and the report it returns.
import type { EmployerInfo, MediaType, MediaUtilization, OtherEmail, Phone, UserState, VoicemailPolicy } from './desired.js';
import type { OrgRoleGrant, OrgUser, UtilizationKept } from './org.js';

/** Profile fields one PATCH /api/v2/users/{id} can carry; undefined = leave alone. */
export interface UserPatch {
  name?: string;
  /** A new primary email (the same person under another address). */
  email?: string;
  title?: string | null;
  department?: string | null;
  /** Manager user id; null removes the manager. */
  managerId?: string | null;
  /**
   * Phones and other emails are one `addresses` list at Genesys, replaced whole: when either is set
   * both must be, or the other is wiped.
   */
  phones?: Phone[];
  otherEmails?: OtherEmail[];
  acdAutoAnswer?: boolean;
  profileSkills?: string[];
  certifications?: string[];
  employerInfo?: EmployerInfo | null;
  locationIds?: string[];
  /** location id → notes, sent with `locationIds` (a location sent without its notes loses them). */
  locationNotes?: Record<string, string>;
}

export interface NewUser {
  name: string;
  email: string;
  divisionId?: string;
  title?: string;
  department?: string;
  phones?: Phone[];
  otherEmails?: OtherEmail[];
  state?: UserState;
}

export interface IdLevel {
  id: string;
  level: number;
}

/**
 * Writes to the org. Implemented in src/genesys over the SDK; every method throws `ApiError`.
 * Batch limits (50 skills, 100 queue members, …) are the caller's to respect.
 */
export interface OrgWriter {
  createUser(user: NewUser): Promise<{ id: string; version: number }>;
  /** The user with this email in any state (deleted included), or undefined. Search is eventually consistent. */
  findUserByEmail(email: string): Promise<OrgUser | undefined>;
  /** The user by id; a deleted user only with `state: 'deleted'` (Genesys hides deleted users otherwise). */
  getUser(id: string, state?: 'deleted'): Promise<OrgUser>;
  /** Returns the new version. */
  patchUser(id: string, version: number, patch: UserPatch): Promise<number>;
  /**
   * Sets `acdAutoAnswer` for several users (≤ 50) in one unversioned call; returns each user's new version when the
   * answer lists it.
   */
  setAutoAnswer(users: Array<{ id: string; acdAutoAnswer: boolean }>): Promise<Map<string, number>>;
  /** Returns the new version. */
  setUserState(id: string, version: number, state: UserState): Promise<number>;
  moveUsersToDivision(divisionId: string, userIds: string[]): Promise<void>;
  grantRoles(userId: string, grants: OrgRoleGrant[]): Promise<void>;
  revokeRoles(userId: string, grants: OrgRoleGrant[]): Promise<void>;
  /** Grants one role in the org's home division to several users (≤ 50) in one call. */
  grantRoleToUsers(roleId: string, userIds: string[]): Promise<void>;
  /** The org's home division, read at most once; undefined when it cannot be read. */
  homeDivisionId(): Promise<string | undefined>;
  /** Adds or updates (≤ 50). */
  setSkills(userId: string, skills: IdLevel[]): Promise<void>;
  removeSkill(userId: string, skillId: string): Promise<void>;
  /** Adds or updates (≤ 50). */
  setLanguages(userId: string, languages: IdLevel[]): Promise<void>;
  removeLanguage(userId: string, languageId: string): Promise<void>;
  getGroupVersion(groupId: string): Promise<number>;
  addGroupMembers(groupId: string, version: number, userIds: string[]): Promise<void>;
  /** ≤ 50 */
  removeGroupMembers(groupId: string, userIds: string[]): Promise<void>;
  /** ≤ 100 */
  addQueueMembers(queueId: string, userIds: string[]): Promise<void>;
  /** ≤ 100 */
  removeQueueMembers(queueId: string, userIds: string[]): Promise<void>;
  /**
   * Replaces the user's utilization (PUT /api/v2/routing/users/{userId}/utilization): the media types given, every
   * other one set to the org's default; `kept` (label utilizations) is sent back as the org held it.
   */
  setUtilization(userId: string, media: Partial<Record<MediaType, MediaUtilization>>, kept?: UtilizationKept): Promise<void>;
  /** Back to the org's utilization (DELETE /api/v2/routing/users/{userId}/utilization). */
  resetUtilization(userId: string): Promise<void>;
  /** Sets the policy's keys given (PATCH /api/v2/voicemail/userpolicies/{userId}). */
  setVoicemailPolicy(userId: string, policy: VoicemailPolicy): Promise<void>;
  /** Creates the user's WebRTC phone (POST /api/v2/telephony/providers/edges/phones, one line); returns it. */
  createWebrtcPhone(userId: string, phone: WebrtcPhoneSpec): Promise<{ id: string; version: number }>;
  /** The user's WebRTC phone (GET …/phones?webRtcUser.id=), to tell whether a create of unknown outcome went through. */
  findWebrtcPhone(userId: string): Promise<{ id: string; version: number; name: string } | undefined>;
  /** Replaces the phone's site and phone base (PUT …/phones/{phoneId} at `version`); returns the new version. */
  updateWebrtcPhone(userId: string, phone: { id: string; version: number; name: string }, spec: WebrtcPhoneSpec): Promise<number>;
  deleteWebrtcPhone(phoneId: string): Promise<void>;
  /** The station of the user's WebRTC phone (GET /api/v2/stations?webRtcUserId=); undefined until Genesys has indexed it. */
  findStation(userId: string): Promise<string | undefined>;
  /** PUT /api/v2/users/{userId}/station/defaultstation/{stationId}. */
  setDefaultStation(userId: string, stationId: string): Promise<void>;
  /** Calls made so far through this writer. */
  apiCalls(): number;
}

/** What a WebRTC phone is made of: its unique name, site, phone base settings, the first line's base settings and the meta base. */
export interface WebrtcPhoneSpec {
  name: string;
  siteId: string;
  phoneBaseId: string;
  lineBaseId: string;
  phoneMetaBaseId: string;
}

export type Outcome = 'ok' | 'already-done' | 'failed' | 'skipped' | 'conflict';

/** One line of the journal and of the report. */
export interface OperationRecord {
  /** The org of provision.yaml's `orgs:` the operation went to; absent when it names none. */
  org?: string;
  time: string;
  email: string;
  operation: string;
  outcome: Outcome;
  status?: number;
  code?: string;
  contextId?: string;
  message?: string;
}

export interface ApplyReport {
  created: number;
  updated: number;
  restored: number;
  deactivated: number;
  failed: number;
  /** Operations that failed, were skipped or met a conflict, with their Genesys code and contextId. */
  problems: OperationRecord[];
  apiCalls: number;
  /** 429 answers met (and waited out). */
  rateLimited: number;
  elapsedMs: number;
}
