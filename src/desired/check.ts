// Checks one users file on its own (parse, defaults, schema, normalisation of every user): the same code on the main thread and in a worker.
import type { DesiredUser, Issue, PersonaTable, Source } from '../model/index.js';
import { readCsvFile } from './csv-file.js';
import type { Entry, FileResult } from './entry.js';
import type { ReadFile } from './files.js';
import { normaliseEntry } from './normalise.js';
import { normalEmail } from '../rules/identity.js';
import type { PhoneCache } from './normalise.js';
import type { Declared, FormerEmail } from './rules.js';
import { pathOf, schemaIssues, validators } from './schema.js';
import type { ErrorObject } from 'ajv';
import { readYamlFile } from './yaml-file.js';
import { withPersonas } from './personas.js';

export function hasError(issues: readonly Issue[]): boolean {
  for (const issue of issues) if (issue.severity === 'error') return true;
  return false;
}

/**
 * The entry's value without what failed the schema: a field, a map entry (`skills.Billing`,
 * `phones.work`) or a list item (left as null, so the other items keep their positions). What is
 * left is checked further, so one run reports every problem, and none twice.
 */
function withoutInvalid(value: Record<string, unknown>, errors: readonly ErrorObject[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  const copied = new Set<string>();
  for (const error of errors) {
    const path = pathOf(error.instancePath);
    // An unknown key is the problem, not the map that holds it (`phones.fax` leaves the other phones to check).
    if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
    const [field, item] = path;
    if (field === undefined || !Object.hasOwn(out, field)) continue;
    const inner = out[field];
    if (item === undefined || typeof inner !== 'object' || inner === null) {
      delete out[field];
      continue;
    }
    if (!copied.has(field)) {
      out[field] = Array.isArray(inner) ? [...inner] : { ...inner };
      copied.add(field);
    }
    const container = out[field] as Record<string, unknown> | unknown[];
    if (Array.isArray(container)) container[Number(item)] = null;
    else delete container[item];
  }
  return out;
}

/**
 * Schema and normalisation for one entry; the user when it is entirely valid. A user with errors
 * still comes back as `partial` when its email is valid, for the rules across users (manager-self).
 */
export function checkEntry(entry: Entry, phoneRegion: string | undefined, phoneCache: PhoneCache): { user?: DesiredUser; partial?: DesiredUser; issues: Issue[] } {
  const issues: Issue[] = entry.issues.length > 0 ? [...entry.issues] : [];
  // Emails are compared normalised; normalising first keeps " Nina@Acme.com" from failing the format check.
  const value = entry.value;
  if (typeof value.email === 'string') value.email = normalEmail(value.email);
  if (typeof value.manager === 'string') value.manager = normalEmail(value.manager);
  const validate = validators().user;
  let valid = value;
  if (!validate(value)) {
    const errors = [...(validate.errors ?? [])];
    issues.push(...schemaIssues(errors, entry.locate));
    valid = withoutInvalid(value, errors);
  }
  const { user, issues: more } = normaliseEntry(valid === value ? entry : { ...entry, value: valid }, phoneRegion, phoneCache);
  for (const issue of more) issues.push(issue);
  if (!hasError(issues)) return { user, issues };
  return typeof valid.email === 'string' ? { partial: user, issues } : { issues };
}

/** A file read: its entries, and whether its `defaults:` block has errors (its issues reported once, with the file's). */
export interface ReadEntries {
  result: FileResult;
  defaultsIssues: Issue[];
  defaultsBroken: boolean;
}

/** Parses a file that was read (CSV or YAML) and validates its `defaults:` block. */
export function readEntries(display: string, kind: 'yaml' | 'csv', text: string): ReadEntries {
  const result: FileResult = kind === 'csv' ? readCsvFile(display, text) : readYamlFile(display, text);
  const defaultsIssues: Issue[] = [];
  if (result.defaults) {
    const d = result.defaults;
    defaultsIssues.push(...d.issues);
    const validate = validators().defaults;
    if (!validate(d.value)) defaultsIssues.push(...schemaIssues(validate.errors ?? [], d.locate));
  }
  return { result, defaultsIssues, defaultsBroken: hasError(defaultsIssues) };
}

/** The entry as it is checked: broken defaults are reported once, and the user is then checked on its own fields. */
export function entryToCheck(read: ReadEntries, entry: Entry): Entry {
  return read.defaultsBroken && entry.own ? { ...entry, value: { ...entry.own } } : entry;
}

/**
 * What the rules across users need of one user: who they are, whom they report to, where they
 * start, and which entry of which file they are (to find the manager's position when it is asked).
 */
export interface Member {
  email: string;
  manager?: string;
  /** Former emails, where they are written. */
  former?: FormerEmail[];
  source: Source;
  /** Index of the file in the sorted list of users files, and of the entry in that file. */
  file: number;
  entry: number;
}

/** A user for the rules across users; `usable` is false when it (or its file's defaults) has errors. */
export interface Candidate<U> {
  user: U;
  source: Source;
  usable: boolean;
}

/** What one file contributes to the desired state, in the order the files are merged. */
export interface FileCheck<U> {
  issues: Issue[];
  /** The file could not be read or parsed completely, or yields no user to read. */
  failed: boolean;
  entryCount: number;
  declared: Declared[];
  candidates: Candidate<U>[];
}

/**
 * Checks one file that was read. `member` decides what is kept of each user: the user itself (for
 * plan), or only what the rules across users need (for validate, and across threads).
 */
export function checkFile<U>(r: ReadFile, phoneRegion: string | undefined, phoneCache: PhoneCache, member: (user: DesiredUser, entry: number) => U, personas?: PersonaTable): FileCheck<U> {
  const check: FileCheck<U> = { issues: [], failed: false, entryCount: 0, declared: [], candidates: [] };
  const issues = check.issues;
  if (r.issue || r.text === undefined) {
    if (r.issue) issues.push(r.issue);
    check.failed = true;
    return check;
  }
  const read = readEntries(r.file.display, r.file.kind, r.text);
  const { result } = read;
  issues.push(...result.issues);
  if (result.failed) {
    check.failed = true;
    // A CSV file cut short by an unclosed quote still has the rows before it to check.
    if (result.entries.length === 0) return check;
  }
  // A file that parses but yields no user to read (no `users:` list, not a list, no email column)
  // lost every user it holds, just like one that does not parse: pruning must not count them as undeclared.
  if (result.entries.length === 0 && hasError(result.issues)) check.failed = true;
  issues.push(...read.defaultsIssues);
  const usable = !read.defaultsBroken;
  const entries = result.entries;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    check.entryCount++;
    if (typeof entry.value.email === 'string') check.declared.push({ email: normalEmail(entry.value.email), source: entry.source });
    const applied = withPersonas(entryToCheck(read, entry), personas);
    for (const issue of applied.issues) issues.push(issue);
    const checked = checkEntry(applied.entry, phoneRegion, phoneCache);
    for (const issue of checked.issues) issues.push(issue);
    if (checked.user && result.create !== undefined) checked.user.create = result.create;
    if (checked.user && applied.names) checked.user.personas = applied.names;
    if (checked.user && applied.fromPersonas) checked.user.fromPersonas = applied.fromPersonas;
    if (checked.user && applied.issues.length > 0 && hasError(applied.issues)) check.candidates.push({ user: member(checked.user, i), source: entry.source, usable: false });
    else if (checked.user) check.candidates.push({ user: member(checked.user, i), source: entry.source, usable: usable && !applied.broken });
    else if (checked.partial) check.candidates.push({ user: member(checked.partial, i), source: entry.source, usable: false });
  }
  return check;
}
