// The desired state: loads provision.yaml and users/ (YAML and CSV), validates everything, reports every problem at once.
import path from 'node:path';
import type { DesiredState, DesiredUser, Issue, ProvisionConfig, Source } from '../model/index.js';
import { checkFile, hasError } from './check.js';
import type { Candidate, FileCheck } from './check.js';
import { MAX_FILE_BYTES, MAX_INPUT_BYTES, createDigest, displayPath, findFiles, inputBytes, megabytes, readUsersFile } from './files.js';
import type { FoundFile } from './files.js';
import { issueAt, sortIssues } from './issues.js';
import type { PhoneCache } from './normalise.js';
import { duplicateEmails, formerEmailIssues, formerEmailsOf, managerGraphIssues } from './rules.js';
import type { Declared, FormerEmail, ManagerNode } from './rules.js';
import { checkFilesInThreads, managerPositions, workersFor } from './threads.js';
import { loadPersonas, personasDirOf } from './personas.js';
import type { PersonaLoad } from './personas.js';

export { loadConfig, defaultConfig } from './config.js';
export { allOrgs, orgNames, selectOrg } from './orgs.js';
export { parsePhone } from './normalise.js';
export { MAX_FILE_BYTES, MAX_INPUT_BYTES } from './files.js';
export { detectDialect } from './csv-file.js';
export type { CsvDialect } from './csv-file.js';

export interface LoadOptions {
  /** Folder that relative paths (and shown file names) are relative to; the process's by default. */
  cwd?: string;
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

/** What is found before anything is parsed: the files, the problems finding them, and a refusal when they are too large together. */
interface Inputs {
  files: FoundFile[];
  issues: Issue[];
  failedFiles: string[];
  /** Where a problem of the whole input is reported: the one path given, if one. */
  where?: Source;
  total: number;
  /** The personas the users may take, read before the users. */
  personas: PersonaLoad;
}

async function findInputs(paths: string[], config: ProvisionConfig, cwd: string): Promise<Inputs> {
  const targets = paths.length > 0 ? paths : (config.usersDirs ?? [config.usersDir]);
  const found = await findFiles(targets, cwd, { prune: config.scope.prune });
  const { issues, failed } = found;
  // A personas folder kept inside the users folder holds personas, not users.
  const personasDir = personasDirOf(config) + path.sep;
  const files = found.files.filter((f) => !f.absolute.startsWith(personasDir));
  const where = targets.length === 1 ? { file: displayPath(path.resolve(cwd, targets[0]!), cwd), line: 0 } : undefined;
  const personas = await loadPersonas(config, cwd);
  // Skipped or refused users files (hidden under prune, links out of the working directory) failed to load too.
  return { files, issues: [...issues, ...personas.issues], failedFiles: [...failed, ...personas.failedFiles], where, total: await inputBytes(files), personas };
}

/** The personas files (and provision.yaml, when it holds personas) join the digest after the users files, only when personas are defined: a plan without them keeps its digest. */
function digestPersonas(digest: ReturnType<typeof createDigest>, inputs: Inputs): void {
  if (!inputs.personas.table) return;
  for (const r of inputs.personas.read) digest.add(r);
}

/** Past the total size, no file is read at all. */
function refusal(inputs: Inputs): Omit<DesiredState, 'users'> | undefined {
  if (inputs.total <= MAX_INPUT_BYTES) return undefined;
  const { files, failedFiles, where } = inputs;
  const issues = [
    ...inputs.issues,
    issueAt(
      where,
      'error',
      'input-too-large',
      `The users files come to ${megabytes(inputs.total)} MB; provision reads at most ${MAX_INPUT_BYTES / 1024 / 1024} MB at once.`,
      `Nothing was read. Each file may hold up to ${MAX_FILE_BYTES / 1024 / 1024} MB; validate and plan fewer or smaller files, or remove what is not users data.`,
    ),
  ];
  return { files: files.map((f) => f.display), failedFiles: [...failedFiles, ...files.map((f) => f.display)].sort(), issues: sortIssues(issues), digest: createDigest().hex() };
}

/**
 * The files' checks merged in file order, then the rules across files: duplicate emails, and the
 * manager graph over the users that are not duplicates. The same order of issues however the files
 * were checked.
 */
function merge<U extends ManagerNode>(
  inputs: Inputs,
  checks: readonly FileCheck<U>[],
  managerAt: (user: U) => Source | undefined,
  formerOf: (user: U) => readonly FormerEmail[] | undefined,
): { state: Omit<DesiredState, 'users' | 'digest'>; users: U[] } {
  const { files, where } = inputs;
  const issues: Issue[] = [...inputs.issues];
  const failedFiles: string[] = [...inputs.failedFiles];
  const declared: Declared[] = [];
  const candidates: Candidate<U>[] = [];
  let entryCount = 0;
  checks.forEach((check, i) => {
    for (const issue of check.issues) issues.push(issue);
    if (check.failed) failedFiles.push(files[i]!.display);
    entryCount += check.entryCount;
    for (const d of check.declared) declared.push(d);
    for (const c of check.candidates) candidates.push(c);
  });

  const duplicates = duplicateEmails(declared);
  issues.push(...duplicates.issues);
  const unique = duplicates.duplicates.size === 0 ? candidates : candidates.filter((c) => !duplicates.duplicates.has(c.source));
  const declaredAt = new Map<string, Source>();
  for (const d of declared) if (!declaredAt.has(d.email)) declaredAt.set(d.email, d.source);
  issues.push(...managerGraphIssues(unique.map((c) => c.user), new Set(declaredAt.keys()), managerAt));
  issues.push(...formerEmailIssues(unique.map((c) => c.user), declaredAt, formerOf));
  const users = unique.filter((c) => c.usable).map((c) => c.user);

  if (files.length > 0 && entryCount === 0 && failedFiles.length === 0 && !hasError(issues)) {
    issues.push(issueAt(where, 'error', 'no-users', 'No users are declared in these files.', 'An empty desired state is refused: it could only remove users. Declare at least one user.'));
  }
  return { state: { files: files.map((f) => f.display), failedFiles: failedFiles.sort(), issues: sortIssues(dedupe(issues)) }, users };
}

/**
 * Reads and validates the users files under `paths` (files or folders; default the config's usersDir).
 * Never throws for bad input: problems are in `issues`; only entirely valid users are returned.
 */
export async function loadDesired(paths: string[], config: ProvisionConfig, options: LoadOptions = {}): Promise<DesiredState> {
  const inputs = await findInputs(paths, config, options.cwd ?? process.cwd());
  const refused = refusal(inputs);
  if (refused) return { users: [], ...refused };
  const digest = createDigest();
  const phoneCache: PhoneCache = new Map();
  const checks: FileCheck<DesiredUser>[] = [];
  // One file at a time: only one file's text and parse tree is alive at once.
  for (const file of inputs.files) {
    const r = await readUsersFile(file);
    digest.add(r);
    checks.push(checkFile(r, config.phoneRegion, phoneCache, (user) => user, inputs.personas.table));
  }
  digestPersonas(digest, inputs);
  const { state, users } = merge(inputs, checks, (u) => u.at.manager, formerEmailsOf);
  const table = inputs.personas.table;
  return { users, ...state, digest: digest.hex(), ...(table ? { personas: table } : {}) };
}

/** What `validateDesired` finds: `DesiredState` with the number of valid users instead of the users. */
export type DesiredSummary = Omit<DesiredState, 'users'> & { userCount: number };

export interface ValidateOptions extends LoadOptions {
  /** Workers to check files in besides the main thread; by default none for small inputs, else one per spare core (at most 3). */
  workers?: number;
  /** False leaves every file to the workers (tests: the workers' results must read exactly as the main thread's). */
  mainThreadChecks?: boolean;
}

/**
 * Validates exactly as `loadDesired` does (the same issues, in the same order) without keeping the
 * users: what `provision validate` needs. Large inputs are checked in worker threads as well as
 * this one; the rules across files run once all files are checked.
 */
export async function validateDesired(paths: string[], config: ProvisionConfig, options: ValidateOptions = {}): Promise<DesiredSummary> {
  const inputs = await findInputs(paths, config, options.cwd ?? process.cwd());
  const refused = refusal(inputs);
  if (refused) return { userCount: 0, ...refused };
  const workers = options.workers ?? workersFor(inputs.total, inputs.files.length);
  const checked = await checkFilesInThreads(inputs.files, config.phoneRegion, { workers, main: options.mainThreadChecks, personas: inputs.personas.table });
  const digest = createDigest();
  checked.forEach((c, i) => digest.add({ file: inputs.files[i]!, bytes: c.bytes }));
  digestPersonas(digest, inputs);
  const managerAt = managerPositions(inputs.files, checked, config.phoneRegion);
  const { state, users } = merge(
    inputs,
    checked.map((c) => c.check),
    managerAt,
    (m) => m.former,
  );
  return { userCount: users.length, ...state, digest: digest.hex() };
}
