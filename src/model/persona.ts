// Personas: named bundles of user fields defined once and referenced by users, and what the plan says of them.
import { USER_FIELDS } from './desired.js';
import type { UserField } from './desired.js';
import type { Source } from './issue.js';

/** Identity and personal fields: each user's own, never a persona's (`formerEmails` is no managed field either). */
const PERSONAL_FIELDS = ['name', 'manager', 'state', 'phones', 'otherEmails', 'employerInfo'] as const;

export type PersonaField = Exclude<UserField, (typeof PERSONAL_FIELDS)[number]>;

/** The fields a persona may set: what several users share, in the schema's order. */
export const PERSONA_FIELDS: readonly PersonaField[] = USER_FIELDS.filter((f): f is PersonaField => !(PERSONAL_FIELDS as readonly string[]).includes(f));

/** A path inside a persona or a user, e.g. `['skills', 'Billing']` or `['roles', 2, 'division']`. */
export type PersonaPath = readonly (string | number)[];

/** Where a value is written: in which persona, and where inside it. */
export interface Origin {
  persona: string;
  path: PersonaPath;
}

/** Fields with where each value and item is written, as combined from one or more personas. */
export interface Bundle {
  /** Raw values, as a user would write them. */
  fields: Record<string, unknown>;
  /** A path of `fields` (segments joined with NUL) → where that value is written. */
  origin: Record<string, Origin>;
  /** Field → the personas that gave its value (where written), in order. */
  by: Record<string, string[]>;
}

/** One persona as defined, plain data (it is sent to validate's worker threads). */
export interface PersonaDef {
  name: string;
  /** The persona's name key. */
  source: Source;
  /** The personas it includes, as written. */
  includes: string[];
  /** Its own fields, as written. */
  fields: Record<string, unknown>;
  /** Positions inside the persona: path (NUL-joined) → the value's position; `keyAt` → the key's. */
  at: Record<string, Source>;
  keyAt: Record<string, Source>;
  /** True when the persona (or one it includes) has errors: users of it are not usable. */
  broken: boolean;
  /** Its fields with its includes resolved. */
  resolved: Bundle;
}

/** Every persona, by name, as the users files' checks need them. */
export interface PersonaTable {
  personas: Record<string, PersonaDef>;
}

/** Where a changed field's value came from, when a persona gave it. */
export interface PersonaOrigin {
  persona: string;
  file: string;
  line: number;
  column?: number;
}

/** One persona's share of a plan: each change its values bring, and to how many users. */
export interface PersonaSummary {
  persona: string;
  file: string;
  line: number;
  /** Users with at least one change from this persona. */
  users: number;
  /** `field`, the change as one short phrase (`+ Returns 3`), and how many users get it; sorted by field order then text. */
  changes: { field: string; change: string; users: number }[];
}
