// `provision init`: the files a repository of users needs (config, an example, .gitignore entries, the workflows), checked before any is written.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** `create` writes the whole file; `append` adds lines to a file that may already exist (.gitignore). */
export type InitFileKind = 'create' | 'append';

export interface InitFile {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  content: string;
  kind: InitFileKind;
  /** The file is there already: a `create` then needs --force. */
  exists: boolean;
}

export interface InitSettings {
  /** Folder of the users files, relative to the repository root. */
  usersDir: string;
  /** Genesys Cloud region host written into provision.yaml. */
  environment: string;
  /** `owner/name@ref` of the provision action the workflows use. */
  action: string;
  /** The branch whose pushes are applied. */
  branch: string;
  /** Write users/example.yaml (not with --from-org, which exports the org there instead). */
  example: boolean;
  /** `--org`: several orgs, in promotion order; absent or empty, the one org (and the single-org files). */
  orgs?: string[];
}

/** What every provision repository keeps out of git: dependencies and the local sandbox org. */
export const GITIGNORE_ENTRIES = ['node_modules/', '.provision/'];

/** The consumer workflows, by file name under .github/workflows/. */
export const WORKFLOW_FILES = ['provision-plan.yml', 'provision-apply.yml', 'provision-drift.yml'] as const;

const USERS_FILE = /\.(ya?ml|csv)$/i;

/** Replaces every `__NAME__` placeholder; a placeholder without a value is a bug in the templates. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/__([A-Z_]+)__/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder ${whole} has no value`);
    return value;
  });
}

/** `/`-separated relative path from folder `from` to file `to`, prefixed with ./ when it would not start with a dot. */
function relativeRef(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join('/');
  return rel.startsWith('.') || path.isAbsolute(rel) ? rel : `./${rel}`;
}

/**
 * Where the editor finds the JSON Schemas: the copy installed in the repository's node_modules (the
 * usual case, after `npm install genesys-provision`), else a schemas/ folder of the repository, else
 * the copy next to the running program.
 */
export function schemaFolder(cwd: string, packageRoot: string, packageName: string): string {
  const installed = path.join(cwd, 'node_modules', packageName, 'schemas');
  if (existsSync(installed)) return installed;
  const local = path.join(cwd, 'schemas');
  if (existsSync(path.join(local, 'users.schema.json'))) return local;
  return path.join(packageRoot, 'schemas');
}

/** The usersDir must stay inside the repository: the workflows watch it and the plan reads it. */
export function checkUsersDir(usersDir: string): string | undefined {
  const normal = path.posix.normalize(usersDir.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (normal === '' || normal === '.' || normal.startsWith('../') || normal === '..' || path.posix.isAbsolute(normal)) return undefined;
  if (!/^[\w.\-/ ]+$/.test(normal)) return undefined;
  return normal;
}

/** The users files already in the users folder (any depth): an example would be read along with them. */
export function existingUsersFiles(cwd: string, usersDir: string): string[] {
  const root = path.join(cwd, usersDir);
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (USERS_FILE.test(entry.name)) found.push(path.relative(cwd, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return found.sort();
}

/** The lines of GITIGNORE_ENTRIES that `existing` lacks (ignoring a leading `/` and a trailing `/`). */
export function missingIgnores(existing: string): string[] {
  const have = new Set(existing.split(/\r?\n/).map((line) => line.trim().replace(/^\//, '').replace(/\/$/, '')));
  return GITIGNORE_ENTRIES.filter((entry) => !have.has(entry.replace(/\/$/, '')));
}

/** Every file init would write, with what is there already; reads the templates from `templatesDir`. */
export function planInit(cwd: string, settings: InitSettings, templatesDir: string, schemas: string): InitFile[] {
  const read = (name: string): string => readFileSync(path.join(templatesDir, name), 'utf8');
  const values = {
    ENVIRONMENT: settings.environment,
    USERS_DIR: settings.usersDir,
    ACTION: settings.action,
    BRANCH: settings.branch,
    CONFIG_SCHEMA: relativeRef(cwd, path.join(schemas, 'config.schema.json')),
    USERS_SCHEMA: relativeRef(path.join(cwd, settings.usersDir), path.join(schemas, 'users.schema.json')),
  };
  const orgsSection = settings.orgs && settings.orgs.length > 0 ? fillTemplate(read('workflows-orgs/orgs.yaml'), { ...values, ORGS_CONFIG: orgsConfig(settings) }) : '';
  const files: Omit<InitFile, 'exists'>[] = [{ path: 'provision.yaml', content: fillTemplate(read('provision.yaml'), values) + orgsSection, kind: 'create' }];
  if (settings.example) files.push({ path: `${settings.usersDir}/example.yaml`, content: fillTemplate(read('users/example.yaml'), values), kind: 'create' });
  if (settings.orgs && settings.orgs.length > 0) files.push(...orgFiles(cwd, schemas, settings, values, read));
  else {
    for (const workflow of WORKFLOW_FILES) {
      files.push({ path: `.github/workflows/${workflow}`, content: fillTemplate(read(`workflows/${workflow}`), values), kind: 'create' });
    }
  }
  const gitignore = path.join(cwd, '.gitignore');
  const current = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : '';
  const missing = missingIgnores(current);
  if (missing.length > 0) {
    const lead = current === '' ? '' : current.endsWith('\n') ? '\n' : '\n\n';
    files.push({ path: '.gitignore', content: `${lead}# provision: dependencies and the local sandbox org\n${missing.join('\n')}\n`, kind: 'append' });
  }
  return files.map((file) => ({ ...file, exists: existsSync(path.join(cwd, file.path)) }));
}

/** The suffix of an org's repository secrets: GENESYS_PLAN_CLIENT_ID_EU_PROD for org eu-prod (secret names take A-Z, 0-9 and _). */
export function secretKey(org: string): string {
  return org.toUpperCase().replace(/-/g, '_');
}

/** The orgs: entries of provision.yaml: each org in the region given, reading the shared folder and its own. */
function orgsConfig(settings: InitSettings): string {
  return (settings.orgs ?? []).map((org) => `  ${org}:\n    environment: ${settings.environment}\n    usersDir: [${settings.usersDir}, orgs/${org}]`).join('\n');
}

/**
 * With several orgs: the orgs: section appended to provision.yaml, each org's own folder, and the workflows
 * of templates/workflows-orgs/ (a matrix leg per org for plan and drift, a plan and an apply job per org for
 * apply, each apply after the org before it).
 */
function orgFiles(cwd: string, schemas: string, settings: InitSettings, values: Record<string, string>, read: (name: string) => string): Omit<InitFile, 'exists'>[] {
  const orgs = settings.orgs ?? [];
  const matrix = orgs.map((org) => `          - org: ${org}\n            key: ${secretKey(org)}`).join('\n');
  const options = orgs.map((org) => `          - ${org}`).join('\n');
  const jobs = orgs
    .map((org, i) => {
      const previous = orgs[i - 1];
      const after = previous === undefined ? '' : ` && (needs.apply-${previous}.result == 'success' || needs.apply-${previous}.result == 'skipped')`;
      const needs = previous === undefined ? `plan-${org}` : `plan-${org}, apply-${previous}`;
      return fillTemplate(read('workflows-orgs/apply-jobs.yml'), { ...values, ORG: org, PLAN_ID: `GENESYS_PLAN_CLIENT_ID_${secretKey(org)}`, PLAN_SECRET: `GENESYS_PLAN_CLIENT_SECRET_${secretKey(org)}`, NEEDS: needs, AFTER: after });
    })
    .join('\n');
  const all = { ...values, ORGS_MATRIX: matrix, ORGS_OPTIONS: options, JOBS: jobs.trimEnd() };
  const files: Omit<InitFile, 'exists'>[] = [];
  for (const workflow of WORKFLOW_FILES) {
    files.push({ path: `.github/workflows/${workflow}`, content: fillTemplate(read(`workflows-orgs/${workflow}`), all), kind: 'create' });
  }
  for (const org of orgs) {
    const schema = relativeRef(path.join(cwd, 'orgs', org), path.join(schemas, 'users.schema.json'));
    files.push({ path: `orgs/${org}/${org}.yaml`, content: fillTemplate(read('workflows-orgs/org-users.yaml'), { ...values, ORG: org, USERS_SCHEMA: schema }), kind: 'create' });
  }
  return files;
}

/** The files a `create` would overwrite. */
export function conflicts(files: readonly InitFile[]): InitFile[] {
  return files.filter((file) => file.kind === 'create' && file.exists);
}

/** Writes every file next to its target, then renames them all into place: a failure leaves no half-written file. */
export async function writeInit(cwd: string, files: readonly InitFile[]): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const temps: { temp: string; target: string }[] = [];
  try {
    for (const file of files) {
      const target = path.join(cwd, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      const before = file.kind === 'append' && file.exists ? await readFile(target, 'utf8') : '';
      const temp = `${target}.${process.pid}.tmp`;
      temps.push({ temp, target });
      await writeFile(temp, before + file.content, 'utf8');
    }
  } catch (error) {
    await Promise.all(temps.map((t) => rm(t.temp, { force: true })));
    throw error;
  }
  for (const t of temps) await rename(t.temp, t.target);
}
