// Personas read and checked (provision.yaml `personas:` and the personas/ folder), their includes resolved, and a user's personas applied to the user's fields.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Bundle, Issue, Origin, PersonaDef, PersonaPath, PersonaTable, ProvisionConfig, Source } from '../model/index.js';
import { PERSONA_FIELDS, USER_FIELDS } from '../model/index.js';
import { combine, originOf, overlay, ownBundle, pathKey } from '../rules/personas.js';
import type { Conflict } from '../rules/personas.js';
import type { Entry, Path } from './entry.js';
import { displayPath, findFiles, readUsersFile } from './files.js';
import type { ReadFile } from './files.js';
import { didYouMeanHint, issueAt } from './issues.js';
import { pathOf, schemaIssues, validators } from './schema.js';
import { readYamlValue } from './yaml-file.js';

/** The folder personas files are read from: the config's `personasDir` (`personas` beside provision.yaml unless set), else `personas` next to the users folder. */
export function personasDirOf(config: ProvisionConfig): string {
  return config.personasDir ?? path.join(path.dirname(config.usersDir), 'personas');
}

/** What reading the personas gave: the table (undefined when none are defined), the problems, and the files read (for the inputs digest). */
export interface PersonaLoad {
  table?: PersonaTable;
  issues: Issue[];
  read: ReadFile[];
  failedFiles: string[];
}

/** One `personas:` map with a way to find positions in it. */
interface Document {
  file: string;
  value: unknown;
  locate(path: Path, key?: boolean): Source;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MANAGED: ReadonlySet<string> = new Set(PERSONA_FIELDS);
const PERSONAL: ReadonlySet<string> = new Set(['email', 'formerEmails', 'persona', ...USER_FIELDS.filter((f) => !MANAGED.has(f))]);

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every position inside a persona's value, so that its users' problems point into it from any thread. */
function positionsIn(doc: Document, base: Path, value: unknown, at: Record<string, Source>, keyAt: Record<string, Source>, rel: (string | number)[] = []): void {
  at[pathKey(rel)] = doc.locate([...base, ...rel]);
  if (rel.length > 0) keyAt[pathKey(rel)] = doc.locate([...base, ...rel], true);
  if (Array.isArray(value)) value.forEach((item, i) => positionsIn(doc, base, item, at, keyAt, [...rel, i]));
  else if (isMap(value)) for (const [k, item] of Object.entries(value)) positionsIn(doc, base, item, at, keyAt, [...rel, k]);
}

/** A persona file's or provision.yaml's `personas:` checked by the schema; the names of personas with errors. */
function schemaCheck(doc: Document, whole: unknown, issues: Issue[]): Set<string> {
  const broken = new Set<string>();
  const validate = validators().personas;
  if (validate(whole)) return broken;
  const errors = validate.errors ?? [];
  for (const error of errors) {
    const [, name] = pathOf(error.instancePath);
    if (name !== undefined) broken.add(name);
  }
  for (const issue of schemaIssues(errors, doc.locate)) {
    const field = /^Unknown field "([^"]+)" in personas\..+\.$/.exec(issue.message)?.[1];
    if (issue.code === 'unknown-field' && field !== undefined && PERSONAL.has(field)) {
      issues.push({ ...issue, code: 'persona-field', message: `A persona cannot set "${field}": it is each user's own.`, hint: `Personas set only what several users share: ${PERSONA_FIELDS.join(', ')}. Write ${field} on each user.` });
    } else {
      issues.push(issue);
    }
  }
  return broken;
}

/** The `personas:` documents: provision.yaml's, then each personas file's, in name order. */
async function documents(config: ProvisionConfig, cwd: string, load: PersonaLoad): Promise<Document[]> {
  const docs: Document[] = [];
  if (config.configFile) {
    const shown = displayPath(config.configFile, cwd);
    const text = await readFile(config.configFile, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const parsed = readYamlValue(shown, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      load.read.push({ file: { absolute: config.configFile, display: shown, kind: 'yaml' }, bytes: Buffer.from(text) });
      if (!parsed.failed && isMap(parsed.value) && parsed.value.personas !== undefined) docs.push({ file: shown, value: { personas: parsed.value.personas }, locate: parsed.locate });
    }
  }
  const dir = personasDirOf(config);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return docs;
  const found = await findFiles([dir], cwd);
  // An empty personas folder is no problem: personas are optional.
  load.issues.push(...found.issues.filter((i) => i.code !== 'empty-folder'));
  load.failedFiles.push(...found.failed);
  for (const file of found.files) {
    if (file.kind !== 'yaml') {
      load.issues.push(issueAt({ file: file.display, line: 1, column: 1 }, 'error', 'unsupported-file-type', `${file.display} is not a personas file.`, 'Personas files are YAML (.yaml or .yml) with a `personas:` map.'));
      load.failedFiles.push(file.display);
      continue;
    }
    const r = await readUsersFile(file);
    load.read.push(r);
    if (r.issue || r.text === undefined) {
      if (r.issue) load.issues.push(r.issue);
      load.failedFiles.push(file.display);
      continue;
    }
    const parsed = readYamlValue(file.display, r.text);
    load.issues.push(...parsed.issues);
    if (parsed.failed) {
      load.failedFiles.push(file.display);
      continue;
    }
    docs.push({ file: file.display, value: parsed.value, locate: parsed.locate });
  }
  return docs;
}

/** Where a persona's value at `path` is written (the key's position when `key`), from the nearest position known. */
export function positionIn(def: PersonaDef, path: PersonaPath, key = false): Source {
  if (key && path.length > 0) {
    const found = def.keyAt[pathKey(path)];
    if (found) return found;
  }
  for (let n = path.length; n >= 0; n--) {
    const found = def.at[pathKey(path.slice(0, n))];
    if (found) return found;
  }
  return def.source;
}

/** Where an origin is written. */
export function originSource(table: PersonaTable, origin: Origin, key = false): Source | undefined {
  const def = table.personas[origin.persona];
  return def && positionIn(def, origin.path, key);
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** A conflict, reported where both values are written. */
function conflictIssues(table: PersonaTable, conflict: Conflict, bundles: readonly Bundle[], hint: string): Issue[] {
  const valueOf = (o: Origin): unknown => {
    const def = table.personas[o.persona];
    let v: unknown = def?.fields;
    for (const segment of o.path) v = isMap(v) || Array.isArray(v) ? (v as Record<string, unknown>)[segment] : undefined;
    return v ?? bundles.find((b) => b.fields[conflict.field] !== undefined)?.fields[conflict.field];
  };
  const { a, b, field } = conflict;
  const message = `Personas "${a.persona}" and "${b.persona}" set ${field} differently: ${describe(valueOf(a))} and ${describe(valueOf(b))}.`;
  return [a, b].map((o) => issueAt(originSource(table, o), 'error', 'persona-conflict', message, hint));
}

/** Reads every persona, checks it, and resolves the personas each includes. */
export async function loadPersonas(config: ProvisionConfig, cwd: string): Promise<PersonaLoad> {
  const load: PersonaLoad = { issues: [], read: [], failedFiles: [] };
  const docs = await documents(config, cwd, load);
  const personas: Record<string, PersonaDef> = {};
  for (const doc of docs) {
    const root = doc.value;
    if (!isMap(root) || !isMap(root.personas)) {
      load.issues.push(issueAt(doc.locate(isMap(root) && root.personas !== undefined ? ['personas'] : []), 'error', 'schema-type', 'Personas are a `personas:` map of persona names to their fields.', 'Write `personas:` then each persona, e.g. `tier1-support:` with its skills, queues and roles.'));
      continue;
    }
    const broken = schemaCheck(doc, root, load.issues);
    for (const [name, value] of Object.entries(root.personas)) {
      const source = doc.locate(['personas', name], true);
      if (!NAME.test(name)) {
        load.issues.push(issueAt(source, 'error', 'invalid-persona-name', `"${name}" is not a valid persona name.`, 'Use letters, digits, "-", "_" and ".", starting with a letter or digit (e.g. tier1-support).'));
        continue;
      }
      const earlier = personas[name];
      if (earlier) {
        const message = `The persona "${name}" is defined twice (${earlier.source.file}:${earlier.source.line} and ${source.file}:${source.line}).`;
        load.issues.push(issueAt(earlier.source, 'error', 'duplicate-persona', message, 'Define each persona once: rename one of them, or remove it.'));
        load.issues.push(issueAt(source, 'error', 'duplicate-persona', message, 'Define each persona once: rename one of them, or remove it.'));
        earlier.broken = true;
        continue;
      }
      const fields: Record<string, unknown> = {};
      let includes: string[] = [];
      if (isMap(value)) {
        for (const [key, v] of Object.entries(value)) {
          if (key === 'personas') includes = Array.isArray(v) ? v.filter((n): n is string => typeof n === 'string') : [];
          else if (MANAGED.has(key)) fields[key] = v;
        }
      }
      const at: Record<string, Source> = {};
      const keyAt: Record<string, Source> = {};
      positionsIn(doc, ['personas', name], value, at, keyAt);
      personas[name] = { name, source, includes, fields, at, keyAt, broken: broken.has(name), resolved: ownBundle(name, fields) };
    }
  }
  const names = Object.keys(personas);
  if (names.length === 0) return load;
  const table: PersonaTable = { personas };
  resolveIncludes(table, load.issues);
  load.table = table;
  return load;
}

/** Resolves includes depth first: unknown names and cycles are reported where they are written; a persona with a broken include is broken. */
function resolveIncludes(table: PersonaTable, issues: Issue[]): void {
  const { personas } = table;
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    const def = personas[name]!;
    state.set(name, 'open');
    const parts: Bundle[] = [];
    def.includes.forEach((include, i) => {
      const where = positionIn(def, ['personas', i]);
      const target = personas[include];
      if (!target) {
        issues.push(issueAt(where, 'error', 'unknown-persona', `The persona "${name}" includes "${include}", which is not defined.`, didYouMeanHint(include, Object.keys(personas)) ?? `Defined personas: ${Object.keys(personas).sort().join(', ')}.`));
        def.broken = true;
        return;
      }
      if (state.get(include) === 'open') {
        const cycle = [...trail.slice(trail.indexOf(include)), name, include];
        issues.push(issueAt(where, 'error', 'persona-cycle', `The persona "${name}" includes "${include}", which includes it back: ${cycle.join(' → ')}.`, 'Personas may include others, but never themselves: remove one of the includes.'));
        def.broken = true;
        return;
      }
      if (state.get(include) !== 'done') visit(include, [...trail, name]);
      if (target.broken) def.broken = true;
      parts.push(target.resolved);
    });
    if (parts.length > 0) {
      const { bundle, conflicts } = combine(parts);
      for (const conflict of conflicts) {
        if (Object.hasOwn(def.fields, conflict.field)) continue;
        issues.push(...conflictIssues(table, conflict, parts, `The persona "${name}" includes both; set ${conflict.field} in "${name}" itself to choose.`));
        def.broken = true;
      }
      // A persona adds to what it includes (sets united, the highest proficiency); a scalar of its own wins.
      const own = ownBundle(name, def.fields);
      const all = combine([bundle, own]);
      const mine: Record<string, unknown> = {};
      for (const c of all.conflicts) mine[c.field] = def.fields[c.field];
      def.resolved = all.conflicts.length > 0 ? overlay(all.bundle, ownBundle(name, mine)) : all.bundle;
    }
    state.set(name, 'done');
  };
  for (const name of Object.keys(personas).sort()) if (!state.has(name)) visit(name, []);
}

/** The personas a set of references combines to, worked out once per set (most users share a few). */
interface Combined {
  bundle?: Bundle;
  conflicts: Conflict[];
  unknown: number[];
  broken: boolean;
  /** Where each field came from, for users who set none of the fields (shared by them). */
  from?: Record<string, string[]>;
}

const combinedCache = new WeakMap<PersonaTable, Map<string, Combined>>();

function combinedFor(table: PersonaTable, names: readonly string[]): Combined {
  let cache = combinedCache.get(table);
  if (!cache) combinedCache.set(table, (cache = new Map()));
  const key = names.join('\u0000');
  let found = cache.get(key);
  if (found) return found;
  const parts: Bundle[] = [];
  const unknown: number[] = [];
  let broken = false;
  names.forEach((name, i) => {
    const def = Object.hasOwn(table.personas, name) ? table.personas[name] : undefined;
    if (!def) unknown.push(i);
    else {
      if (def.broken) broken = true;
      parts.push(def.resolved);
    }
  });
  const { bundle, conflicts } = parts.length > 0 ? combine(parts) : { bundle: undefined, conflicts: [] };
  found = { bundle, conflicts, unknown, broken };
  cache.set(key, found);
  return found;
}

/** Field → the personas that gave it, for the fields the user does not set. */
function fromPersonasOf(bundle: Bundle, own: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const field in bundle.fields) if (!Object.hasOwn(own, field)) out[field] = bundle.by[field] ?? [];
  return out;
}

/** A user with their personas applied: the entry to check, the problems of the references, and where each persona-given field came from. */
export interface WithPersonas {
  entry: Entry;
  issues: Issue[];
  /** A persona the user takes has errors (reported once, where they are written): the user is not usable. */
  broken: boolean;
  names?: string[];
  fromPersonas?: Record<string, string[]>;
}

/**
 * Applies the personas a user takes: file defaults < personas < the user's own fields. A field the
 * user sets replaces the personas' value for it; the personas' fields replace the file's defaults.
 */
export function withPersonas(entry: Entry, table: PersonaTable | undefined): WithPersonas {
  const value = entry.value;
  const own = entry.own ?? value;
  // The user's own references win over the file defaults' ones.
  const refs = own.persona !== undefined || own.personas !== undefined ? own : value;
  const single = refs.persona;
  const list = refs.personas;
  if (single === undefined && list === undefined) return { entry, issues: [], broken: false };
  const issues: Issue[] = [];
  if (single !== undefined && list !== undefined) {
    issues.push(issueAt(entry.locate(['personas'], true), 'error', 'persona-twice', 'The user has both `persona` and `personas`.', 'Use one: `personas: [a, b]` lists them all.'));
    return { entry, issues, broken: false };
  }
  // A reference of the wrong type is the schema's to report.
  const names = typeof single === 'string' ? [single] : Array.isArray(list) && list.every((n) => typeof n === 'string') ? (list as string[]) : undefined;
  if (!names) return { entry, issues, broken: false };
  const refAt = (i: number): Source => entry.locate(single !== undefined ? ['persona'] : ['personas', i]);
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) issues.push(issueAt(refAt(i), 'error', 'duplicate-name', `The persona "${name}" is listed twice.`, 'Remove one of them.'));
    seen.add(name);
  });
  const known = table?.personas ?? {};
  const combined = table ? combinedFor(table, names) : { bundle: undefined, conflicts: [], unknown: names.map((_, i) => i), broken: false };
  for (const i of combined.unknown) {
    const name = names[i]!;
    const defined = Object.keys(known).sort();
    const hint = didYouMeanHint(name, defined) ?? (defined.length > 0 ? `Defined personas: ${defined.join(', ')}.` : 'No personas are defined: add them under `personas:` in provision.yaml or in a file of the personas/ folder.');
    issues.push(issueAt(refAt(i), 'error', 'unknown-persona', `The persona "${name}" is not defined.`, hint));
  }
  const bundle = combined.bundle;
  if (!bundle || !table) return { entry, issues, broken: combined.broken };
  for (const conflict of combined.conflicts) {
    if (Object.hasOwn(own, conflict.field)) continue;
    issues.push(...conflictIssues(table, conflict, [bundle], `A user takes both (first ${entry.source.file}:${entry.source.line}); set ${conflict.field} on the user, or make the personas agree.`));
  }
  // The entry's value is this user's own copy (the readers build one per user): the personas' fields go straight in.
  // (For CSV the value is the user's own too: what the user sets is found before anything is added.)
  let overridden = false;
  for (const field in bundle.fields) {
    if (!Object.hasOwn(own, field)) continue;
    overridden = true;
    break;
  }
  // Most users set none of their personas' fields: they share one account of where each field came from.
  const fromPersonas = overridden ? fromPersonasOf(bundle, own) : (combined.from ??= fromPersonasOf(bundle, own));
  const merged = value;
  for (const field in fromPersonas) merged[field] = bundle.fields[field];
  if (Object.keys(fromPersonas).length === 0) return { entry, issues, broken: combined.broken, names };
  const locate = (p: Path, key = false): Source => {
    if (p.length > 0 && Object.hasOwn(fromPersonas, String(p[0]))) {
      const origin = originOf(bundle, p);
      const found = origin && originSource(table, origin, key);
      if (found) return found;
    }
    return entry.locate(p, key);
  };
  // Positions are then found in the merged value, which the user keeps (only users who take personas do).
  const applied: Entry = entry.own ? { file: entry.file, source: entry.source, value: merged, own: entry.own, issues: entry.issues, locate } : { file: entry.file, source: entry.source, value: merged, issues: entry.issues, locate };
  return { entry: applied, issues, broken: combined.broken, names, fromPersonas };
}
