// Starts the real provision binary asynchronously against a sandbox (which answers from the test's own process), for tests that kill it mid-run.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/provision.js');

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `provision …args` in `cwd`, pointed at the sandbox at `url` with `client`, and no other GENESYS_* variable of this machine. */
export function launch(cwd: string, args: string[], url: string, client: { id: string; secret: string }): { child: ChildProcess; done: Promise<Run> } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(env)) if (name.startsWith('GENESYS')) delete env[name];
  Object.assign(env, { GENESYS_ENVIRONMENT: url, GENESYS_CLIENT_ID: client.id, GENESYS_CLIENT_SECRET: client.secret });
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, ...out }));
  });
  return { child, done };
}
