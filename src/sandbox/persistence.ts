// Keeps the sandbox org in a state file: writes coalesced (at most one per 100 ms), each one whole (the old state or the new, never half), and a failed write never stops the sandbox.
import { existsSync } from 'node:fs';
import { writeWholeSync } from '../rules/write-file.js';
import { seedFromOrg, type SandboxOrg } from './org.js';

/** The state file cannot be written (a folder in the way, no permission, a full disk). */
export class StateSaveError extends Error {
  constructor(statePath: string, cause: unknown) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    super(`the sandbox org cannot be saved to ${statePath} (${reason})`);
    this.name = 'StateSaveError';
  }
}

export interface Persistence {
  /** Writes the final state (once), and stops writing after that; throws StateSaveError when that write fails. */
  stop(): void;
}

/**
 * Saves the org to `statePath` after every change; without a path it does nothing. A save that fails
 * while the sandbox serves is reported through `warn` (once until a save succeeds again) and tried again
 * after the next change: the org stays in memory, and answering requests matters more than the file.
 */
export function persist(org: SandboxOrg, statePath: string | undefined, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): Persistence {
  if (!statePath) return { stop: () => undefined };
  let queued = false;
  let stopped = false;
  let failing = false;
  let lastSave = 0;
  let timer: NodeJS.Timeout | undefined;
  const saveNow = () => {
    queued = false;
    lastSave = Date.now();
    try {
      writeWholeSync(statePath, JSON.stringify(seedFromOrg(org), null, 1));
    } catch (error) {
      throw new StateSaveError(statePath, error);
    }
    failing = false;
  };
  org.onChange = () => {
    // After stop the final state is already written; a request still finishing must not write again.
    if (queued || stopped) return;
    queued = true;
    // A large org takes a while to serialise, and apply writes in bursts.
    const wait = Math.max(0, lastSave + 100 - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      try {
        saveNow();
      } catch (error) {
        if (!failing) warn(`sandbox: ${(error as Error).message}; the org stays in memory and is saved again after the next change.`);
        failing = true;
      }
    }, wait);
  };
  if (!existsSync(statePath)) saveNow();
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      saveNow();
    },
  };
}
