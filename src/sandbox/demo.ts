// The demo org: built from the example users/ folder, mostly in step with it, with a few deliberate differences.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOrg } from './generate.js';
import type { SeedGrant, SeedOrg, SeedOtherEmail, SeedPhone, SeedUser } from './types.js';

/** A declared user, read loosely: only what the demo org needs. */
interface Declared {
  /** Keys the user (with its file's defaults) declares: only those are managed. */
  has: Set<string>;
  email: string;
  name: string;
  title?: string;
  department?: string;
  division?: string;
  manager?: string;
  state?: 'active' | 'inactive';
  phones: SeedPhone[];
  otherEmails: SeedOtherEmail[];
  roles: { role: string; division?: string }[];
  skills: Record<string, number>;
  languages: Record<string, number>;
  queues: string[];
  groups: string[];
  locations: string[];
  acdAutoAnswer?: boolean;
  profileSkills?: string[];
  certifications?: string[];
  employerInfo?: SeedUser['employerInfo'];
  webrtcPhone?: { site: string; phoneBase: string };
}

type Raw = Record<string, unknown>;

const EXTENSION = /\s*(?:x|ext\.?|;ext=|#)\s*(\d+)\s*$/i;

/** `+1 317 555 0100 x100` → E.164 number and extension. */
async function phone(type: string, value: unknown): Promise<SeedPhone | undefined> {
  const { parsePhoneNumberFromString } = await import('libphonenumber-js');
  const entry = typeof value === 'object' && value !== null ? (value as Raw) : { number: value };
  let text = String(entry.number ?? '').trim();
  let extension = entry.extension === undefined ? undefined : String(entry.extension);
  const ext = EXTENSION.exec(text);
  if (ext) {
    extension ??= ext[1];
    text = text.slice(0, ext.index).trim();
  }
  const parsed = text ? parsePhoneNumberFromString(text, 'US') : undefined;
  if (text && !parsed) return undefined;
  const out: SeedPhone = { type, mediaType: entry.sms === true ? 'SMS' : 'PHONE' };
  if (parsed) out.number = parsed.number;
  if (extension) out.extension = extension;
  return out;
}

function grants(value: unknown): { role: string; division?: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((g): { role: string; division?: string }[] => {
    if (typeof g === 'string') return [{ role: g }];
    const r = g as Raw;
    const role = String(r.role ?? r.name ?? '');
    if (Array.isArray(r.divisions)) return r.divisions.map((d) => ({ role, division: String(d) }));
    return [{ role, division: r.division === undefined ? undefined : String(r.division) }];
  });
}

const levels = (v: unknown): Record<string, number> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Raw).map(([k, n]) => [k, Number(n)])) : {});
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const text = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

async function declared(raw: Raw): Promise<Declared | undefined> {
  const email = text(raw.email)?.normalize('NFC').trim().toLowerCase();
  const name = text(raw.name);
  if (!email || !name) return undefined;
  const phones: SeedPhone[] = [];
  const rawPhones = raw.phones;
  if (rawPhones && typeof rawPhones === 'object' && !Array.isArray(rawPhones)) {
    for (const [type, value] of Object.entries(rawPhones as Raw)) {
      const p = await phone(type, value);
      if (p) phones.push(p);
    }
  }
  const employer = raw.employerInfo && typeof raw.employerInfo === 'object' ? (raw.employerInfo as SeedUser['employerInfo']) : undefined;
  const rawEmails = raw.otherEmails && typeof raw.otherEmails === 'object' && !Array.isArray(raw.otherEmails) ? (raw.otherEmails as Raw) : {};
  const otherEmails = Object.entries(rawEmails).map(([type, address]) => ({ type, address: String(address).trim().toLowerCase() }));
  return {
    has: new Set(Object.keys(raw)),
    email,
    name,
    title: text(raw.title),
    department: text(raw.department),
    division: text(raw.division),
    manager: text(raw.manager)?.toLowerCase(),
    state: raw.state === 'inactive' ? 'inactive' : raw.state === 'active' ? 'active' : undefined,
    phones,
    otherEmails,
    roles: grants(raw.roles),
    skills: levels(raw.skills),
    languages: levels(raw.languages),
    queues: list(raw.queues),
    groups: list(raw.groups),
    locations: list(raw.locations),
    acdAutoAnswer: typeof raw.acdAutoAnswer === 'boolean' ? raw.acdAutoAnswer : undefined,
    profileSkills: Array.isArray(raw.profileSkills) ? list(raw.profileSkills) : undefined,
    certifications: Array.isArray(raw.certifications) ? list(raw.certifications) : undefined,
    employerInfo: employer,
    webrtcPhone: phoneNames(raw.webrtcPhone),
  };
}

/** The site and phone base a `webrtcPhone` names, when it names both. */
function phoneNames(value: unknown): { site: string; phoneBase: string } | undefined {
  const v = typeof value === 'object' && value !== null ? (value as Raw) : {};
  const site = text(v.site);
  const phoneBase = text(v.phoneBase);
  return site && phoneBase ? { site, phoneBase } : undefined;
}

async function readYaml(file: string): Promise<Raw[]> {
  const { parse } = await import('yaml');
  const doc = parse(await readFile(file, 'utf8')) as Raw | null;
  const defaults = (doc?.defaults ?? {}) as Raw;
  const users = Array.isArray(doc?.users) ? (doc.users as Raw[]) : [];
  return users.map((u) => ({ ...defaults, ...u }));
}

/** provision's own CSV columns: lists `;`-separated, levels `Name:3`, roles `Role@Division`, phones `phone_<type>`. */
/** The starting guide's upper-case columns and what each fills. */
const STARTING_GUIDE: Record<string, string> = { NAME: 'name', EMAIL: 'email', GROUP: 'groups', ROLE: 'roles', SITENAME: 'site', PHONEBASE: 'phoneBase' };

async function readCsv(file: string): Promise<Raw[]> {
  const { parse } = await import('csv-parse/sync');
  const rows = parse(await readFile(file, 'utf8'), { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const items = (cell: string | undefined) => (cell ?? '').split(';').map((s) => s.trim()).filter((s) => s !== '' && s !== '-');
  const levelsOf = (cell: string | undefined) => Object.fromEntries(items(cell).map((i) => [i.slice(0, i.lastIndexOf(':')).trim(), Number(i.slice(i.lastIndexOf(':') + 1))]));
  return rows.map((row) => {
    const out: Raw = {};
    const phones: Raw = {};
    const employer: Raw = {};
    const webrtcPhone: Raw = {};
    for (const [column, value] of Object.entries(row)) {
      if (value === '') continue;
      // The starting guide's CSV: NAME, EMAIL, one GROUP and one ROLE a row, and SITENAME and PHONEBASE for the WebRTC phone.
      const guide = STARTING_GUIDE[column.toUpperCase()];
      if (guide === 'name' || guide === 'email') out[guide] = value;
      else if (guide === 'groups' || guide === 'roles') out[guide] = [value];
      else if (guide === 'site' || column === 'webrtcPhone_site') webrtcPhone.site = value;
      else if (guide === 'phoneBase' || column === 'webrtcPhone_phoneBase') webrtcPhone.phoneBase = value;
      else if (column.startsWith('phone_')) phones[column.slice(6)] = value;
      else if (column.toLowerCase().startsWith('otheremail_')) out.otherEmails = { ...(out.otherEmails as Raw | undefined), [column.slice(11).toLowerCase()]: value };
      else if (['skills', 'languages'].includes(column)) out[column] = levelsOf(value);
      else if (['queues', 'groups', 'locations', 'profileSkills', 'certifications'].includes(column)) out[column] = items(value);
      else if (column === 'roles') out.roles = items(value).map((r) => (r.includes('@') ? { role: r.slice(0, r.lastIndexOf('@')).trim(), division: r.slice(r.lastIndexOf('@') + 1).trim() } : r));
      else if (['employeeId', 'employeeType', 'dateHire', 'officialName'].includes(column)) employer[column] = value;
      else if (column === 'acdAutoAnswer') out.acdAutoAnswer = value.toLowerCase() === 'true';
      else out[column] = value;
    }
    if (Object.keys(phones).length > 0) out.phones = phones;
    if (Object.keys(employer).length > 0) out.employerInfo = employer;
    if (Object.keys(webrtcPhone).length > 0) out.webrtcPhone = webrtcPhone;
    return out;
  });
}

function defaultUsersDir(): string | undefined {
  if (existsSync('users')) return 'users';
  // Next to the package (dist/src/sandbox/demo.js or src/sandbox/demo.ts → the repo root).
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../..']) {
    const dir = resolve(here, up, 'users');
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

const EXTRA = {
  divisions: ['Back Office'],
  skills: ['Legacy Fax'],
  languages: ['Finnish'],
  roles: ['Admin'],
  locations: ['Remote'],
  queues: ['Archive - Do Not Use'],
  groups: ['Book Club'],
};

/** The personas defined beside the users folder (its `personas/` files and provision.yaml's `personas:`), read as users for the names they hold. */
async function personaBundles(dir: string): Promise<Declared[]> {
  const { parse } = await import('yaml');
  const folder = join(dir, 'personas');
  const files = existsSync(folder) ? (await readdir(folder)).filter((f) => /\.ya?ml$/i.test(f)).sort().map((f) => join(folder, f)) : [];
  if (existsSync(join(dir, 'provision.yaml'))) files.push(join(dir, 'provision.yaml'));
  const docs: unknown[] = [];
  for (const file of files) {
    try {
      docs.push(parse(await readFile(file, 'utf8')));
    } catch {
      // A file that does not parse is the plan's to report, at its line; the demo org just lacks its names.
    }
  }
  const bundles: Declared[] = [];
  for (const doc of docs) {
    const personas = (doc as Raw | null)?.personas;
    if (typeof personas !== 'object' || personas === null) continue;
    for (const [name, fields] of Object.entries(personas as Raw)) {
      const bundle = await declared({ ...(fields as Raw), email: `${name}@personas`, name });
      if (bundle) bundles.push(bundle);
    }
  }
  return bundles;
}

/**
 * The demo org for the example users/ folder. Declared users are sorted by email; then, by
 * position: every 7th from the 3rd is missing (to be created), every 7th from the 5th is out of
 * date (title, skills or queues differ, in turn; one in-step user gets a queue change when no
 * stale user manages queues), the first at a position 7k+6 is soft-deleted (to be restored), and
 * `temp.agent@<most common domain>` is an active user that git does not declare. Without a
 * users/ folder it is a small generated org.
 */
export async function demoSeed(usersDir?: string): Promise<SeedOrg> {
  const dir = usersDir ?? defaultUsersDir();
  if (!dir || !existsSync(dir)) return generateOrg({ users: 25, queues: 5, groups: 4, seed: 7 });
  const files = (await readdir(dir)).filter((f) => /\.(ya?ml|csv)$/i.test(f)).sort();
  const raws: Raw[] = [];
  for (const f of files) raws.push(...(/\.csv$/i.test(f) ? await readCsv(join(dir, f)) : await readYaml(join(dir, f))));
  const byEmail = new Map<string, Declared>();
  for (const raw of raws) {
    const d = await declared(raw);
    if (d && !byEmail.has(d.email)) byEmail.set(d.email, d);
  }
  const users = [...byEmail.values()].sort((a, b) => (a.email < b.email ? -1 : 1));
  if (users.length === 0) return generateOrg({ users: 25, queues: 5, groups: 4, seed: 7 });

  const names = { divisions: new Set<string>(['Home']), skills: new Set<string>(), languages: new Set<string>(), roles: new Set<string>(), locations: new Set<string>(), queues: new Set<string>(), groups: new Set<string>(), sites: new Set<string>(['Indianapolis']), phoneBases: new Set<string>(['WebRTC Base']) };
  // What the personas name exists in the org too (personas/ and provision.yaml's personas: beside the users folder, their default place).
  const named = [...users, ...(await personaBundles(dirname(resolve(dir))))];
  for (const u of named) {
    if (u.webrtcPhone) {
      names.sites.add(u.webrtcPhone.site);
      names.phoneBases.add(u.webrtcPhone.phoneBase);
    }
    if (u.division) names.divisions.add(u.division);
    for (const g of u.roles) {
      names.roles.add(g.role);
      if (g.division) names.divisions.add(g.division);
    }
    Object.keys(u.skills).forEach((s) => names.skills.add(s));
    Object.keys(u.languages).forEach((s) => names.languages.add(s));
    u.locations.forEach((s) => names.locations.add(s));
    u.queues.forEach((s) => names.queues.add(s));
    u.groups.forEach((s) => names.groups.add(s));
  }
  for (const [key, extra] of Object.entries(EXTRA)) extra.forEach((n) => names[key as keyof typeof names].add(n));

  const missing = new Set<string>();
  const stale = new Set<string>();
  let deleted: string | undefined;
  users.forEach((u, i) => {
    if (i % 7 === 2) missing.add(u.email);
    else if (i % 7 === 4) stale.add(u.email);
    else if (i % 7 === 6 && deleted === undefined) deleted = u.email;
  });

  const seedUsers: SeedUser[] = [];
  let staleIndex = 0;
  const kindsShown = new Set<string>();
  for (const u of users) {
    if (missing.has(u.email)) continue;
    const seedUser: SeedUser = {
      email: u.email,
      name: u.name,
      title: u.title,
      department: u.department,
      division: u.division,
      state: u.email === deleted ? 'deleted' : (u.state ?? 'active'),
      phones: u.phones,
      otherEmails: u.otherEmails,
      roles: u.roles.map((g): SeedGrant => (g.division ? { role: g.role, division: g.division } : g.role)),
      skills: { ...u.skills },
      languages: { ...u.languages },
      queues: [...u.queues],
      groups: [...u.groups],
      locations: [...u.locations],
    };
    if (u.manager && !missing.has(u.manager) && byEmail.has(u.manager)) seedUser.manager = u.manager;
    if (u.acdAutoAnswer !== undefined) seedUser.acdAutoAnswer = u.acdAutoAnswer;
    if (u.profileSkills) seedUser.profileSkills = u.profileSkills;
    if (u.certifications) seedUser.certifications = u.certifications;
    if (u.employerInfo) seedUser.employerInfo = { ...u.employerInfo };
    if (stale.has(u.email)) {
      // Out of date in a field the user manages, in turn title, skills and queues, so the demo shows each kind.
      const preferred = ['title', 'skills', 'queues'][staleIndex++ % 3] as string;
      const kind = u.has.has(preferred) ? preferred : 'title';
      kindsShown.add(kind);
      if (kind === 'title') seedUser.title = u.title ? `${u.title} (Acting)` : 'Trainee';
      if (kind === 'skills') {
        const first = Object.keys(u.skills)[0];
        seedUser.skills = { ...u.skills, ...(first ? { [first]: u.skills[first] === 5 ? 3 : 5 } : {}), 'Legacy Fax': 2 };
      }
      if (kind === 'queues') seedUser.queues = u.queues.length > 1 ? u.queues.slice(1) : [...u.queues.slice(1), 'Archive - Do Not Use'];
    }
    seedUsers.push(seedUser);
  }
  if (!kindsShown.has('queues')) {
    // No stale user manages queues: take the first in-step user who does, so a queue change shows too.
    const candidate = seedUsers.find((s) => s.state !== 'deleted' && !stale.has(s.email) && byEmail.get(s.email)?.has.has('queues') && (s.queues ?? []).length > 0);
    if (candidate) candidate.queues = [...(candidate.queues ?? []).slice(1), 'Archive - Do Not Use'];
  }
  const domains = new Map<string, number>();
  for (const u of users) domains.set(u.email.split('@')[1] ?? '', (domains.get(u.email.split('@')[1] ?? '') ?? 0) + 1);
  const domain = [...domains].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'example.com';
  const firstDivision = [...names.divisions].find((d) => d !== 'Home') ?? 'Home';
  seedUsers.push({
    email: `temp.agent@${domain}`,
    name: 'Taylor Temp',
    title: 'Temporary Agent',
    department: 'Customer Support',
    division: firstDivision,
    state: 'active',
    roles: names.roles.has('employee') ? ['employee'] : [],
  });

  const sorted = (s: Set<string>) => [...s].sort();
  return {
    org: { name: 'Acme Support (sandbox)', domain: 'acme-sandbox' },
    divisions: sorted(names.divisions).map((name) => ({ name, home: name === 'Home' })),
    skills: sorted(names.skills),
    languages: sorted(names.languages),
    roles: sorted(names.roles).map((name) => ({ name, permissions: name === 'Admin' ? ['*:*:*'] : [] })),
    locations: sorted(names.locations),
    // As in real orgs, some queue members come through a group, and a group holds a role for its members
    // (the quick start then shows how the plan treats both: never a removal, never a second grant).
    queues: sorted(names.queues).map((name) => (name === 'Support - Spanish' && names.groups.has('Spanish Speakers') ? { name, memberGroups: ['Spanish Speakers'] } : { name })),
    groups: sorted(names.groups).map((name) => (name === 'Sales Team' && names.roles.has('employee') ? { name, roles: ['employee'] } : { name })),
    // Desk extensions 4000–4999: the example's extension-only lines lie in it, so they come back as pooled extensions.
    extensionPools: [{ name: 'Indianapolis HQ desks', startNumber: '4000', endNumber: '4999' }],
    // The starting guide's SITENAME and PHONEBASE columns name a site and a WebRTC phone base: those users files name, and one of each besides.
    sites: sorted(names.sites),
    phoneBases: sorted(names.phoneBases).map((name) => ({ name })),
    users: seedUsers,
  };
}
