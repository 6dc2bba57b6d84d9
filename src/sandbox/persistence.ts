// Keeps the sandbox org in a state file: writes coalesced (at most one per 100 ms), each one whole (the old state or the new, never half).
import { existsSync } from 'node:fs';
import { writeWholeSync } from '../rules/write-file.js';
import { seedFromOrg, type SandboxOrg } from './org.js';

export interface Persistence {
  /** Writes the final state (once), and stops writing after that. */
  stop(): void;
}

/** Saves the org to `statePath` after every change; without a path it does nothing. */
export function persist(org: SandboxOrg, statePath: string | undefined): Persistence {
  if (!statePath) return { stop: () => undefined };
  let queued = false;
  let stopped = false;
  let lastSave = 0;
  let timer: NodeJS.Timeout | undefined;
  const saveNow = () => {
    queued = false;
    lastSave = Date.now();
    writeWholeSync(statePath, JSON.stringify(seedFromOrg(org), null, 1));
  };
  org.onChange = () => {
    // After stop the final state is already written; a request still finishing must not write again.
    if (queued || stopped) return;
    queued = true;
    // A large org takes a while to serialise, and apply writes in bursts.
    const wait = Math.max(0, lastSave + 100 - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      if (!stopped) saveNow();
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
