// The work of `provision sandbox` (declared in commands.ts): runs the local Genesys Cloud emulator in the foreground.
import { ProvisionError } from '../model/index.js';
import { log } from './output.js';

export interface SandboxFlags {
  port: string;
  host: string;
  seed?: string;
  state?: string;
  timeScale?: string;
  faults?: string;
  rate?: string;
  searchLag?: string;
  stationLag?: string;
  randomSeed?: string;
  log?: boolean;
  permissions?: boolean;
  /** `--orgs test,prod`: one org per name, each its own server (see runOrgSandboxes). */
  orgs?: string;
}

/** The plan client `--permissions` adds beside the default (apply) client; fixed, public test credentials. */
const PLAN_CLIENT = { id: 'sandbox-plan-client', secret: 'sandbox-plan-secret' };

/**
 * `--permissions` without clients in the seed: the default client holds exactly what `provision
 * permissions --all` lists for the apply client, and a second client what it lists for the plan client.
 */
async function leastPrivilegeClients() {
  const { MANAGED_FIELDS, permissionsFor } = await import('../genesys/permissions.js');
  const { DEFAULT_CLIENT } = await import('../sandbox/server.js');
  const list = (role: 'plan' | 'apply') => permissionsFor(role, MANAGED_FIELDS).permissions.map((need) => need.permission);
  return [
    { ...DEFAULT_CLIENT, roles: [{ name: 'provision apply', permissions: list('apply'), divisions: ['*'] }] },
    { ...PLAN_CLIENT, roles: [{ name: 'provision plan', permissions: list('plan'), divisions: ['*'] }] },
  ];
}

function number(value: string | undefined, option: string, check: (n: number) => boolean, hint: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new ProvisionError('invalid-option', `${option} ${JSON.stringify(value)} is not valid.`, { hint });
  }
  return n;
}

export async function runSandbox(opts: SandboxFlags): Promise<void> {
  const port = number(opts.port, '--port', (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'Use a port from 0 to 65535.');
  const timeScale = number(opts.timeScale, '--time-scale', (n) => n > 0, 'Use a positive number, e.g. 60.');
  const rate = number(opts.rate, '--rate', (n) => Number.isInteger(n) && n > 0, 'Use a whole number of requests per minute, e.g. 300.');
  const searchLagMs = number(opts.searchLag, '--search-lag', (n) => n >= 0, 'Use milliseconds, e.g. 2000.');
  const stationLagMs = number(opts.stationLag, '--station-lag', (n) => n >= 0, 'Use milliseconds, e.g. 3000.');
  const randomSeed = number(opts.randomSeed, '--random-seed', Number.isInteger, 'Use a whole number.');
  const sandbox = await import('../sandbox/index.js');
  let faults;
  try {
    faults = opts.faults ? await sandbox.parseFaultSpec(opts.faults) : [];
  } catch (error) {
    throw new ProvisionError('invalid-faults', `--faults: ${(error as Error).message}`, {
      hint: 'Write kind:probability items separated by commas, e.g. "5xx:0.05,429:0.02:2s,drop:0.01,latency:20-80ms", each optionally followed by "@METHOD /path", or the profile "realism".',
    });
  }
  let seed;
  try {
    seed = opts.seed ? await sandbox.loadSeed(opts.seed) : await sandbox.demoSeed();
  } catch (error) {
    throw new ProvisionError('invalid-seed', (error as Error).message, { hint: 'See the seed file format in the README (divisions, skills, languages, roles, locations, queues, groups, users).' });
  }
  if (opts.orgs !== undefined) {
    const { runOrgSandboxes } = await import('./sandbox-orgs.js');
    return runOrgSandboxes(opts, seed, { port, timeScale, requestsPerMinute: rate, searchLagMs, stationLagMs, faults, randomSeed, clients: opts.permissions ? await leastPrivilegeClients() : undefined });
  }
  const seedClients = seed.clients !== undefined && seed.clients.length > 0;
  const clients = opts.permissions && !seedClients ? await leastPrivilegeClients() : undefined;
  let running;
  try {
    running = await sandbox.startSandbox({
      clients,
      permissions: opts.permissions === true ? true : undefined,
      port,
      host: opts.host,
      seed,
      statePath: opts.state,
      timeScale,
      requestsPerMinute: rate,
      searchLagMs,
      stationLagMs,
      faults,
      randomSeed,
      onRequest: opts.log ? (e) => log(`${e.method} ${e.path}${e.query ? `?${e.query}` : ''} → ${e.status || 'no answer'} ${e.ms} ms${e.fault ? ` [${e.fault}]` : ''}`) : undefined,
    });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new ProvisionError('port-in-use', `Port ${port} is already in use.`, { hint: 'Pick another --port, or 0 for a free one.' });
    if (err.name === 'SeedError' || err instanceof SyntaxError) throw new ProvisionError('invalid-seed', err.message, { hint: 'Fix the seed (or delete a corrupt --state file).' });
    if (err.name === 'StateSaveError') throw (await import('./session.js')).unsaved(err, opts.state ?? '');
    throw error;
  }
  const client = running.clients[0];
  const users = running.org.listUsers('any').length;
  log(`Sandbox org "${running.org.name}" (${users} users, ${running.org.queues.size} queues, ${running.org.groups.size} groups) at ${running.url}${opts.state ? `, state in ${opts.state}` : ''}`);
  const modeOn = opts.permissions === true || running.clients.some((c) => c.roles !== undefined);
  if (modeOn) {
    log('Permission mode: each client may do only what its roles allow.');
    for (const c of running.clients) {
      const roles = (c.roles ?? []).map((r) => `${r.name ?? 'role'}: ${r.permissions.length} permissions in ${(r.divisions ?? ['*']).join(', ')}`).join('; ');
      // Only the built-in plan client's fixed, public test secret is shown; a seed's own secrets are not.
      const secret = c.id === PLAN_CLIENT.id && c.secret === PLAN_CLIENT.secret ? ` (secret ${c.secret})` : '';
      log(`  client ${c.id}${secret}: ${roles || 'no roles'}`);
    }
  }
  log('Point provision at it (Ctrl-C stops the sandbox):');
  // The sandbox's client secret is a fixed, public test value: printing it here is the point.
  process.stdout.write(`export GENESYS_ENVIRONMENT=${running.url}\nexport GENESYS_CLIENT_ID=${client?.id ?? ''}\nexport GENESYS_CLIENT_SECRET=${client?.secret ?? ''}\n`);
  await untilStopped();
  try {
    await running.stop();
  } catch (error) {
    throw (error as Error).name === 'StateSaveError' ? (await import('./session.js')).unsaved(error as Error, opts.state ?? '') : error;
  }
  log(`Sandbox stopped after ${running.requests.length} requests.`);
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
