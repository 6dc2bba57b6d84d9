// `provision sandbox --orgs test,prod`: several emulated orgs behind one URL, as orgs of one region share its host, each with its own org id, name, OAuth client and data.
//
// Orgs of one Genesys Cloud region share the API host and differ by OAuth client (a client, and every token
// granted to it, belongs to one org: see src/sandbox/multi.ts for the sources); orgs in different regions are
// at different hosts: run one `provision sandbox --orgs …` per region for those.
import { ProvisionError } from '../model/index.js';
import type { FaultRule, SandboxClient, SeedOrg } from '../sandbox/index.js';
import { log } from './output.js';
import type { SandboxFlags } from './sandbox.js';
import { untilStopped } from './sandbox.js';

const ORG_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

interface Shared {
  port?: number;
  timeScale?: number;
  requestsPerMinute?: number;
  searchLagMs?: number;
  stationLagMs?: number;
  faults: FaultRule[];
  randomSeed?: number;
  /** --permissions: the roles every org's client holds (the first client's). */
  clients?: SandboxClient[];
}

/** The names of `--orgs`, checked: org names as provision.yaml's `orgs:` takes them, each once. */
export function parseOrgNames(raw: string): string[] {
  const names = raw.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const bad = names.find((n) => !ORG_NAME.test(n));
  if (names.length === 0 || bad !== undefined || new Set(names).size !== names.length) {
    throw new ProvisionError('invalid-option', `--orgs ${JSON.stringify(raw)} is not a list of org names.`, { hint: 'Give distinct names of lower-case letters, digits, - and _, separated by commas, e.g. --orgs test,prod.' });
  }
  return names;
}

/** The variable names `--orgs` prints for an org, as its `credentials:` in provision.yaml names them. */
export function orgVariables(org: string): { clientId: string; clientSecret: string; environment: string } {
  const key = org.toUpperCase().replace(/-/g, '_');
  return { clientId: `GENESYS_${key}_CLIENT_ID`, clientSecret: `GENESYS_${key}_CLIENT_SECRET`, environment: `GENESYS_${key}_ENVIRONMENT` };
}

export async function runOrgSandboxes(opts: SandboxFlags, seed: SeedOrg, shared: Shared): Promise<void> {
  const names = parseOrgNames(opts.orgs ?? '');
  if (opts.state !== undefined && names.length > 1 && !opts.state.includes('{org}')) {
    throw new ProvisionError('invalid-option', `--state ${opts.state} with several orgs: each org's state would overwrite the last.`, { hint: 'Put {org} in the name, e.g. --state .provision/{org}.json.' });
  }
  const sandbox = await import('../sandbox/index.js');
  const roles = shared.clients?.[0]?.roles;
  let running: Awaited<ReturnType<typeof sandbox.startSandboxOrgs>>;
  try {
    running = await sandbox.startSandboxOrgs(
      names.map((org) => ({
        name: org,
        // Its own id (derived from its name), name and domain; fixed, public test credentials distinct per org.
        seed: { ...seed, clients: undefined, org: { ...seed.org, id: undefined, name: `${seed.org?.name ?? 'Sandbox'} (${org})`, domain: `${seed.org?.domain ?? 'sandbox'}-${org}` } },
        clients: [{ id: `${org}-client`, secret: `${org}-sandbox-secret`, ...(roles ? { roles } : {}) }],
        statePath: opts.state?.replaceAll('{org}', org),
        onRequest: opts.log ? (e) => log(`[${org}] ${e.method} ${e.path}${e.query ? `?${e.query}` : ''} → ${e.status || 'no answer'} ${e.ms} ms${e.fault ? ` [${e.fault}]` : ''}`) : undefined,
      })),
      {
        port: shared.port,
        host: opts.host,
        permissions: roles ? true : undefined,
        timeScale: shared.timeScale,
        requestsPerMinute: shared.requestsPerMinute,
        searchLagMs: shared.searchLagMs,
        stationLagMs: shared.stationLagMs,
        faults: shared.faults,
        randomSeed: shared.randomSeed,
      },
    );
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new ProvisionError('port-in-use', `Port ${shared.port} is already in use.`, { hint: 'Pick another --port, or 0 for a free one.' });
    if (err.name === 'SeedError' || err instanceof SyntaxError) throw new ProvisionError('invalid-seed', err.message, { hint: 'Fix the seed (or delete a corrupt --state file).' });
    if (err.name === 'StateSaveError') throw (await import('./session.js')).unsaved(err, opts.state ?? '');
    throw error;
  }
  const snippet = [`environment: ${running.url}`, 'orgs:'];
  for (const org of running.orgs) {
    const v = orgVariables(org.name);
    log(`Sandbox org ${org.name}: "${org.org.name}" (id ${org.org.id}, ${org.org.listUsers('any').length} users), client ${org.clients[0]?.id ?? ''}`);
    snippet.push(`  ${org.name}:`, `    credentials: { clientId: ${v.clientId}, clientSecret: ${v.clientSecret} }`);
    process.stdout.write(`export ${v.clientId}=${org.clients[0]?.id ?? ''}\nexport ${v.clientSecret}=${org.clients[0]?.secret ?? ''}\n`);
  }
  log(`Every org at ${running.url}, each reached by its own client. In provision.yaml (Ctrl-C stops the sandbox):\n${snippet.join('\n')}`);
  await untilStopped();
  try {
    await running.stop();
  } catch (error) {
    throw (error as Error).name === 'StateSaveError' ? (await import('./session.js')).unsaved(error as Error, opts.state ?? '') : error;
  }
  log(`Sandbox stopped after ${running.orgs.reduce((n, r) => n + r.requests.length, 0)} requests.`);
}
