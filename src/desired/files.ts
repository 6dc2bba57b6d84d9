// Finds and reads the users files: folders walked in sorted order, links followed inside the working directory, skipped entries reported, size and binary guards, the inputs digest.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import path from 'node:path';
import type { Issue } from '../model/index.js';
import { issueAt } from './issues.js';

/** Files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** All users files together. */
export const MAX_INPUT_BYTES = 50 * 1024 * 1024;

const EXTENSIONS = new Set(['.yaml', '.yml', '.csv']);

export type FileKind = 'yaml' | 'csv';

export interface FoundFile {
  /** Absolute path. */
  absolute: string;
  /** Relative to the working directory, with `/` separators: how it is shown. */
  display: string;
  kind: FileKind;
}

/** How a path is shown: relative to the working directory when inside it, `/`-separated. */
export function displayPath(absolute: string, cwd: string): string {
  const rel = path.relative(cwd, absolute);
  const shown = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? absolute : rel;
  return shown.split(path.sep).join('/');
}

function kindOf(file: string): FileKind | undefined {
  const ext = path.extname(file).toLowerCase();
  if (!EXTENSIONS.has(ext)) return undefined;
  return ext === '.csv' ? 'csv' : 'yaml';
}

/** Hidden entries and dependency folders: never read, always reported. */
function isHidden(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** What one `findFiles` call collects while walking folders. */
interface Walk {
  cwd: string;
  /** Real path of the working directory: links are followed only to targets inside it. */
  root: string;
  prune: boolean;
  issues: Issue[];
  failed: string[];
  /** Users files by real path, so a file reached twice is read once. */
  files: Map<string, FoundFile>;
  /** Folders walked, by real path → how they were shown. */
  folders: Map<string, string>;
}

function inside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function skipped(walk: Walk, display: string, message: string, hint: string, severity: 'error' | 'warning' = 'warning'): void {
  walk.issues.push({ ...issueAt(undefined, severity, 'skipped-file', message, hint), file: display });
}

/** Users files inside a hidden folder (links not followed): what pruning would lose. */
async function hiddenUsersFiles(dir: string, out: string[]): Promise<void> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of dirents.sort(byName)) {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) await hiddenUsersFiles(full, out);
    else if (kindOf(d.name)) out.push(full);
  }
}

/**
 * A hidden entry is never read. Under prune, a hidden users file (or one inside a hidden folder)
 * is an error and counts as failed: its users would look undeclared and be deactivated.
 */
async function skipHidden(walk: Walk, full: string, display: string, d: Dirent): Promise<void> {
  const what = d.name === 'node_modules' ? 'a dependencies folder' : d.isDirectory() ? 'a hidden folder (its name starts with ".")' : 'hidden (its name starts with ".")';
  if (d.isDirectory()) {
    const lost: string[] = [];
    if (walk.prune) await hiddenUsersFiles(full, lost);
    if (lost.length === 0) {
      skipped(walk, display, `${display} is ${what}: it is not read.`, 'Users files in hidden folders are ignored; move them out of it to declare their users.');
      return;
    }
    for (const file of lost) {
      const shown = displayPath(file, walk.cwd);
      walk.failed.push(shown);
      skipped(walk, shown, `${shown} is in ${what}, so it is not read, and scope.prune is on: its users would be deactivated.`, 'Move the file out of the hidden folder to declare its users, or delete it.', 'error');
    }
    return;
  }
  if (kindOf(d.name) && walk.prune) {
    walk.failed.push(display);
    skipped(walk, display, `${display} is ${what}, so it is not read, and scope.prune is on: its users would be deactivated.`, 'Rename it without the leading "." to declare its users, or delete it.', 'error');
    return;
  }
  skipped(walk, display, `${display} is ${what}: it is not read.`, kindOf(d.name) ? 'Hidden files are ignored; rename it without the leading "." to declare its users.' : 'Hidden files are ignored; nothing to do if it is not a users file.');
}

/** Where a link leads: its real path and what is there, or undefined once the problem is reported. */
async function followLink(walk: Walk, full: string, display: string): Promise<{ real: string; info: Stats } | undefined> {
  const target = await readlink(full).catch(() => '?');
  const usersFile = kindOf(full) !== undefined;
  let real: string;
  try {
    real = await realpath(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (usersFile) walk.failed.push(display);
    if (code === 'ELOOP') {
      walk.issues.push({ ...issueAt(undefined, 'error', 'symlink-loop', `${display} is a link that leads back to itself (through ${target}).`, 'Point the link at a users file or folder, or replace it with the file.'), file: display });
    } else {
      walk.issues.push({ ...issueAt(undefined, 'error', 'symlink-broken', `${display} is a link to ${target}, which does not exist.`, 'Point the link at an existing users file, or delete it.'), file: display });
    }
    return undefined;
  }
  if (!inside(walk.root, real)) {
    const info = await stat(real).catch(() => undefined);
    if (usersFile || info?.isDirectory()) walk.failed.push(display);
    walk.issues.push({
      ...issueAt(
        undefined,
        'error',
        'symlink-outside',
        `${display} is a link to ${target}, outside the working directory: it is not read.`,
        'Links are followed only to files and folders inside the working directory (run provision from the repository root). Copy the file into the repository instead.',
      ),
      file: display,
    });
    return undefined;
  }
  try {
    return { real, info: await stat(real) };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (usersFile) walk.failed.push(display);
    walk.issues.push({ ...issueAt(undefined, 'error', 'unreadable-file', `${display} cannot be read (${reason}).`), file: display });
    return undefined;
  }
}

/**
 * Walks a folder in name order. Links are followed when they lead inside the working directory; a
 * folder reached again is not walked again (a loop when it is one of the folders being walked).
 */
async function walkFolder(walk: Walk, dir: string, real: string, ancestors: Set<string>): Promise<number> {
  walk.folders.set(real, displayPath(dir, walk.cwd));
  let met = 0;
  let dirents: Dirent[];
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const shown = displayPath(dir, walk.cwd);
    const reason = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    walk.failed.push(shown);
    walk.issues.push({ ...issueAt(undefined, 'error', 'unreadable-file', `The folder ${shown} cannot be read (${reason}).`), file: shown });
    return met;
  }
  for (const d of dirents.sort(byName)) {
    const full = path.join(dir, d.name);
    const display = displayPath(full, walk.cwd);
    if (isHidden(d.name)) {
      await skipHidden(walk, full, display, d);
      continue;
    }
    let isFolder = d.isDirectory();
    let isFile = d.isFile();
    let target = path.join(real, d.name);
    if (d.isSymbolicLink()) {
      const followed = await followLink(walk, full, display);
      if (!followed) continue;
      isFolder = followed.info.isDirectory();
      isFile = followed.info.isFile();
      target = followed.real;
    }
    if (isFolder) {
      if (ancestors.has(target)) {
        walk.issues.push({ ...issueAt(undefined, 'error', 'symlink-loop', `${display} is a link back to ${walk.folders.get(target)}, which holds it: following it would never end.`, 'Remove the link; the folder is read already.'), file: display });
        continue;
      }
      const earlier = walk.folders.get(target);
      if (earlier !== undefined) {
        // A folder given on its own as well is simply read once; a second link to one is worth a word.
        if (d.isSymbolicLink()) skipped(walk, display, `${display} leads to ${earlier}, which is read already: it is not read twice.`, 'Remove the second link to the folder.');
        continue;
      }
      met += await walkFolder(walk, full, target, new Set([...ancestors, target]));
    } else if (isFile) {
      const kind = kindOf(d.name);
      if (!kind) {
        skipped(walk, display, `${display} is not read: users files end in .yaml, .yml or .csv.`, 'Nothing to do if it is not a users file; otherwise rename it.');
        continue;
      }
      met++;
      const earlier = walk.files.get(target);
      if (earlier) {
        if (d.isSymbolicLink() || earlier.display !== display) skipped(walk, display, `${display} is the same file as ${earlier.display}, which is read already: it is not read twice.`, 'Remove the second link to the file.');
        continue;
      }
      walk.files.set(target, { absolute: full, display, kind });
    } else {
      skipped(walk, display, `${display} is not a regular file or folder: it is not read.`, 'Remove it from the users folder.');
    }
  }
  return met;
}

/**
 * Expands the given files and folders into users files; problems become issues. Every entry of a
 * folder that is not read is reported; `prune` makes a hidden users file an error (and a failed file).
 */
export async function findFiles(paths: readonly string[], cwd: string, options: { prune?: boolean } = {}): Promise<{ files: FoundFile[]; issues: Issue[]; failed: string[] }> {
  const walk: Walk = { cwd, root: await realpath(cwd).catch(() => path.resolve(cwd)), prune: options.prune === true, issues: [], failed: [], files: new Map(), folders: new Map() };
  const issues = walk.issues;
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const display = displayPath(absolute, cwd);
    let info;
    let real;
    try {
      info = await stat(absolute);
      real = await realpath(absolute);
    } catch {
      issues.push({ ...issueAt(undefined, 'error', 'path-not-found', `${display} does not exist.`, 'Give a users file or folder (by default the config\'s usersDir).'), file: display });
      continue;
    }
    if (info.isDirectory()) {
      // Given twice, or inside a folder given before: read once.
      if (walk.folders.has(real)) continue;
      if ((await walkFolder(walk, absolute, real, new Set([real]))) === 0) {
        issues.push({ ...issueAt(undefined, 'error', 'empty-folder', `${display} holds no users files (.yaml, .yml or .csv).`, 'Add users files, or point usersDir at the folder that has them.'), file: display });
      }
      continue;
    }
    const kind = kindOf(absolute);
    if (!kind || !info.isFile()) {
      issues.push({ ...issueAt(undefined, 'error', 'unsupported-file-type', `${display} is not a users file.`, 'Users files end in .yaml, .yml or .csv.'), file: display });
      continue;
    }
    if (!walk.files.has(real)) walk.files.set(real, { absolute, display, kind });
  }
  const files = [...walk.files.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  return { files, issues, failed: walk.failed };
}

/**
 * The bytes the files hold together, leaving out those over the per-file cap (they are refused on their own).
 * Files are stat'ed and read synchronously: each is needed whole before anything else can happen, and
 * a round trip through libuv's thread pool per call cost more than the call on a busy machine.
 */
export async function inputBytes(files: readonly FoundFile[]): Promise<number> {
  let total = 0;
  for (const file of files) {
    let size = 0;
    try {
      size = statSync(file.absolute).size;
    } catch {
      // Reported when the file is read.
    }
    if (size <= MAX_FILE_BYTES) total += size;
  }
  return total;
}

/** Megabytes with one decimal, as the size guards say them. */
export function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

export interface ReadFile {
  file: FoundFile;
  /** Decoded text without BOM, or undefined when refused. */
  text?: string;
  bytes?: Uint8Array;
  issue?: Issue;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A users file's text without its BOM; undefined when it is binary (a NUL early on) or not UTF-8. */
export function decodeUsersFile(bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads one file with the size and binary guards. */
export async function readUsersFile(file: FoundFile): Promise<ReadFile> {
  const where = { file: file.display, line: 1, column: 1 };
  try {
    const info = statSync(file.absolute);
    if (info.size > MAX_FILE_BYTES) {
      const mb = (info.size / 1024 / 1024).toFixed(1);
      return { file, issue: issueAt(where, 'error', 'file-too-large', `The file is ${mb} MB; users files are limited to ${MAX_FILE_BYTES / 1024 / 1024} MB.`, 'Split it into several files in the users folder.') };
    }
    const bytes = readFileSync(file.absolute);
    const text = decodeUsersFile(bytes);
    if (text === undefined) {
      return { file, bytes, issue: issueAt(where, 'error', 'binary-file', 'The file is not UTF-8 text.', 'Save it as UTF-8 (spreadsheets: "CSV UTF-8"); binary files do not belong in the users folder.') };
    }
    return { file, bytes, text };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { file, issue: issueAt(where, 'error', 'unreadable-file', `The file cannot be read (${reason}).`) };
  }
}

/** sha256 over the (path, bytes) pairs, fed in sorted order: ties a plan to exactly these inputs. */
export function createDigest(): { add(file: ReadFile): void; hex(): string } {
  const hash = createHash('sha256');
  return {
    add(f) {
      hash.update(f.file.display);
      hash.update('\0');
      if (f.bytes) hash.update(f.bytes);
      hash.update('\0');
    },
    hex: () => hash.digest('hex'),
  };
}
