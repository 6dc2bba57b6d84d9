// Writes ExportUsers as CSV (provision's columns or Genesys's admin-UI bulk format), spreadsheet-safe.
import { stringify } from 'csv-stringify/sync';
import { QUOTED_START } from '../desired/csv-file.js';
import type { EmployerInfo, Issue, RoleGrant, VoicemailPolicy, WebrtcPhone } from '../model/index.js';
import { USER_FIELDS } from '../model/index.js';
import { CSV_COLUMNS, GENESYS_ADMIN_COLUMNS, NONE } from '../rules/csv-columns.js';
import type { CsvColumn, CsvDialect } from '../rules/csv-columns.js';
import { compareStrings } from '../rules/order.js';
import { utilizationCell } from '../rules/utilization.js';
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

/** The cell of one table column for a user; `homeName` names the home division where a format must. */
function cellOf(column: CsvColumn, homeName: string): (user: ExportUser) => Cell | undefined {
  const separator = column.separator ?? ';';
  switch (column.kind) {
    case 'text': {
      const field = column.field as 'email' | 'name' | 'title' | 'department' | 'division' | 'manager' | 'state' | 'persona';
      return (u) => u[field];
    }
    case 'bool':
      return (u) => (u.acdAutoAnswer === undefined ? undefined : String(u.acdAutoAnswer));
    case 'list': {
      const field = column.field as 'queues' | 'groups' | 'locations' | 'profileSkills' | 'certifications';
      return (u) => (u[field] ? joined(u[field], separator, field === 'queues' ? 'queue' : field) : undefined);
    }
    case 'levels': {
      const field = column.field as 'skills' | 'languages';
      return (u) => levelsCell(u[field], separator);
    }
    case 'roles':
      return (u) => (u.roles ? canonicalRoles(u.roles, homeName) : undefined);
    case 'roles-divisions':
      return (u) => (u.roles ? adminRoles(u.roles, homeName) : undefined);
    case 'phone':
      return (u) => {
        const phone = u.phones?.find((p) => p.type === column.key);
        if (!phone) return undefined;
        return phone.mediaType === 'SMS' ? { problem: `the ${phone.type} phone takes SMS, which CSV files cannot say` } : phoneText(phone);
      };
    case 'phone-number':
      return (u) => {
        const phones = adminWorkPhone(u);
        return 'problem' in phones ? phones : phones[0]?.number;
      };
    case 'phone-extension':
      return (u) => {
        const phones = adminWorkPhone(u);
        return 'problem' in phones ? undefined : phones[0]?.extension;
      };
    case 'other-email':
      return (u) => u.otherEmails?.find((e) => e.type === column.key)?.address;
    case 'employer': {
      const key = column.key as keyof EmployerInfo;
      return (u) => u.employerInfo?.[key];
    }
    case 'utilization':
      return (u) => (u.utilization === undefined ? undefined : utilizationCell(u.utilization));
    case 'voicemail': {
      const key = column.key as keyof VoicemailPolicy;
      return (u) => (u.voicemail?.[key] === undefined ? undefined : String(u.voicemail[key]));
    }
    case 'webrtc-phone': {
      const key = column.key as keyof WebrtcPhone;
      return (u) => u.webrtcPhone?.[key];
    }
    case 'single': {
      const field = column.field as 'locations';
      return (u) => {
        const list = u[field];
        if (!list) return undefined;
        return list.length > 1 ? { problem: `the genesys-admin CSV holds one ${field === 'locations' ? 'location' : field}, and this user has ${list.length}` } : list[0];
      };
    }
    case 'ignored':
      return () => undefined;
  }
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

/** The columns export writes in a dialect: the shared table's written columns, in its order. */
function columnsOf(dialect: CsvDialectName, homeName: string): Column[] {
  return CSV_COLUMNS[READER_DIALECT[dialect]].filter((c) => c.written).map((c) => ({ header: c.header, field: c.field ?? c.header, cell: cellOf(c, homeName) }));
}

/** The reader's name of each export dialect. */
const READER_DIALECT: Record<CsvDialectName, CsvDialect> = { canonical: 'provision', 'genesys-admin': 'genesys' };

/** Fields provision exports that the admin format has no column for, in the schema's order. */
const ADMIN_MISSING = USER_FIELDS.filter((f) => f !== 'name' && !GENESYS_ADMIN_COLUMNS.some((c) => c.written && c.field === f));

export interface CsvRender {
  text: string;
  /** Line of each user's row (1-based, in the order given). */
  lines: number[];
  /** Per user (same order), what this format could not hold. */
  notes: ExportNote[][];
}

export function renderCsv(users: readonly ExportUser[], dialect: CsvDialectName, homeName: string): CsvRender {
  const all = columnsOf(dialect, homeName);
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
  const keep = all.map((column, i) => dialect === 'genesys-admin' || column.header === 'email' || rows.some((r) => r[i] !== ''));
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

/** Adds to `counts` the users that have each field the genesys-admin dialect has no column for. */
export function countAdminMissing(users: readonly ExportUser[], counts: Map<string, number>): void {
  for (const field of ADMIN_MISSING) {
    const n = users.filter((u) => u[field] !== undefined).length;
    if (n > 0) counts.set(field, (counts.get(field) ?? 0) + n);
  }
}

/** Org-wide: the fields the dialect has no column for, when some exported user has them (`counts` from `countAdminMissing`). */
export function dialectWarnings(counts: ReadonlyMap<string, number>, dialect: CsvDialectName): Issue[] {
  if (dialect !== 'genesys-admin') return [];
  const lost = ADMIN_MISSING.map((field) => [field, counts.get(field) ?? 0] as const).filter(([, n]) => n > 0);
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
