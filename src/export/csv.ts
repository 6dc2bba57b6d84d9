// Writes ExportUsers as CSV (provision's columns or Genesys's admin-UI bulk format), spreadsheet-safe.
import { stringify } from 'csv-stringify/sync';
import { QUOTED_START } from '../desired/csv-file.js';
import type { Issue, RoleGrant } from '../model/index.js';
import { compareStrings, PHONE_ORDER } from './users.js';
import type { CsvDialectName, ExportNote, ExportUser } from './types.js';
import { phoneText } from './yaml.js';

/** Characters that make a spreadsheet read a cell as a formula (or strip their way to one). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * The cell as written: a leading `'` before `=`, `+`, `-`, `@`, tab or CR (and before a `'` that
 * precedes one) so spreadsheets show text instead of running a formula. `unescapeCell` undoes it.
 */
export function escapeCell(value: string): string {
  return FORMULA_START.test(value) || QUOTED_START.test(value) ? `'${value}` : value;
}


/** A cell of just `-` means "none" to the reader, so no value may be written as that. */
const NONE = '-';

type Cell = string | { problem: string };

function joined(items: readonly string[], separator: string, what: string): Cell {
  const bad = items.find((i) => i.includes(separator));
  if (bad !== undefined) return { problem: `the ${what} "${bad}" contains "${separator}" (the CSV list separator)` };
  return items.join(separator);
}

function canonicalRoles(grants: readonly RoleGrant[], homeName: string): Cell {
  const items: string[] = [];
  for (const g of grants) {
    if (g.role.includes(';')) return { problem: `the role "${g.role}" contains ";"` };
    if (g.division !== undefined && /[;@]/.test(g.division)) return { problem: `the division "${g.division}" contains ";" or "@"` };
    // `Role@Division` splits on the last `@`: a home grant of a role with `@` names the home division.
    const division = g.division ?? (g.role.includes('@') ? homeName : undefined);
    items.push(division === undefined ? g.role : `${g.role}@${division}`);
  }
  return items.join(';');
}

/** Genesys's `employee, User: [Home; Support]`: commas between roles, `;` between divisions. */
function adminRoles(grants: readonly RoleGrant[], homeName: string): Cell {
  const byRole = new Map<string, { home: boolean; divisions: string[] }>();
  for (const g of grants) {
    if (/[,[\]]/.test(g.role)) return { problem: `the role "${g.role}" contains ",", "[" or "]"` };
    const entry = byRole.get(g.role) ?? { home: false, divisions: [] };
    if (g.division === undefined) entry.home = true;
    else entry.divisions.push(g.division);
    byRole.set(g.role, entry);
  }
  const items: string[] = [];
  for (const [role, entry] of [...byRole].sort(([a], [b]) => compareStrings(a, b))) {
    if (entry.divisions.length === 0) {
      items.push(role);
      continue;
    }
    const divisions = entry.home ? [homeName, ...entry.divisions] : entry.divisions;
    const bad = divisions.find((d) => /[;,[\]]/.test(d));
    if (bad !== undefined) return { problem: `the division "${bad}" contains ";", ",", "[" or "]"` };
    items.push(`${role}: [${divisions.join('; ')}]`);
  }
  return items.join(', ');
}

function levelsCell(levels: ExportUser['skills'], separator: string): Cell {
  if (!levels) return '';
  const bad = levels.find(([name]) => name.includes(separator));
  if (bad) return { problem: `the name "${bad[0]}" contains "${separator}"` };
  return levels.map(([name, level]) => `${name}:${level}`).join(separator);
}

interface Column {
  header: string;
  /** The field a problem leaves out (shown in the warning). */
  field: string;
  cell: (user: ExportUser) => Cell | undefined;
}

function canonicalColumns(homeName: string): Column[] {
  const text = (field: 'email' | 'name' | 'title' | 'department' | 'division' | 'manager' | 'state'): Column => ({ header: field, field, cell: (u) => u[field] });
  const list = (field: 'queues' | 'groups' | 'locations' | 'profileSkills' | 'certifications'): Column => ({
    header: field,
    field,
    cell: (u) => (u[field] ? joined(u[field], ';', field === 'queues' ? 'queue' : field) : undefined),
  });
  const employer = (field: 'employeeId' | 'employeeType' | 'dateHire' | 'officialName'): Column => ({ header: field, field: 'employerInfo', cell: (u) => u.employerInfo?.[field] });
  return [
    text('email'),
    text('name'),
    text('title'),
    text('department'),
    text('division'),
    text('manager'),
    text('state'),
    ...PHONE_ORDER.map(
      (type): Column => ({
        header: `phone_${type}`,
        field: 'phones',
        cell: (u) => {
          const phone = u.phones?.find((p) => p.type === type);
          if (!phone) return undefined;
          return phone.mediaType === 'SMS' ? { problem: `the ${type} phone takes SMS, which CSV files cannot say` } : phoneText(phone);
        },
      }),
    ),
    ...(['work', 'home'] as const).map((type): Column => ({ header: `otherEmail_${type}`, field: 'otherEmails', cell: (u) => u.otherEmails?.find((e) => e.type === type)?.address })),
    { header: 'roles', field: 'roles', cell: (u) => (u.roles ? canonicalRoles(u.roles, homeName) : undefined) },
    { header: 'skills', field: 'skills', cell: (u) => levelsCell(u.skills, ';') },
    { header: 'languages', field: 'languages', cell: (u) => levelsCell(u.languages, ';') },
    list('queues'),
    list('groups'),
    list('locations'),
    { header: 'acdAutoAnswer', field: 'acdAutoAnswer', cell: (u) => (u.acdAutoAnswer === undefined ? undefined : String(u.acdAutoAnswer)) },
    list('profileSkills'),
    list('certifications'),
    employer('employeeId'),
    employer('employeeType'),
    employer('dateHire'),
    employer('officialName'),
  ];
}

/** Phones the admin format can hold: one work line (number and/or extension) that is not SMS. */
function adminWorkPhone(user: ExportUser): NonNullable<ExportUser['phones']> | { problem: string } {
  const phones = user.phones ?? [];
  if (phones.length === 0) return [];
  const [only] = phones;
  if (phones.length > 1 || !only || only.type !== 'work' || only.mediaType !== 'PHONE') {
    return { problem: `the genesys-admin CSV holds one work phone only, and this user has ${phones.map((p) => `${p.type}${p.mediaType === 'SMS' ? ' (SMS)' : ''}`).join(', ')}` };
  }
  return phones;
}

function adminColumns(homeName: string): Column[] {
  const text = (header: string, field: 'email' | 'name' | 'title' | 'department' | 'division' | 'manager'): Column => ({ header, field, cell: (u) => u[field] });
  return [
    text('name', 'name'),
    text('email', 'email'),
    {
      header: 'phone_work',
      field: 'phones',
      cell: (u) => {
        const phones = adminWorkPhone(u);
        return 'problem' in phones ? phones : phones[0]?.number;
      },
    },
    {
      header: 'extension',
      field: 'phones',
      cell: (u) => {
        const phones = adminWorkPhone(u);
        return 'problem' in phones ? undefined : phones[0]?.extension;
      },
    },
    text('title', 'title'),
    text('department', 'department'),
    text('email_manager', 'manager'),
    {
      header: 'location_work',
      field: 'locations',
      cell: (u) => {
        const list = u.locations;
        if (!list) return undefined;
        return list.length > 1 ? { problem: `the genesys-admin CSV holds one location, and this user has ${list.length}` } : list[0];
      },
    },
    { header: 'roles_divisions', field: 'roles', cell: (u) => (u.roles ? adminRoles(u.roles, homeName) : undefined) },
    { header: 'queues', field: 'queues', cell: (u) => (u.queues ? joined(u.queues, ',', 'queue') : undefined) },
    text('division', 'division'),
    { header: 'skills', field: 'skills', cell: (u) => levelsCell(u.skills, ',') },
  ];
}

/** Fields provision exports that the admin format has no column for. */
const ADMIN_MISSING = ['state', 'otherEmails', 'languages', 'groups', 'acdAutoAnswer', 'profileSkills', 'certifications', 'employerInfo'] as const;

export interface CsvRender {
  text: string;
  /** Line of each user's row (1-based, in the order given). */
  lines: number[];
  /** Per user (same order), what this format could not hold. */
  notes: ExportNote[][];
}

export function renderCsv(users: readonly ExportUser[], dialect: CsvDialectName, homeName: string): CsvRender {
  const all = dialect === 'genesys-admin' ? adminColumns(homeName) : canonicalColumns(homeName);
  const notes: ExportNote[][] = users.map(() => []);
  const rows: string[][] = users.map((user, u) => {
    const left = new Set<string>();
    const cells = all.map((column) => {
      if (left.has(column.field)) return '';
      const cell = column.cell(user);
      if (cell === undefined || cell === '') return '';
      const problem = typeof cell === 'string' ? (cell === NONE ? `the value "${NONE}" means "none" in CSV files` : undefined) : cell.problem;
      if (problem === undefined) return escapeCell(cell as string);
      left.add(column.field);
      notes[u]!.push({ code: `unexportable-${column.field}`, message: `${problem}; ${column.field} left out (not managed).` });
      return '';
    });
    // A field with a problem in one column (phones, employer info) is left out of all of its columns.
    return cells.map((cell, i) => (left.has(all[i]!.field) ? '' : cell));
  });
  // Canonical files carry only the columns some user fills; the admin format keeps its fixed header.
  const keep = all.map((column, i) => dialect === 'genesys-admin' || column.header === 'email' || column.header === 'name' || rows.some((r) => r[i] !== ''));
  const header = all.filter((_, i) => keep[i]).map((c) => c.header);
  const body = rows.map((r) => r.filter((_, i) => keep[i]));
  const headerText = stringify([header]);
  const lines: number[] = [];
  let line = 1 + (headerText.match(/\n/g)?.length ?? 0);
  const parts = [headerText];
  for (const row of body) {
    lines.push(line);
    const text = stringify([row]);
    line += text.match(/\n/g)?.length ?? 0;
    parts.push(text);
  }
  return { text: parts.join(''), lines, notes };
}

/** Org-wide: the fields the dialect has no column for, when some exported user has them. */
export function dialectWarnings(users: readonly ExportUser[], dialect: CsvDialectName): Issue[] {
  if (dialect !== 'genesys-admin') return [];
  const lost = ADMIN_MISSING.map((field) => [field, users.filter((u) => u[field] !== undefined).length] as const).filter(([, n]) => n > 0);
  if (lost.length === 0) return [];
  return [
    {
      severity: 'warning',
      code: 'csv-dialect-fields',
      message: `The genesys-admin CSV has no column for ${lost.map(([f, n]) => `${f} (${n} users)`).join(', ')}: those fields are left out (not managed).`,
      hint: 'Export with --format yaml or --csv-dialect canonical to keep every field.',
    },
  ];
}
