// The work of `provision permissions` (declared in commands.ts): the Genesys Cloud permissions the plan and apply clients need.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';
import type { DesiredUser } from '../model/index.js';
import { ENDPOINTS, MANAGED_FIELDS, permissionsFor } from '../genesys/permissions.js';
import type { ClientPermissions, ClientRole, Endpoint, ManagedField } from '../genesys/permissions.js';
import { log } from './output.js';

export type PermissionsFormat = 'text' | 'json';

/** Where the list of managed fields came from. */
export type FieldsSource = 'users' | 'all';

export interface PermissionsFlags {
  format: string;
  all?: boolean;
  /** The org of provision.yaml's `orgs:` whose users folders say which fields are managed. */
  org?: string;
}

export interface PermissionsReport {
  fields: ManagedField[];
  fieldsSource: FieldsSource;
  /** Users read from users/ (0 when every field is listed). */
  users: number;
  clients: ClientPermissions[];
}

const ROLE_TITLES: Record<ClientRole, string> = {
  plan: 'Plan client (read-only: pull request plans and the nightly drift check)',
  apply: 'Apply client (reads, then writes: apply on merge)',
  export: 'Export (provision export reads every field; run it with a client holding these)',
};

/**
 * The fields at least one user sets (undefined means "not managed"). `scope.prune` deactivates
 * users too, so it manages `state` as far as permissions go.
 */
export function managedFields(users: readonly DesiredUser[], options: { prune?: boolean } = {}): ManagedField[] {
  const used = new Set<ManagedField>(['name']);
  if (options.prune) used.add('state');
  for (const user of users) {
    for (const field of MANAGED_FIELDS) {
      if (user[field] !== undefined) used.add(field);
    }
  }
  return MANAGED_FIELDS.filter((field) => used.has(field));
}

/** Each client's needs for `fields` (export: every field): pure, so the tests and the README can use it. */
export function buildReport(fields: ManagedField[], fieldsSource: FieldsSource, users: number): PermissionsReport {
  return {
    fields,
    fieldsSource,
    users,
    clients: [permissionsFor('plan', fields, ENDPOINTS), permissionsFor('apply', fields, ENDPOINTS), permissionsFor('export', MANAGED_FIELDS, ENDPOINTS)],
  };
}

const names = (client: ClientPermissions | undefined): string => (client?.permissions ?? []).map((need) => need.permission).join(' ');

function endpointLine(endpoint: Endpoint): string {
  return `      ${endpoint.method.padEnd(6)} ${endpoint.path.padEnd(62)} ${endpoint.purpose}`;
}

/** The report as text for a person creating the OAuth clients. */
export function renderText(report: PermissionsReport): string {
  const lines: string[] = [];
  const from =
    report.fieldsSource === 'users'
      ? `the fields users/ manages (${report.users} user${report.users === 1 ? '' : 's'})`
      : 'every field provision can manage';
  lines.push(`Permissions for ${from}: ${report.fields.join(', ')}.`);
  lines.push('Create one OAuth client (Client Credentials grant) per role below, each with a role holding exactly these permissions.');
  const notes: string[] = [];
  const plan = report.clients.find((client) => client.role === 'plan');
  for (const client of report.clients) {
    if (client.role === 'export' && names(client) === names(plan)) {
      lines.push('', 'Export (provision export) needs exactly the plan client\'s permissions: run it with the plan client.');
      continue;
    }
    lines.push('', ROLE_TITLES[client.role]);
    for (const need of client.permissions) {
      lines.push(`  ${need.permission}`);
      for (const endpoint of need.endpoints) {
        let line = endpointLine(endpoint);
        if (endpoint.note) {
          if (!notes.includes(endpoint.note)) notes.push(endpoint.note);
          line += ` [${notes.indexOf(endpoint.note) + 1}]`;
        }
        lines.push(line);
      }
    }
    if (client.unrestricted.length > 0) {
      lines.push('  (no permission needed)');
      for (const endpoint of client.unrestricted) lines.push(endpointLine(endpoint));
    }
  }
  if (notes.length > 0) {
    lines.push('', 'Notes');
    notes.forEach((note, index) => lines.push(`  [${index + 1}] ${note}`));
  }
  lines.push(
    '',
    'Grant the role in every division whose users provision manages and in the home division: the client sees and',
    'changes only users and queues of those divisions, grants roles only there, and grants in all divisions (*) only',
    'when its role is granted in all divisions.',
  );
  return `${lines.join('\n')}\n`;
}

/** The report as JSON: stable keys, endpoints without their role and field tags. */
export function renderJson(report: PermissionsReport): string {
  const endpoint = (e: Endpoint) => ({ method: e.method, path: e.path, purpose: e.purpose, doc: e.doc, requires: e.requires, permissions: e.permissions, ...(e.note ? { note: e.note } : {}) });
  const json = {
    fields: report.fields,
    fieldsSource: report.fieldsSource,
    users: report.users,
    clients: report.clients.map((client) => ({
      role: client.role,
      permissions: client.permissions.map((need) => ({ permission: need.permission, endpoints: need.endpoints.map(endpoint) })),
      unrestricted: client.unrestricted.map(endpoint),
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** The valid users of users/, read the way `validate` reads them (no SDK, no network), and whether the config prunes. */
async function readUsers(configPath: string, org: string | undefined): Promise<{ users: DesiredUser[]; prune: boolean }> {
  const { loadConfig, loadDesired, selectOrg } = await import('../desired/index.js');
  const config = selectOrg(await loadConfig(configPath), org);
  const state = await loadDesired([], config);
  const errors = state.issues.filter((issue) => issue.severity === 'error').length;
  if (errors > 0) log(`note: users/ has ${errors} error${errors === 1 ? '' : 's'} (run provision validate); these permissions cover the valid users only.`);
  return { users: state.users, prune: config.scope.prune };
}

export async function runPermissions(command: Command, options: PermissionsFlags): Promise<void> {
  if (options.format !== 'text' && options.format !== 'json') {
    throw new ProvisionError('bad-format', `Unknown format "${options.format}".`, { hint: 'Use --format text or --format json.' });
  }
  const { config } = command.optsWithGlobals<{ config: string }>();
  const read = options.all ? undefined : await readUsers(config, options.org);
  const report = read ? buildReport(managedFields(read.users, { prune: read.prune }), 'users', read.users.length) : buildReport([...MANAGED_FIELDS], 'all', 0);
  process.stdout.write(options.format === 'json' ? renderJson(report) : renderText(report));
}
