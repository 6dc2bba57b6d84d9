// Finds and reads the users files: folders walked in sorted order, size and binary guards, the inputs digest.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Issue } from '../model/index.js';
import { issueAt } from './issues.js';

/** Files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

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

async function walk(dir: string, out: string[]): Promise<void> {
  const dirents = await readdir(dir, { withFileTypes: true });
  for (const d of dirents) {
    if (d.name.startsWith('.') || d.name === 'node_modules') continue;
    const full = path.join(dir, d.name);
    if (d.isDirectory()) await walk(full, out);
    else if (d.isFile() && kindOf(d.name)) out.push(full);
  }
}

/** Expands the given files and folders into users files; problems become issues. */
export async function findFiles(paths: readonly string[], cwd: string): Promise<{ files: FoundFile[]; issues: Issue[] }> {
  const issues: Issue[] = [];
  const found = new Map<string, FoundFile>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const display = displayPath(absolute, cwd);
    let info;
    try {
      info = await stat(absolute);
    } catch {
      issues.push({ ...issueAt(undefined, 'error', 'path-not-found', `${display} does not exist.`, 'Give a users file or folder (by default the config\'s usersDir).'), file: display });
      continue;
    }
    if (info.isDirectory()) {
      const inside: string[] = [];
      await walk(absolute, inside);
      if (inside.length === 0) {
        issues.push({ ...issueAt(undefined, 'error', 'empty-folder', `${display} holds no users files (.yaml, .yml or .csv).`, 'Add users files, or point usersDir at the folder that has them.'), file: display });
      }
      for (const file of inside) found.set(file, { absolute: file, display: displayPath(file, cwd), kind: kindOf(file)! });
      continue;
    }
    const kind = kindOf(absolute);
    if (!kind) {
      issues.push({ ...issueAt(undefined, 'error', 'unsupported-file-type', `${display} is not a users file.`, 'Users files end in .yaml, .yml or .csv.'), file: display });
      continue;
    }
    found.set(absolute, { absolute, display, kind });
  }
  const files = [...found.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  return { files, issues };
}

export interface ReadFile {
  file: FoundFile;
  /** Decoded text without BOM, or undefined when refused. */
  text?: string;
  bytes?: Buffer;
  issue?: Issue;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads one file with the size and binary guards. */
export async function readUsersFile(file: FoundFile): Promise<ReadFile> {
  const where = { file: file.display, line: 1, column: 1 };
  try {
    const info = await stat(file.absolute);
    if (info.size > MAX_FILE_BYTES) {
      const mb = (info.size / 1024 / 1024).toFixed(1);
      return { file, issue: issueAt(where, 'error', 'file-too-large', `The file is ${mb} MB; users files are limited to ${MAX_FILE_BYTES / 1024 / 1024} MB.`, 'Split it into several files in the users folder.') };
    }
    const bytes = await readFile(file.absolute);
    const head = bytes.subarray(0, 8192);
    let text: string | undefined;
    if (!head.includes(0)) {
      try {
        text = decoder.decode(bytes);
      } catch {
        text = undefined;
      }
    }
    if (text === undefined) {
      return { file, bytes, issue: issueAt(where, 'error', 'binary-file', 'The file is not UTF-8 text.', 'Save it as UTF-8 (spreadsheets: "CSV UTF-8"); binary files do not belong in the users folder.') };
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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
