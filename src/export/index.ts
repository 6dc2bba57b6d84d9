// provision export: an OrgState turned into users/ files (YAML or CSV). Pure: no SDK, network, clock or file I/O.
import type { Issue, OrgState, OrgUser, ReadRequest } from '../model/index.js';
import { ProvisionError } from '../model/index.js';
import { domainOf, normalDomain } from '../rules/identity.js';
import { didYouMean, foldName } from '../rules/names.js';
import { compareStrings } from '../rules/order.js';
import { countAdminMissing, dialectWarnings, renderCsv } from './csv.js';
import { convertContext, convertUser, groupByOf, readWarnings } from './users.js';
import type { ConvertContext } from './users.js';
import { DEFAULT_EXPORT_FIELDS, EXPORT_FIELDS, PER_USER_FIELDS } from './types.js';
import type { ExportField, ExportFile, ExportNote, ExportOptions, ExportResult, ExportUser } from './types.js';
import { renderPersonasYaml, renderYaml } from './yaml.js';
import { proposePersonas, takePersona } from './personas.js';
import type { ProposedPersona } from './personas.js';
import { MAX_FILE_BYTES } from '../desired/files.js';

export * from './types.js';
export { escapeCell } from './csv.js';
export { unescapeCell } from '../desired/csv-file.js';

/**
 * The read an export needs: every queue's members, role grants when roles are exported, utilization and
 * voicemail policy (one call per user) when they are, and every inactive user unless only active ones are exported. Genesys lists at most 10,000 inactive users;
 * beyond, the reader searches them division by division, and says which it could not read.
 */
export function exportReadRequest(fields?: readonly ExportField[], state: ExportOptions['state'] = 'any'): ReadRequest {
  const wanted = new Set(fields ?? DEFAULT_EXPORT_FIELDS);
  const request: ReadRequest = { emails: [], queueNames: [], roles: wanted.has('roles'), allQueues: wanted.has('queues') };
  if (state !== 'active') request.inactive = 'all';
  const perUser = PER_USER_FIELDS.filter((f) => wanted.has(f));
  if (perUser.length > 0) request.perUserAll = perUser;
  // Every phone, no site or phone base looked up by name: the phones listing names both.
  if (wanted.has('webrtcPhone')) request.webrtcPhones = { sites: [], phoneBases: [] };
  return request;
}

/** `--fields title,roles skills`: names of the user schema, comma- or space-separated; email is implied, name only when listed. */
export function parseFields(values: readonly string[]): ExportField[] {
  const known = new Set<string>(EXPORT_FIELDS);
  const issues: Issue[] = [];
  const out = new Set<ExportField>();
  for (const raw of values.flatMap((v) => v.split(/[,\s]+/))) {
    const field = raw.trim();
    if (field === '' || field === 'email') continue;
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
  users: OrgUser[];
}

/** A file to write: its name, its title line and the users it holds. */
interface FileGroup {
  name: string;
  title: string;
  shared: ExportOptions['splitBy'];
  group: Group;
}

/** Users into files: one file, or one per division / department (users without one go to `no-…`). */
function group(users: readonly OrgUser[], context: ConvertContext, options: ExportOptions): FileGroup[] {
  const ext = options.format === 'csv' ? 'csv' : 'yaml';
  if (options.splitBy === 'none') return [{ name: `users.${ext}`, title: 'Users', shared: 'none', group: { key: undefined, users: [...users] } }];
  const by = options.splitBy;
  const groups = new Map<string, Group>();
  for (const user of users) {
    const key = groupByOf(context, user)[by];
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

/** One file's users in `count` parts of (nearly) equal size, in order: `users.yaml` becomes `users-part-1.yaml`, `users-part-2.yaml`… */
function parts(file: FileGroup, count: number): FileGroup[] {
  const dot = file.name.lastIndexOf('.');
  const size = Math.ceil(file.group.users.length / count);
  const out: FileGroup[] = [];
  for (let n = 0; n * size < file.group.users.length; n++) {
    const users = file.group.users.slice(n * size, (n + 1) * size);
    out.push({ ...file, name: `${file.name.slice(0, dot)}-part-${n + 1}${file.name.slice(dot)}`, title: `${file.title} (part ${n + 1})`, group: { key: file.group.key, users } });
  }
  return out;
}

/** The value every user of the file writes for `field` (as `convertUser` writes it), or undefined when they differ. */
function sameValue(context: ConvertContext, users: readonly OrgUser[], field: 'division' | 'department'): string | undefined {
  if (!context.fields.has(field) || users.length === 0) return undefined;
  const first = groupByOf(context, users[0]!)[field];
  return first !== undefined && users.every((u) => groupByOf(context, u)[field] === first) ? first : undefined;
}

/** Parsed numbers kept between users: offices share main numbers, but 50,000 users' own numbers need not stay. */
const PHONE_CACHE_LIMIT = 5000;

/**
 * The files that describe the org's selected users. Deterministic: the same org and options give
 * the same bytes. Users whose data cannot all be written are kept, with warnings. Each user is
 * converted as its file is written and let go after: only the files' text is held, not every user
 * twice over.
 */
export function exportOrg(org: OrgState, options: ExportOptions): ExportResult {
  const fields = new Set<ExportField>(options.fields ?? DEFAULT_EXPORT_FIELDS);
  // Genesys's admin import requires a name in every row: that layout always has it.
  if (options.format === 'csv' && options.csvDialect === 'genesys-admin') fields.add('name');
  const context = convertContext(org, fields);
  const kept = new Set([...context.liveByEmail.values()].map((u) => u.id));
  const selected = selectUsers(org, options, kept).sort((a, b) => compareStrings(a.email, b.email));
  const warnings: Issue[] = [...(org.warnings ?? []), ...readWarnings(context)];
  const homeName = org.lookups.divisions.find((d) => d.id === org.homeDivisionId)?.name.trim() ?? 'Home';
  const files: ExportFile[] = [];
  const adminMissing = new Map<string, number>();
  // Personas need every user's bundle first: a pass that converts each user and keeps only the bundles.
  const personas: ReadonlyMap<string, ProposedPersona> = options.personas ? proposePersonas(selected.map((u) => convertUser(context, u))) : new Map();

  /** One file's text, its users' lines and what to warn about them. */
  const render = ({ name, title, shared, group: g }: FileGroup) => {
    // Users with notes, by their place in the file: their warnings point at their lines.
    const noted: { index: number; email: string; notes: ExportNote[] }[] = [];
    const converted = function* (): Generator<ExportUser> {
      for (let index = 0; index < g.users.length; index++) {
        if (context.phoneCache.size > PHONE_CACHE_LIMIT) context.phoneCache.clear();
        const user = personas.size > 0 ? takePersona(convertUser(context, g.users[index]!), personas) : convertUser(context, g.users[index]!);
        if (user.notes.length > 0) noted.push({ index, email: user.email, notes: user.notes });
        yield user;
      }
    };
    if (options.format === 'csv') {
      // CSV keeps the columns some user of the file fills: the file's users are all needed at once.
      const users = [...converted()];
      const { text, lines, notes } = renderCsv(users, options.csvDialect, homeName);
      return { name, text, lines, noted, extra: notes, g, users };
    }
    const defaults = {
      division: shared === 'division' ? sameValue(context, g.users, 'division') : undefined,
      department: shared === 'department' ? sameValue(context, g.users, 'department') : undefined,
    };
    const { text, lines } = renderYaml(converted(), { schemaRef: options.schemaRef, title: `${title}, exported from the org "${org.target.orgName}".`, defaults });
    return { name, text, lines, noted, extra: [] as ExportNote[][], g, users: [] as ExportUser[] };
  };

  // A file over the users files' size limit would be refused by validate: its users go into as many parts as it takes.
  const limit = options.maxFileBytes ?? MAX_FILE_BYTES;
  for (const file of group(selected, context, options)) {
    let rendered = [render(file)];
    for (let count = 1; count < file.group.users.length; ) {
      const bytes = rendered.map((r) => Buffer.byteLength(r.text));
      if (Math.max(...bytes) <= limit) break;
      count = Math.min(file.group.users.length, Math.max(count + 1, Math.ceil(bytes.reduce((a, b) => a + b, 0) / (limit * 0.9))));
      rendered = parts(file, count).map(render);
    }
    for (const { name, text, lines, noted, extra, g, users } of rendered) {
      countAdminMissing(users, adminMissing);
      const byIndex = new Map(noted.map((n) => [n.index, n]));
      const extraAt = extra.flatMap((notes, index) => (notes.length > 0 ? [index] : []));
      for (const index of [...new Set([...byIndex.keys(), ...extraAt])].sort((a, b) => a - b)) {
        const own = byIndex.get(index);
        const email = own?.email ?? g.users[index]!.email;
        for (const n of [...(own?.notes ?? []), ...(extra[index] ?? [])]) {
          warnings.push({ severity: 'warning', code: n.code, message: `${email}: ${n.message}`, file: name, line: lines[index] });
        }
      }
      files.push({ name, text, users: g.users.length });
    }
  }
  if (options.format === 'csv') warnings.push(...dialectWarnings(adminMissing, options.csvDialect));
  if (personas.size > 0) {
    const list = [...personas.values()].sort((a, b) => compareStrings(a.name, b.name));
    const text = renderPersonasYaml(list, { schemaRef: options.personas?.schemaRef, title: `Personas proposed by \`provision export --personas\` from the org "${org.target.orgName}": users sharing the same roles, skills, languages, queues and groups.` });
    files.push({ name: 'personas.yaml', text, users: list.reduce((n, p) => n + p.users, 0), personas: list.length });
  }
  return { files, warnings, users: selected.length };
}
