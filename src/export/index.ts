// provision export: an OrgState turned into users/ files (YAML or CSV). Pure: no SDK, network, clock or file I/O.
import type { Issue, OrgState, OrgUser, ReadRequest } from '../model/index.js';
import { ProvisionError } from '../model/index.js';
import { domainOf, normalDomain } from '../rules/identity.js';
import { didYouMean, foldName } from '../rules/names.js';
import { compareStrings } from '../rules/order.js';
import { dialectWarnings, renderCsv } from './csv.js';
import { convertContext, convertUser, readWarnings } from './users.js';
import { EXPORT_FIELDS } from './types.js';
import type { ExportField, ExportFile, ExportOptions, ExportResult, ExportUser } from './types.js';
import { renderYaml } from './yaml.js';

export * from './types.js';
export { escapeCell } from './csv.js';
export { unescapeCell } from '../desired/csv-file.js';

/**
 * The read an export needs: every queue's members, role grants when roles are exported, and every
 * inactive user unless only active ones are exported. Genesys lists at most 10,000 inactive users;
 * beyond, the reader searches them division by division, and says which it could not read.
 */
export function exportReadRequest(fields?: readonly ExportField[], state: ExportOptions['state'] = 'any'): ReadRequest {
  const wanted = new Set(fields ?? EXPORT_FIELDS);
  const request: ReadRequest = { emails: [], queueNames: [], roles: wanted.has('roles'), allQueues: wanted.has('queues') };
  if (state !== 'active') request.inactive = 'all';
  return request;
}

/** `--fields title,roles skills`: names of the user schema, comma- or space-separated; email and name are implied. */
export function parseFields(values: readonly string[]): ExportField[] {
  const known = new Set<string>(EXPORT_FIELDS);
  const issues: Issue[] = [];
  const out = new Set<ExportField>();
  for (const raw of values.flatMap((v) => v.split(/[,\s]+/))) {
    const field = raw.trim();
    if (field === '' || field === 'email' || field === 'name') continue;
    if (known.has(field)) {
      out.add(field as ExportField);
      continue;
    }
    const guess = didYouMean(field, [...EXPORT_FIELDS]);
    issues.push({ severity: 'error', code: 'unknown-field', message: `--fields: "${field}" is not a field of the users files.`, hint: guess ? `Did you mean "${guess}"?` : `Fields: ${EXPORT_FIELDS.join(', ')}.` });
  }
  if (issues.length > 0) throw new ProvisionError('invalid-fields', 'Unknown field names in --fields.', { issues });
  return EXPORT_FIELDS.filter((f) => out.has(f));
}

/** The users the options select (never deleted ones); throws `unknown-division` for a name the org lacks. */
function selectUsers(org: OrgState, options: ExportOptions, kept: ReadonlySet<string>): OrgUser[] {
  let divisionIds: Set<string> | undefined;
  if (options.divisions.length > 0) {
    divisionIds = new Set();
    const issues: Issue[] = [];
    for (const name of options.divisions) {
      const found = org.lookups.divisions.filter((d) => foldName(d.name) === foldName(name));
      if (found.length === 0) {
        const guess = didYouMean(name, org.lookups.divisions.map((d) => d.name));
        issues.push({ severity: 'error', code: 'unknown-division', message: `--division: the org has no division "${name}".`, hint: guess ? `Did you mean "${guess}"?` : 'Division names are matched case-insensitively.' });
      }
      for (const d of found) divisionIds.add(d.id);
    }
    if (issues.length > 0) throw new ProvisionError('unknown-division', 'A division given to --division does not exist in the org.', { issues });
  }
  const domains = new Set(options.emailDomains.map(normalDomain).filter((d) => d !== ''));
  return org.users.filter((user) => {
    if (user.state === 'deleted' || !kept.has(user.id)) return false;
    if (options.state !== 'any' && user.state !== options.state) return false;
    if (divisionIds && !divisionIds.has(user.divisionId ?? org.homeDivisionId)) return false;
    if (domains.size > 0 && !domains.has(domainOf(user.email))) return false;
    return true;
  });
}

/** A file name from a division or department name: lower-case ASCII words joined by `-`. */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'unnamed' : s;
}

interface Group {
  key: string | undefined;
  users: ExportUser[];
}

/** Users into files: one file, or one per division / department (users without one go to `no-…`). */
function group(users: readonly ExportUser[], options: ExportOptions): { name: string; title: string; shared: ExportOptions['splitBy']; group: Group }[] {
  const ext = options.format === 'csv' ? 'csv' : 'yaml';
  if (options.splitBy === 'none') return [{ name: `users.${ext}`, title: 'Users', shared: 'none', group: { key: undefined, users: [...users] } }];
  const by = options.splitBy;
  const groups = new Map<string, Group>();
  for (const user of users) {
    const key = user.groupBy[by];
    const id = key === undefined ? '\u0000' : key;
    const found = groups.get(id) ?? { key, users: [] };
    found.users.push(user);
    groups.set(id, found);
  }
  const used = new Set<string>();
  return [...groups.values()]
    .sort((a, b) => (a.key === undefined ? 1 : b.key === undefined ? -1 : compareStrings(a.key, b.key)))
    .map((g) => {
      const base = g.key === undefined ? `no-${by}` : slug(g.key);
      let name = base;
      for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
      used.add(name);
      const title = g.key === undefined ? `Users with no ${by}` : `Users of the ${by} "${g.key}"`;
      return { name: `${name}.${ext}`, title, shared: by, group: g };
    });
}

function sameValue(users: readonly ExportUser[], field: 'division' | 'department'): string | undefined {
  const first = users[0]?.[field];
  return first !== undefined && users.every((u) => u[field] === first) ? first : undefined;
}

/**
 * The files that describe the org's selected users. Deterministic: the same org and options give
 * the same bytes. Users whose data cannot all be written are kept, with warnings.
 */
export function exportOrg(org: OrgState, options: ExportOptions): ExportResult {
  const fields = new Set<ExportField>(options.fields ?? EXPORT_FIELDS);
  const context = convertContext(org, fields);
  const kept = new Set([...context.liveByEmail.values()].map((u) => u.id));
  const users = selectUsers(org, options, kept)
    .sort((a, b) => compareStrings(a.email, b.email))
    .map((user) => convertUser(context, user));
  const warnings: Issue[] = [...(org.warnings ?? []), ...readWarnings(context)];
  const homeName = org.lookups.divisions.find((d) => d.id === org.homeDivisionId)?.name.trim() ?? 'Home';
  const files: ExportFile[] = [];

  for (const { name, title, shared, group: g } of group(users, options)) {
    let lines: number[];
    let text: string;
    let extra: (typeof g.users)[number]['notes'][] = g.users.map(() => []);
    if (options.format === 'csv') {
      const csv = renderCsv(g.users, options.csvDialect, homeName);
      ({ text, lines } = csv);
      extra = csv.notes;
    } else {
      const defaults = {
        division: shared === 'division' ? sameValue(g.users, 'division') : undefined,
        department: shared === 'department' ? sameValue(g.users, 'department') : undefined,
      };
      ({ text, lines } = renderYaml(g.users, { schemaRef: options.schemaRef, title: `${title}, exported from the org "${org.target.orgName}".`, defaults }));
    }
    g.users.forEach((user, i) => {
      for (const n of [...user.notes, ...(extra[i] ?? [])]) {
        warnings.push({ severity: 'warning', code: n.code, message: `${user.email}: ${n.message}`, file: name, line: lines[i] });
      }
    });
    files.push({ name, text, users: g.users.length });
  }
  if (options.format === 'csv') warnings.push(...dialectWarnings(users, options.csvDialect));
  return { files, warnings, users: users.length };
}
