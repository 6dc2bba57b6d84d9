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
}

export interface SeedGroup extends SeedNamed {
  version?: number;
  type?: 'official' | 'social';
  visibility?: 'public' | 'owners' | 'members';
}

export interface SeedPhone {
  /** work | work2 | work3 | work4 | home | mobile | other (case-insensitive). */
  type?: string;
  /** E.164. */
  number?: string;
  extension?: string;
  mediaType?: 'PHONE' | 'SMS';
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
  roles?: SeedGrant[];
  skills?: Record<string, number>;
  languages?: Record<string, number>;
  queues?: Ref[];
  groups?: Ref[];
  locations?: Ref[];
  acdAutoAnswer?: boolean;
  profileSkills?: string[];
  certifications?: string[];
  employerInfo?: { employeeId?: string; employeeType?: string; dateHire?: string; officialName?: string };
}

/**
 * An org as people write it (YAML or JSON): objects by name, users referring to them by name.
 * Lists of named objects accept plain strings too (`skills: [Billing, Spanish]`).
 */
export interface SeedOrg {
  org?: { id?: string; name?: string; domain?: string };
  divisions?: (SeedDivision | string)[];
  skills?: (SeedNamed | string)[];
  languages?: (SeedNamed | string)[];
  roles?: (SeedRole | string)[];
  locations?: (SeedNamed | string)[];
  queues?: (SeedQueue | string)[];
  groups?: (SeedGroup | string)[];
  users?: SeedUser[];
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
  /** 5xx: the status (500, 502, 503 or 504); random when unset. */
  status?: number;
  /** 5xx: the body's form; random when unset. */
  body?: FaultBody;
  /** latency: the delay range in ms. */
  minMs?: number;
  maxMs?: number;
  /** 429: how long the storm lasts (every matching request answers 429 meanwhile); timeout: how long the socket hangs. */
  durationMs?: number;
}

/** One exact fault: the `nth` matching request (counted from when it is scripted) meets `kind`. */
export interface ScriptedFault {
  method: string;
  path: string;
  /** 1-based; default 1. */
  nth?: number;
  kind: FaultKind;
  status?: number;
  body?: FaultBody;
  /** latency: the delay; timeout kinds: how long the socket hangs before it is destroyed (default 60 s). */
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
