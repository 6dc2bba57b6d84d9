// Whole-file writes (a reader sees the old file or the new, never part of one) for the CLI's outputs and the sandbox's state: this room's one I/O module, as neither may import the other.
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/*
 * Why not `write-file-atomic`: it writes its temp file with one `write` call and ignores the count
 * written, so a write the disk or the file-size limit cuts short is flushed and renamed over the old
 * file as a truncated one (upstream has the same code). Node's `writeFile` on a handle writes until
 * everything is written or throws, and that is all this needs besides the temp file and the rename.
 */

/** Where the file really is (a link is followed, and keeps linking), and the mode it has if it exists. */
interface Target {
  file: string;
  mode?: number;
}

/** A temp file beside the target: same folder (so the rename cannot cross file systems), hidden, a name no other write shares. */
function tempFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

function missing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function targetOf(file: string): Promise<Target> {
  try {
    const real = await realpath(file);
    return { file: real, mode: (await stat(real)).mode & 0o7777 };
  } catch (error) {
    if (missing(error)) return { file };
    throw error;
  }
}

function targetOfSync(file: string): Target {
  try {
    const real = realpathSync(file);
    return { file: real, mode: statSync(real).mode & 0o7777 };
  } catch (error) {
    if (missing(error)) return { file };
    throw error;
  }
}

/** The rename is on disk once the folder is flushed too; some systems cannot flush a folder, and the rename stands anyway. */
async function syncFolder(file: string): Promise<void> {
  const folder = await open(path.dirname(file), 'r').catch(() => undefined);
  if (!folder) return;
  await folder.sync().catch(() => undefined);
  await folder.close();
}

function syncFolderSync(file: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path.dirname(file), 'r');
    fsyncSync(fd);
  } catch {
    // As above: the rename stands.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `data` to a new temp file beside `file`, flushes it to disk, then renames it over `file`.
 * A failure before the rename (a full disk, a file-size limit) leaves `file` as it was and removes
 * the temp file. A link at `file` is followed and kept; an existing file keeps its mode.
 */
export async function writeWhole(file: string, data: string | Buffer): Promise<void> {
  const target = await targetOf(file);
  const temp = tempFor(target.file);
  try {
    const handle = await open(temp, 'wx', target.mode ?? 0o666);
    try {
      await handle.writeFile(data, 'utf8');
      if (target.mode !== undefined) await handle.chmod(target.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target.file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(target.file);
}

/** `writeWhole` for callers that must finish before they return (the sandbox saving its state as it stops). */
export function writeWholeSync(file: string, data: string | Buffer): void {
  const target = targetOfSync(file);
  const temp = tempFor(target.file);
  try {
    const fd = openSync(temp, 'wx', target.mode ?? 0o666);
    try {
      // On a descriptor, writeFileSync writes until all is written, or throws.
      writeFileSync(fd, data, 'utf8');
      if (target.mode !== undefined) fchmodSync(fd, target.mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target.file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Never created, or already gone.
    }
    throw error;
  }
  syncFolderSync(target.file);
}
