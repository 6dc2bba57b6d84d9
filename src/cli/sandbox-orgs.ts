// `provision sandbox --orgs test,prod`: several emulated orgs at once, each its own server, org id, name, OAuth client and data.
//
// Why one server per org: a Genesys Cloud org lives in one region, reached at that region's API host (the SDK's
// `PureCloudRegionHosts`, src/purecloud-platform-client-v2/PureCloudRegionHosts.js of
// MyPureCloud/platform-client-sdk-javascript), and an OAuth client belongs to one org: its token reads that org
// alone (`GET /api/v2/organizations/me`, build/docs/OrganizationApi.md, names it). Orgs of one region share the
// host and differ by client; provision treats both cases alike (an org is its environment plus its client), so
// distinct URLs stand for both and keep every org's data, tokens and rate limit apart by construction: a token
// or client of one org is unknown to the other's server (401), as another org's token is to a real org.
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
  const running: Awaited<ReturnType<typeof sandbox.startSandbox>>[] = [];
  try {
    for (const [i, org] of names.entries()) {
      // Fixed, public test credentials, distinct per org: one org's client is refused by the other.
      const roles = shared.clients?.[0]?.roles;
      const client: SandboxClient = { id: `${org}-client`, secret: `${org}-sandbox-secret`, ...(roles ? { roles } : {}) };
      running.push(
        await sandbox.startSandbox({
          seed: { ...seed, clients: undefined, org: { ...seed.org, id: undefined, name: `${seed.org?.name ?? 'Sandbox'} (${org})`, domain: `${seed.org?.domain ?? 'sandbox'}-${org}` } },
          clients: [client],
          permissions: roles ? true : undefined,
          port: shared.port === undefined || shared.port === 0 ? 0 : shared.port + i,
          host: opts.host,
          statePath: opts.state?.replaceAll('{org}', org),
          timeScale: shared.timeScale,
          requestsPerMinute: shared.requestsPerMinute,
          searchLagMs: shared.searchLagMs,
          stationLagMs: shared.stationLagMs,
          faults: shared.faults,
          randomSeed: shared.randomSeed,
          onRequest: opts.log ? (e) => log(`[${org}] ${e.method} ${e.path}${e.query ? `?${e.query}` : ''} → ${e.status || 'no answer'} ${e.ms} ms${e.fault ? ` [${e.fault}]` : ''}`) : undefined,
        }),
      );
    }
  } catch (error) {
    await Promise.all(running.map((r) => r.stop()));
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new ProvisionError('port-in-use', `Port ${shared.port} or one after it is already in use.`, { hint: 'Pick another --port, or 0 for free ones.' });
    throw error;
  }
  const snippet = ['orgs:'];
  for (const [i, org] of names.entries()) {
    const r = running[i]!;
    const v = orgVariables(org);
    log(`Sandbox org ${org}: "${r.org.name}" (id ${r.org.id}, ${r.org.listUsers('any').length} users) at ${r.url}`);
    snippet.push(`  ${org}:`, `    credentials: { clientId: ${v.clientId}, clientSecret: ${v.clientSecret}, environment: ${v.environment} }`);
    process.stdout.write(`export ${v.environment}=${r.url}\nexport ${v.clientId}=${r.clients[0]?.id ?? ''}\nexport ${v.clientSecret}=${r.clients[0]?.secret ?? ''}\n`);
  }
  log(`Point provision.yaml's orgs at them (Ctrl-C stops the sandboxes):\n${snippet.join('\n')}`);
  await untilStopped();
  await Promise.all(running.map((r) => r.stop()));
  log(`Sandboxes stopped after ${running.reduce((n, r) => n + r.requests.length, 0)} requests.`);
}
