// The desired state read from users/: normalised users with the source of every fact.
import type { Issue, Source } from './issue.js';
import type { PersonaTable } from './persona.js';

export type UserState = 'active' | 'inactive';
export type PhoneType = 'work' | 'work2' | 'work3' | 'work4' | 'home' | 'mobile' | 'other';

/** A phone number, normalised to E.164 with an optional extension. */
export interface Phone {
  type: PhoneType;
  /** E.164, e.g. `+13175550100`; may be absent for an extension-only work line. */
  number?: string;
  extension?: string;
  /** `PHONE` unless the user asked for an SMS-capable entry. */
  mediaType: 'PHONE' | 'SMS';
}

/** The types an other email may have: Terraform's `other_emails` allows WORK and HOME. */
export type OtherEmailType = 'work' | 'home';

/** Another email address of the user (an EMAIL entry of Genesys `addresses`), normalised like emails. */
export interface OtherEmail {
  type: OtherEmailType;
  address: string;
}

/** A role granted in a division; an undefined division means the org's home division. */
export interface RoleGrant {
  role: string;
  division?: string;
}

export interface EmployerInfo {
  employeeId?: string;
  employeeType?: string;
  /** ISO date, `YYYY-MM-DD`. */
  dateHire?: string;
  officialName?: string;
}

/**
 * The media types of per-user routing utilization: the keys of `utilization` that Genesys's Terraform provider
 * manages (`utilizationMediaTypes` in genesyscloud/user/resource_genesyscloud_user_utils.go: call, callback, chat,
 * email, message), and the values `interruptableMediaTypes` may hold.
 */
export const MEDIA_TYPES = ['call', 'callback', 'chat', 'email', 'message'] as const;

export type MediaType = (typeof MEDIA_TYPES)[number];

/** One media type's utilization (`MediaUtilization` of the SDK); Terraform's defaults are no interrupting types and `includeNonAcd: false`. */
export interface MediaUtilization {
  /** Conversations of this type at once, 0–25 (Terraform: `validation.IntBetween(0, 25)`). */
  maximumCapacity: number;
  /** Sorted, unique. */
  interruptableMediaTypes: MediaType[];
  includeNonAcd: boolean;
}

/**
 * A user's routing utilization: `org-default` (the user has no settings of their own, `level: Organization`), or the
 * user's own settings by media type, a type left out taking the org's default (`level: Agent`).
 */
export type Utilization = 'org-default' | Partial<Record<MediaType, MediaUtilization>>;

/** A user's voicemail policy (`VoicemailUserPolicy`); a key left out is not managed. */
export interface VoicemailPolicy {
  enabled?: boolean;
  alertTimeoutSeconds?: number;
  sendEmailNotifications?: boolean;
}

/**
 * A user's WebRTC phone as users files name it: the site and the phone base settings, by name (the user-provisioning
 * starting guide's `SITENAME` and `PHONEBASE`).
 */
export interface WebrtcPhone {
  site: string;
  phoneBase: string;
}

/** The fields a user may manage besides the identity key `email`, in the schema's order. */
export const USER_FIELDS = [
  'name',
  'title',
  'department',
  'division',
  'manager',
  'state',
  'phones',
  'otherEmails',
  'roles',
  'skills',
  'languages',
  'queues',
  'groups',
  'locations',
  'acdAutoAnswer',
  'profileSkills',
  'certifications',
  'employerInfo',
  'utilization',
  'voicemail',
  'webrtcPhone',
] as const;

export type UserField = (typeof USER_FIELDS)[number];

/**
 * One user as git wants them. Undefined means "not managed": the field is never touched.
 * An explicit empty list or map means "none".
 */
export interface DesiredUser {
  /** Lower-case, trimmed, NFC: the identity key on both sides. */
  email: string;
  /** Required for a user the plan would create; a user that exists may leave it out (not managed). */
  name?: string;
  /**
   * Emails (normalised) the user had before `email`: an org user found under one of them is this user,
   * whose email the plan changes (never a second account).
   */
  formerEmails?: string[];
  title?: string;
  department?: string;
  division?: string;
  /** Email (normalised) of the manager. */
  manager?: string;
  state?: UserState;
  phones?: Phone[];
  /** Other email addresses by type (at most one per type), never the primary `email`. */
  otherEmails?: OtherEmail[];
  roles?: RoleGrant[];
  skills?: Record<string, number>;
  languages?: Record<string, number>;
  queues?: string[];
  groups?: string[];
  locations?: string[];
  acdAutoAnswer?: boolean;
  profileSkills?: string[];
  certifications?: string[];
  employerInfo?: EmployerInfo;
  utilization?: Utilization;
  voicemail?: VoicemailPolicy;
  /** The user's WebRTC phone and default station; `false`: none (an existing one is deleted). */
  webrtcPhone?: WebrtcPhone | false;
  /**
   * Whether the plan may create (or restore) this user when the org lacks them: the file's `create:`
   * setting; undefined follows the config's `users.create`.
   */
  create?: boolean;
  /** The personas the user references (`persona:` / `personas:`), when any. */
  personas?: string[];
  /** Fields whose value a persona gave (the user does not set them) → the personas that gave it. */
  fromPersonas?: Record<string, string[]>;
  /** Where the user starts (the `email` key for YAML, the row for CSV). */
  source: Source;
  /**
   * Positions of individual facts, so resolution errors point at the exact name:
   * keys are `field` (e.g. `manager`) or `field/item` (e.g. `skills/Billing`, `queues/Support`, `roles/Supervisor`).
   */
  at: Record<string, Source>;
}

/** Everything `load + validate` produced. */
export interface DesiredState {
  users: DesiredUser[];
  /** Files read, relative to the working directory, sorted. */
  files: string[];
  /** Files that could not be read or parsed at all (pruning is refused when any exist). */
  failedFiles: string[];
  issues: Issue[];
  /** sha256 over the files' names and bytes: ties a plan to its inputs. */
  digest: string;
  /** The personas defined, when any: what the plan names as the source of a value. */
  personas?: PersonaTable;
}
