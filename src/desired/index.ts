// The desired state: loads provision.yaml and users/ (YAML and CSV), validates everything, reports every problem at once.
import path from 'node:path';
import type { DesiredState, DesiredUser, Issue, ProvisionConfig, Source } from '../model/index.js';
import { readCsvFile } from './csv-file.js';
import type { Entry, FileResult } from './entry.js';
import { MAX_FILE_BYTES, MAX_INPUT_BYTES, createDigest, displayPath, findFiles, inputBytes, megabytes, readUsersFile } from './files.js';
import { issueAt, sortIssues } from './issues.js';
import { normalEmail } from '../rules/identity.js';
import { normaliseEntry } from './normalise.js';
import type { PhoneCache } from './normalise.js';
import { duplicateEmails, managerIssues } from './rules.js';
import type { Declared } from './rules.js';
import { pathOf, schemaIssues, validators } from './schema.js';
import type { ErrorObject } from 'ajv';
import { readYamlFile } from './yaml-file.js';

export { loadConfig, defaultConfig } from './config.js';
export { parsePhone } from './normalise.js';
export { MAX_FILE_BYTES, MAX_INPUT_BYTES } from './files.js';
export { detectDialect } from './csv-file.js';
export type { CsvDialect } from './csv-file.js';

export interface LoadOptions {
  /** Folder that relative paths (and shown file names) are relative to; the process's by default. */
  cwd?: string;
}

function hasError(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
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
function checkEntry(entry: Entry, phoneRegion: string | undefined, phoneCache: PhoneCache): { user?: DesiredUser; partial?: DesiredUser; issues: Issue[] } {
  const issues: Issue[] = [...entry.issues];
  // Emails are compared normalised; normalising first keeps " Nina@Acme.com" from failing the format check.
  for (const key of ['email', 'manager']) {
    const raw = entry.value[key];
    if (typeof raw === 'string') entry.value[key] = normalEmail(raw);
  }
  const validate = validators().user;
  let value = entry.value;
  if (!validate(value)) {
    const errors = [...(validate.errors ?? [])];
    issues.push(...schemaIssues(errors, entry.locate));
    value = withoutInvalid(value, errors);
  }
  const { user, issues: more } = normaliseEntry({ ...entry, value }, phoneRegion, phoneCache);
  issues.push(...more);
  if (!hasError(issues)) return { user, issues };
  return typeof value.email === 'string' ? { partial: user, issues } : { issues };
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.file}\0${i.line}\0${i.column}\0${i.code}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Reads and validates the users files under `paths` (files or folders; default the config's usersDir).
 * Never throws for bad input: problems are in `issues`; only entirely valid users are returned.
 */
export async function loadDesired(paths: string[], config: ProvisionConfig, options: LoadOptions = {}): Promise<DesiredState> {
  const cwd = options.cwd ?? process.cwd();
  const targets = paths.length > 0 ? paths : [config.usersDir];
  const { files, issues: findIssues, failed } = await findFiles(targets, cwd, { prune: config.scope.prune });
  const issues: Issue[] = [...findIssues];
  // Skipped or refused users files (hidden under prune, links out of the working directory) failed to load too.
  const failedFiles: string[] = [...failed];
  const where = targets.length === 1 ? { file: displayPath(path.resolve(cwd, targets[0]!), cwd), line: 0 } : undefined;
  const digest = createDigest();
  const phoneCache: PhoneCache = new Map();
  const declared: Declared[] = [];
  /** Users for the rules across users; `usable` is false when they (or their file's defaults) have errors. */
  const candidates: { user: DesiredUser; source: Source; usable: boolean }[] = [];
  let entryCount = 0;

  // The total is checked before anything is parsed: past it, no file is read at all.
  const total = await inputBytes(files);
  if (total > MAX_INPUT_BYTES) {
    issues.push(
      issueAt(
        where,
        'error',
        'input-too-large',
        `The users files come to ${megabytes(total)} MB; provision reads at most ${MAX_INPUT_BYTES / 1024 / 1024} MB at once.`,
        `Nothing was read. Each file may hold up to ${MAX_FILE_BYTES / 1024 / 1024} MB; validate and plan fewer or smaller files, or remove what is not users data.`,
      ),
    );
    return { users: [], files: files.map((f) => f.display), failedFiles: [...failedFiles, ...files.map((f) => f.display)].sort(), issues: sortIssues(issues), digest: createDigest().hex() };
  }

  // One file at a time: only one file's text and parse tree is alive at once.
  for (const file of files) {
    const r = await readUsersFile(file);
    digest.add(r);
    if (r.issue || r.text === undefined) {
      if (r.issue) issues.push(r.issue);
      failedFiles.push(r.file.display);
      continue;
    }
    const result: FileResult = r.file.kind === 'csv' ? readCsvFile(r.file.display, r.text) : readYamlFile(r.file.display, r.text);
    issues.push(...result.issues);
    if (result.failed) {
      failedFiles.push(r.file.display);
      // A CSV file cut short by an unclosed quote still has the rows before it to check.
      if (result.entries.length === 0) continue;
    }
    // A file that parses but yields no user to read (no `users:` list, not a list, no email column)
    // lost every user it holds, just like one that does not parse: pruning must not count them as undeclared.
    if (result.entries.length === 0 && hasError(result.issues)) failedFiles.push(r.file.display);
    let defaultsBroken = false;
    if (result.defaults) {
      const d = result.defaults;
      const defaultsIssues = [...d.issues];
      const validate = validators().defaults;
      if (!validate(d.value)) defaultsIssues.push(...schemaIssues(validate.errors ?? [], d.locate));
      issues.push(...defaultsIssues);
      defaultsBroken = hasError(defaultsIssues);
    }
    for (const entry of result.entries) {
      entryCount++;
      if (typeof entry.value.email === 'string') declared.push({ email: normalEmail(entry.value.email), source: entry.source });
      // Broken defaults are reported once; the users are still checked on their own fields.
      const checked = checkEntry(defaultsBroken && entry.own ? { ...entry, value: { ...entry.own } } : entry, config.phoneRegion, phoneCache);
      issues.push(...checked.issues);
      if (checked.user) candidates.push({ user: checked.user, source: entry.source, usable: !defaultsBroken });
      else if (checked.partial) candidates.push({ user: checked.partial, source: entry.source, usable: false });
    }
  }

  const duplicates = duplicateEmails(declared);
  issues.push(...duplicates.issues);
  const unique = candidates.filter((c) => !duplicates.duplicates.has(c.source));
  issues.push(...managerIssues(unique.map((c) => c.user), new Set(declared.map((d) => d.email))));
  const users = unique.filter((c) => c.usable).map((c) => c.user);

  if (files.length > 0 && entryCount === 0 && failedFiles.length === 0 && !hasError(issues)) {
    issues.push(issueAt(where, 'error', 'no-users', 'No users are declared in these files.', 'An empty desired state is refused: it could only remove users. Declare at least one user.'));
  }

  return {
    users,
    files: files.map((f) => f.display),
    failedFiles: failedFiles.sort(),
    issues: sortIssues(dedupe(issues)),
    digest: digest.hex(),
  };
}
