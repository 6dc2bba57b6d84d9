// The Genesys Cloud sandbox: a local emulator of the API that provision uses, for tests, demos and benchmarks.
import type { RunningSandbox, StartOptions } from './server.js';
import type { SeedOrg } from './types.js';
import type { RunningOrgs, startOrgs as StartOrgs } from './multi.js';

export type { SandboxClient, StartOptions, RunningSandbox } from './server.js';
export type { SandboxOrg, UserRec, GroupRec, QueueRec } from './org.js';
export type { ClientRole } from './permissions.js';
export type { SeedOrg, SeedUser, FaultRule, FaultKind, ScriptedFault, RequestLogEntry, RoutePattern } from './types.js';
export type { OrgOptions, RunningOrgs } from './multi.js';
export { generateOrg } from './generate.js';

/** Starts the sandbox (the server module is loaded on first use, so importing this file stays cheap). */
export async function startSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  const { startServer } = await import('./server.js');
  return startServer(options);
}

/** Several orgs behind one base URL, each reached by its own OAuth clients (see multi.ts). */
export async function startSandboxOrgs(...args: Parameters<typeof StartOrgs>): Promise<RunningOrgs> {
  const { startOrgs } = await import('./multi.js');
  return startOrgs(...args);
}

/** The demo org matching the example users/ folder (a small generated org when there is none). */
export async function demoSeed(usersDir?: string): Promise<SeedOrg> {
  const { demoSeed: build } = await import('./demo.js');
  return build(usersDir);
}

/** Parses a fault spec string (as given to `provision sandbox --faults`); throws FaultSpecError with the bad item. */
export async function parseFaultSpec(spec: string) {
  const { parseFaults } = await import('./faults.js');
  return parseFaults(spec);
}

/** Reads a seed file (YAML or JSON). */
export async function loadSeed(file: string): Promise<SeedOrg> {
  const { loadSeedFile } = await import('./seed-file.js');
  return loadSeedFile(file);
}

/** Where `--sandbox` keeps the demo org between runs (git-ignored). */
export const DEMO_STATE_FILE = '.provision/sandbox-org.json';

/**
 * The in-process sandbox behind `--sandbox`: the demo org on first use, then the org as the last
 * run left it (so plan, apply, plan converges across commands). Delete the state file to start over.
 */
export async function startDemoSandbox(options: StartOptions & { usersDir?: string; org?: string } = {}): Promise<RunningSandbox> {
  const { existsSync, mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const statePath = options.statePath ?? DEMO_STATE_FILE;
  try {
    mkdirSync(dirname(statePath), { recursive: true });
  } catch (error) {
    const { StateSaveError } = await import('./persistence.js');
    throw new StateSaveError(statePath, error);
  }
  let seed = options.seed ?? (existsSync(statePath) ? undefined : await demoSeed(options.usersDir));
  // An org of provision.yaml's `orgs:` gets a demo org of its own name, and so of its own id.
  if (seed && options.org !== undefined) seed = { ...seed, org: { ...seed.org, name: `Acme Support (sandbox ${options.org})`, domain: `acme-${options.org}` } };
  return startSandbox({ ...options, statePath, seed });
}
