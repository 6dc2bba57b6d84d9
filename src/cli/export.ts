// The work of `provision export` (declared in commands.ts): reads the org once and writes it as users/ files, never over existing ones unless told.
import type { Command } from 'commander';
import type { Issue, OrgReader } from '../model/index.js';
import type { ExportField, ExportOptions } from '../export/index.js';
import { ProvisionError } from '../model/index.js';
import { colorsFor, formatIssue, log } from './output.js';

export interface ExportFlags {
  /** The org of provision.yaml's `orgs:` to export. */
  org?: string;
  out?: string;
  format: ExportOptions['format'];
  splitBy: ExportOptions['splitBy'];
  state: ExportOptions['state'];
  division?: string[];
  emailDomain?: string[];
  fields?: string[];
  csvDialect: ExportOptions['csvDialect'];
  force?: boolean;
  dryRun?: boolean;
  sandbox?: boolean;
  personas?: boolean;
}


/** One file the export writes (or would write). */
export interface PlannedFile {
  /** Absolute path. */
  path: string;
  /** As shown: relative to the working directory, `/`-separated. */
  display: string;
  users: number;
  exists: boolean;
  /** The personas file: how many personas it holds. */
  personas?: number;
}

export interface ExportToFolderOptions {
  /** Output folder (absolute, or relative to `cwd`). */
  out: string;
  options: ExportOptions;
  force: boolean;
  dryRun: boolean;
  cwd?: string;
  progress?: (message: string) => void;
  /** Where the personas file goes (absolute, or relative to `cwd`); by default `personas` next to `out`. */
  personasDir?: string;
}

export interface ExportToFolderResult {
  files: PlannedFile[];
  /** Positioned against the shown file paths. */
  warnings: Issue[];
  users: number;
  apiCalls: number;
  written: boolean;
}

/**
 * Reads the org, converts it, checks every target, then writes every file or none (each one whole).
 * Nothing is written when a target exists without `force`, or on `dryRun`.
 */
export async function exportToFolder(reader: OrgReader, run: ExportToFolderOptions): Promise<ExportToFolderResult> {
  const path = await import('node:path');
  const { lstat, mkdir, readdir } = await import('node:fs/promises');
  const { exportOrg, exportReadRequest } = await import('../export/index.js');
  const cwd = run.cwd ?? process.cwd();
  const outDir = path.resolve(cwd, run.out);
  const shown = (absolute: string): string => {
    const rel = path.relative(cwd, absolute);
    return (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? absolute : rel).split(path.sep).join('/');
  };

  const org = await reader.readOrg(exportReadRequest(run.options.fields, run.options.state), run.progress);
  const result = exportOrg(org, run.options);
  if (result.users === 0) {
    throw new ProvisionError('no-users-selected', 'No user of the org matches the export\'s filters; nothing was written.', {
      hint: 'Check --state, --division and --email-domain (deleted users are never exported).',
    });
  }
  const exists = async (file: string): Promise<boolean> => {
    try {
      await lstat(file);
      return true;
    } catch {
      return false;
    }
  };
  const files: PlannedFile[] = [];
  const personasDir = path.resolve(cwd, run.personasDir ?? path.join(path.dirname(outDir), 'personas'));
  for (const f of result.files) {
    const absolute = path.join(f.personas === undefined ? outDir : personasDir, f.name);
    const planned: PlannedFile = { path: absolute, display: shown(absolute), users: f.users, exists: await exists(absolute) };
    if (f.personas !== undefined) planned.personas = f.personas;
    files.push(planned);
  }
  const byName = new Map(result.files.map((f, i) => [f.name, files[i]!.display]));
  const warnings = result.warnings.map((w) => (w.file === undefined ? w : { ...w, file: byName.get(w.file) ?? w.file }));

  // Files already in the folder that this export does not write are read with it by validate and plan.
  const written = new Set(result.files.map((f) => f.name));
  const others = (await readdir(outDir).catch(() => [] as string[])).filter((n) => /\.(ya?ml|csv)$/i.test(n) && !n.startsWith('.') && !written.has(n)).sort();
  if (others.length > 0) {
    warnings.push({
      severity: 'warning',
      code: 'other-users-files',
      message: `${shown(outDir)} also holds ${others.join(', ')}, which validate and plan read together with the exported files.`,
      hint: 'Remove or move them if the export replaces them (a user declared twice is an error).',
    });
  }

  const base = { files, warnings, users: result.users, apiCalls: org.apiCalls };
  if (run.dryRun) return { ...base, written: false };
  const existing = files.filter((f) => f.exists);
  if (existing.length > 0 && !run.force) {
    throw new ProvisionError('output-exists', `${existing.length} of the ${files.length} files to write already exist; nothing was written.`, {
      issues: existing.map((f) => ({ severity: 'error', code: 'file-exists', message: `${f.display} already exists.`, file: f.display })),
      hint: 'Pass --force to overwrite them, or choose another --out folder.',
    });
  }

  // A target that exists as a folder (or anything but a file) would fail the rename half-way through.
  const notFiles: PlannedFile[] = [];
  for (const f of existing) if (!(await lstat(f.path)).isFile()) notFiles.push(f);
  if (notFiles.length > 0) {
    throw new ProvisionError('output-not-a-file', `${notFiles.length} of the files to write exist${notFiles.length === 1 ? 's' : ''} as something other than a file; nothing was written.`, {
      issues: notFiles.map((f) => ({ severity: 'error', code: 'output-not-a-file', message: `${f.display} is a folder or a link, not a file.`, file: f.display })),
      hint: '--force replaces files only: move it away, or choose another --out folder.',
    });
  }

  await mkdir(outDir, { recursive: true });
  if (files.some((f) => f.personas !== undefined)) await mkdir(personasDir, { recursive: true });
  await writeAllOrNothing(
    result.files.map((f, i) => ({ target: files[i]!.path, text: f.text })),
    (reason, unrestored) =>
      unrestored.length === 0
        ? new ProvisionError('write-failed', `Could not write to ${shown(outDir)}: ${reason}`, { hint: 'Check that the folder is writable; nothing was written.' })
        : new ProvisionError('write-failed', `Could not write to ${shown(outDir)}: ${reason}; ${unrestored.map(shown).join(', ')} could not be put back as ${unrestored.length === 1 ? 'it was' : 'they were'}.`, {
            hint: 'Check that the folder is writable, then export again with --force.',
          }),
  );
  return { ...base, written: true };
}

/**
 * Writes every file or none. Each file is written whole (a reader sees the old one or the new one);
 * when one fails, those already written get back what they held, and new ones are removed.
 */
async function writeAllOrNothing(files: { target: string; text: string }[], failed: (reason: string, unrestored: string[]) => Error): Promise<void> {
  const { readFile, rm } = await import('node:fs/promises');
  const { writeWhole } = await import('../rules/write-file.js');
  const written: { target: string; before: Buffer | undefined }[] = [];
  try {
    for (const f of files) {
      const before = await readFile(f.target).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      await writeWhole(f.target, f.text);
      written.push({ target: f.target, before });
    }
  } catch (error) {
    const unrestored: string[] = [];
    for (const w of written.reverse()) {
      try {
        if (w.before === undefined) await rm(w.target, { force: true });
        else await writeWhole(w.target, w.before);
      } catch {
        unrestored.push(w.target);
      }
    }
    throw failed(error instanceof Error ? error.message : String(error), unrestored);
  }
}

/** Where users.schema.json is: the project's own `schemas/`, else the one shipped with provision. */
async function schemaFile(cwd: string): Promise<string> {
  const path = await import('node:path');
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const local = path.resolve(cwd, 'schemas/users.schema.json');
  if (existsSync(local)) return local;
  // This file runs from dist/src/cli/ (or src/cli/ under a TypeScript loader).
  for (const up of ['../../../schemas/users.schema.json', '../../schemas/users.schema.json']) {
    const shipped = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(shipped)) return shipped;
  }
  return local;
}

/** The `$schema` reference from the output folder, `/`-separated. */
export async function schemaRefFor(outDir: string, cwd = process.cwd()): Promise<string> {
  const path = await import('node:path');
  const rel = path.relative(path.resolve(cwd, outDir), await schemaFile(cwd));
  return rel.split(path.sep).join('/');
}

export async function runExport(program: Command, flags: ExportFlags): Promise<void> {
  const globals = program.opts<{ config: string; color?: boolean; allowCustomEnvironment?: boolean }>();
  const c = colorsFor(process.stderr, process.env, globals.color === false);
  const { parseFields } = await import('../export/index.js');
  // Flags are checked before any network call.
  const fields: ExportField[] | undefined = flags.fields === undefined ? undefined : parseFields(flags.fields);
  const { loadOrgConfig } = await import('./orgs.js');
  const config = await loadOrgConfig(program, flags.org);
  // An org of `orgs:` exports to its own folder (the last it lists), never over the shared one.
  const out = flags.out ?? config.usersDir;
  if (flags.personas && flags.format === 'csv' && flags.csvDialect === 'genesys-admin') {
    throw new ProvisionError('invalid-flags', '--personas cannot be used with --csv-dialect genesys-admin: the admin-UI CSV has no persona column.', { hint: 'Export personas as YAML, or with --csv-dialect canonical.' });
  }
  const { personasDirOf } = await import('../desired/personas.js');
  // Where the plan reads personas from, wherever the users go: the round trip must find them.
  const personasDir = personasDirOf(config);
  const options: ExportOptions = {
    format: flags.format,
    splitBy: flags.splitBy,
    state: flags.state,
    divisions: flags.division ?? [],
    emailDomains: flags.emailDomain ?? [],
    fields,
    csvDialect: flags.csvDialect,
    schemaRef: await schemaRefFor(out),
  };
  if (flags.personas) options.personas = { schemaRef: (await schemaRefFor(personasDir)).replace(/users\.schema\.json$/, 'personas.schema.json') };

  const session = await import('./session.js');
  const opened = await session.openTarget({ sandbox: flags.sandbox === true, config: globals.config, loaded: config, allowCustomEnvironment: globals.allowCustomEnvironment === true, log });
  let result: ExportToFolderResult;
  try {
    result = await exportToFolder(opened.connection.reader, { out, options, force: flags.force === true, dryRun: flags.dryRun === true, progress: (m) => log(c.dim(m)), personasDir });
  } finally {
    await opened.close();
  }
  for (const warning of result.warnings) log(formatIssue(warning, c));
  const count = (n: number, what: string): string => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
  const lines = result.files.map((f) => {
    const note = result.written ? '' : f.exists ? (flags.force ? '  (exists: would be overwritten)' : '  (exists: needs --force)') : '';
    const what = f.personas === undefined ? count(f.users, 'user') : `${count(f.personas, 'persona')} (taken by ${count(f.users, 'user')})`;
    return `${result.written ? 'wrote' : 'would write'}  ${f.display}  ${what}${note}`;
  });
  process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  const warned = result.warnings.length > 0 ? `, ${count(result.warnings.length, 'warning')}` : '';
  log(`${result.written ? 'Exported' : 'Would export'} ${count(result.users, 'user')} to ${count(result.files.length, 'file')}${warned}  [${count(result.apiCalls, 'API call')}]`);
}
