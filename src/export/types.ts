// The export's plain data: options, one user as the users/ files express them, and the files produced.
import { USER_FIELDS } from '../model/index.js';
import type { EmployerInfo, Issue, OtherEmail, Phone, RoleGrant, UserField, Utilization, VoicemailPolicy, WebrtcPhone } from '../model/index.js';

export type ExportFormat = 'yaml' | 'csv';
export type SplitBy = 'none' | 'division' | 'department';
export type StateFilter = 'active' | 'inactive' | 'any';
export type CsvDialectName = 'canonical' | 'genesys-admin';

/** The fields a user may carry besides `email` (always exported), in schema order; `name` too, as any other. */
export type ExportField = UserField;

export const EXPORT_FIELDS: readonly ExportField[] = USER_FIELDS;

/** Fields no listing carries: reading them costs one call per user, so they are exported only when `--fields` names them. */
export const PER_USER_FIELDS = ['utilization', 'voicemail'] as const satisfies readonly ExportField[];

/** Fields read from listings of their own (the org's phones, 100 a page): exported only when `--fields` names them. */
export const LISTED_FIELDS = ['webrtcPhone'] as const satisfies readonly ExportField[];

/** What an export writes without `--fields`: every field but the per-user and separately listed ones. */
export const DEFAULT_EXPORT_FIELDS: readonly ExportField[] = EXPORT_FIELDS.filter((f) => !(PER_USER_FIELDS as readonly string[]).includes(f) && !(LISTED_FIELDS as readonly string[]).includes(f));

export interface ExportOptions {
  format: ExportFormat;
  splitBy: SplitBy;
  state: StateFilter;
  /** Division names (matched case-insensitively); empty means every division. */
  divisions: string[];
  /** Email domains; empty means every domain. */
  emailDomains: string[];
  /** The fields to write; `DEFAULT_EXPORT_FIELDS` when undefined. */
  fields?: readonly ExportField[];
  csvDialect: CsvDialectName;
  /** Path written on YAML files' `$schema` line (relative to the output folder); no line when undefined. */
  schemaRef?: string;
  /** The largest file to write, in bytes; the users files' limit (what validate accepts) when undefined. */
  maxFileBytes?: number;
  /** Propose personas for users sharing the same roles, skills, languages, queues and groups (`--personas`); `schemaRef` is the personas file's `$schema` path. */
  personas?: { schemaRef?: string };
}

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = {
  format: 'yaml',
  splitBy: 'none',
  state: 'any',
  divisions: [],
  emailDomains: [],
  csvDialect: 'canonical',
};

/** A name → proficiency pair; a list, not a map, so names like "10" keep their order. */
export type Level = readonly [name: string, level: number];

/** Why part of a user could not be written. */
export interface ExportNote {
  code: string;
  message: string;
}

/** One user as the users/ format says them: names, sorted lists, only the fields that are set. */
export interface ExportUser {
  email: string;
  /** Left out when `--fields` does not ask for it (adopt-only files leave names to the identity provider). */
  name?: string;
  title?: string;
  department?: string;
  division?: string;
  manager?: string;
  state?: 'inactive';
  /** Sorted by type (work, work2–4, mobile, home, other); one per type. */
  phones?: Phone[];
  /** Work before home; one per type. */
  otherEmails?: OtherEmail[];
  /** Sorted by role, then home division first, then division. */
  roles?: RoleGrant[];
  skills?: Level[];
  languages?: Level[];
  queues?: string[];
  groups?: string[];
  locations?: string[];
  acdAutoAnswer?: boolean;
  profileSkills?: string[];
  certifications?: string[];
  employerInfo?: EmployerInfo;
  utilization?: Utilization;
  voicemail?: VoicemailPolicy;
  /** The persona (proposed by `--personas`) that gives this user's roles, skills, languages, queues and groups. */
  persona?: string;
  /** The WebRTC phone's site and phone base (never `false`: a user without a phone leaves the field unmanaged). */
  webrtcPhone?: WebrtcPhone;
  /** What this user's file is chosen by (taken from the org whatever `fields` keeps). */
  groupBy: { division: string | undefined; department: string | undefined };
  notes: ExportNote[];
}

export interface ExportFile {
  /** File name inside the output folder, e.g. `support.yaml`. */
  name: string;
  text: string;
  users: number;
  /** Set on the personas file: it goes to the personas folder, and holds this many personas. */
  personas?: number;
}

export interface ExportResult {
  files: ExportFile[];
  /** Per-user warnings carry the file (name inside the output folder) and line; org-wide ones carry neither. */
  warnings: Issue[];
  users: number;
}
