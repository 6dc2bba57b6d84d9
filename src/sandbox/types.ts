// The sandbox's public data types: the human-writable seed, fault rules, scripted faults and the request log.

/** A reference to a named object: its name, or its id. */
export type Ref = string;

export interface SeedNamed {
  id?: string;
  name: string;
  description?: string;
}

export interface SeedDivision extends SeedNamed {
  /** Exactly one division is the home division; the first one when none says so. */
  home?: boolean;
}

export interface SeedRole extends SeedNamed {
  permissions?: string[];
}

export interface SeedQueue extends SeedNamed {
  /** Division name or id; the home division when absent. */
  division?: Ref;
  /** Groups (names or ids) whose members are members of the queue too (`memberBy: group`). */
  memberGroups?: Ref[];
}

export interface SeedGroup extends SeedNamed {
  version?: number;
  type?: 'official' | 'social';
  visibility?: 'public' | 'owners' | 'members';
  /** Roles may be granted to the group; default true. */
  rolesEnabled?: boolean;
  /** Roles granted to the group (its members hold them through it), like a user's `roles`. */
  roles?: SeedGrant[];
}

export interface SeedPhone {
  /** work | work2 | work3 | work4 | home | mobile | other (case-insensitive). */
  type?: string;
  /** E.164. */
  number?: string;
  extension?: string;
  mediaType?: 'PHONE' | 'SMS';
}

/** Another email address of a user (an EMAIL entry of `addresses`, besides the primary email). */
export interface SeedOtherEmail {
  /** work | home (case-insensitive): the types Terraform's `other_emails` allows. */
  type?: string;
  address: string;
}

/** A location of a user, with the user's own notes on it. */
export interface SeedUserLocation {
  location: Ref;
  notes?: string;
}

/**
 * An extension pool (TelephonyProvidersEdgeApi `ExtensionPool`): extensions from `startNumber` to
 * `endNumber` are internal extensions the org can map to users.
 */
export interface SeedExtensionPool {
  id?: string;
  name?: string;
  startNumber: string;
  endNumber: string;
  /** Division name or id; the home division when absent. */
  division?: Ref;
}

/**
 * Phone base settings (TelephonyProvidersEdgeApi `PhoneBase`): the WebRTC softphone's meta base
 * unless `phoneMetaBase` names another, and its line bases (one, named `<name>_1`, when absent).
 */
export interface SeedPhoneBase {
  id?: string;
  name: string;
  description?: string;
  phoneMetaBase?: string;
  lines?: (string | { id?: string; name: string })[];
}

/**
 * A phone (TelephonyProvidersEdgeApi `Phone`) by the names or ids of its site and phone base; a
 * WebRTC phone names its user (`webRtcUser`: email or id) and has a station, visible at once.
 */
export interface SeedPhoneDevice {
  id?: string;
  version?: number;
  name: string;
  site: Ref;
  phoneBase: Ref;
  webRtcUser?: string;
  /** The phone's line base (id or name of one of the phone base's lines); the first one when absent. */
  lineBase?: Ref;
  /** Its lines; one line on `lineBase`, named after it, when absent. */
  lines?: { id?: string; name: string; lineBase?: Ref }[];
  /** The WebRTC station's id. */
  stationId?: string;
  /** The station is its user's default station. */
  defaultStation?: boolean;
}

/** A role grant: a role name (home division), or a role in a named division. */
export type SeedGrant = Ref | { role: Ref; division?: Ref };

export interface SeedUser {
  id?: string;
  version?: number;
  email: string;
  name: string;
  title?: string;
  department?: string;
  division?: Ref;
  /** The manager's email (or id). */
  manager?: string;
  state?: 'active' | 'inactive' | 'deleted';
  /** ISO time of the soft delete, for deleted users. */
  dateDeleted?: string;
  phones?: SeedPhone[];
  otherEmails?: SeedOtherEmail[];
  roles?: SeedGrant[];
  skills?: Record<string, number>;
  languages?: Record<string, number>;
  queues?: Ref[];
  groups?: Ref[];
  locations?: (Ref | SeedUserLocation)[];
  acdAutoAnswer?: boolean;
  profileSkills?: string[];
  certifications?: string[];
  employerInfo?: { employeeId?: string; employeeType?: string; dateHire?: string; officialName?: string };
  /** The user's own utilization (absent: the org's default), as the API's PUT stored it. */
  utilization?: { utilization: Record<string, { maximumCapacity?: number; interruptableMediaTypes?: string[]; includeNonAcd?: boolean }>; labelUtilizations?: Record<string, { maximumCapacity?: number; interruptingLabelIds?: string[] }> };
  voicemail?: { enabled: boolean; alertTimeoutSeconds: number; sendEmailNotifications: boolean; modifiedDate?: string };
}

/**
 * An org as people write it (YAML or JSON): objects by name, users referring to them by name.
 * Lists of named objects accept plain strings too (`skills: [Billing, Spanish]`).
 */
/** An OAuth client a seed declares: its credentials and, for permission mode, its roles. */
export interface SeedClient {
  id: string;
  secret: string;
  tokenLifetimeSeconds?: number;
  /** Permissions (`domain:entity:action`, `*` for the entity or the action) in divisions (names or ids; `*` or none: all). */
  roles?: { name?: string; permissions: string[]; divisions?: Ref[] }[];
}

export interface SeedOrg {
  /** `defaultCountryCode` (ISO 3166 alpha-2, default US): numbers of that country are displayed in national form. */
  org?: { id?: string; name?: string; domain?: string; defaultCountryCode?: string };
  divisions?: (SeedDivision | string)[];
  skills?: (SeedNamed | string)[];
  languages?: (SeedNamed | string)[];
  roles?: (SeedRole | string)[];
  locations?: (SeedNamed | string)[];
  queues?: (SeedQueue | string)[];
  groups?: (SeedGroup | string)[];
  extensionPools?: SeedExtensionPool[];
  /** Telephony sites (`GET /telephony/providers/edges/sites`). */
  sites?: (SeedNamed | string)[];
  phoneBases?: (SeedPhoneBase | string)[];
  /** Phones, after the users (a WebRTC phone names its user). */
  phones?: SeedPhoneDevice[];
  users?: SeedUser[];
  /** OAuth clients (instead of the default one); clients with roles turn permission mode on. Not kept in the state file. */
  clients?: SeedClient[];
}

export type FaultKind =
  | '5xx'
  | '429'
  | 'latency'
  | 'drop'
  | 'timeout'
  | 'drop-after-commit'
  | 'timeout-after-commit'
  | 'revoke'
  | 'editor'
  | 'sub-conflict'
  | 'stale-read'
  | 'auth-lag'
  | 'drop-expand';

export type FaultBody = 'json' | 'html' | 'empty';

export interface RoutePattern {
  /** `GET`, `POST`, … or `*`. */
  method: string;
  /** `/api/v2/users/{id}`: `{x}` or `*` matches one segment, a trailing `**` the rest. */
  path: string;
}

/** A random fault: each matching request meets it with `probability`. */
export interface FaultRule {
  kind: FaultKind;
  /** 0..1; latency rules default to 1. */
  probability: number;
  /** Unset: every /api/v2 request. */
  route?: RoutePattern;
  /** 5xx: the status (500, 502, 503 or 504); sub-conflict: 409, 400 or 408; random when unset. */
  status?: number;
  /** 5xx: the body's form; random when unset. */
  body?: FaultBody;
  /** latency: the delay range in ms. */
  minMs?: number;
  maxMs?: number;
  /**
   * 429: how long the storm lasts (every matching request answers 429 meanwhile); timeout: how long the socket hangs;
   * sub-conflict: how long after a versioned write the user counts as being patched; stale-read: how long a read may lag a write.
   * auth-lag: how long a role or division created through the API stays unknown to grants.
   */
  durationMs?: number;
}

/** One exact fault: the `nth` matching request (counted from when it is scripted) meets `kind`. */
export interface ScriptedFault {
  method: string;
  path: string;
  /** 1-based; default 1. */
  nth?: number;
  kind: FaultKind;
  /** 5xx: the status; sub-conflict: 409 (default), 400 or 408, answered whether or not the user is being patched. */
  status?: number;
  body?: FaultBody;
  /**
   * latency: the delay; timeout kinds: how long the socket hangs before it is destroyed (default 60 s); stale-read: how
   * far back a write may be for the read to show the user as it was before it (default 1 s).
   */
  ms?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** 0 when no answer was sent (dropped or timed-out connection). */
  status: number;
  /** Time spent answering, in ms. */
  ms: number;
  /** Epoch ms when the request arrived. */
  at: number;
  /** The fault this request met, if any. */
  fault?: FaultKind;
}

/**
 * The sandbox's sense of time: token expiry, rate-limit windows, fault windows, search lag, `latency` faults.
 * The real clock by default; a test may hand in one it moves itself (shared with the client under test).
 * Held connections (`timeout` faults) always wait in real time: the client's socket timeout is real.
 */
export interface SandboxClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
