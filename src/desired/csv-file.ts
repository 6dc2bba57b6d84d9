// Reads a users CSV file (provision's columns, Genesys's admin-UI bulk CSV, or the starting guide's) into entries.
import { createRequire } from 'node:module';
import type * as CsvParse from 'csv-parse/sync';
import type { Issue, Source } from '../model/index.js';
import { CSV_COLUMNS, NONE } from '../rules/csv-columns.js';
import type { CsvColumn, CsvDialect } from '../rules/csv-columns.js';
import { ORG_DEFAULT, parseUtilizationItem } from '../rules/utilization.js';
import type { Entry, FileResult, Path } from './entry.js';
import { FORBIDDEN_KEYS, PASSWORD_HINT, didYouMeanHint, issueAt, lineIndex } from './issues.js';

export type { CsvDialect };

/** Where one cell starts, and its raw text offsets, so items inside it can be located too. */
interface Cell {
  line: number;
  column: number;
  /** Offset of the cell's content inside the record's raw text. */
  start: number;
}

interface Row {
  cells: string[];
  raw: string;
  line: number;
  cellAt: Cell[];
}

/** One item of a list cell with its offset inside the (untrimmed) cell text. */
interface Item {
  text: string;
  offset: number;
}

type Setter = (row: RowBuilder, cell: string, index: number) => void;

/**
 * A cell starting with `'` before `=`, `+`, `-`, `@`, tab, CR or `'`: the quote is the spreadsheet-safe
 * escape that `provision export` (and spreadsheets) put there, not part of the value.
 */
export const QUOTED_START = /^'[=+\-@\t\r']/;

/** The value of an escaped cell: the one leading `'` is removed. */
export function unescapeCell(cell: string): string {
  return QUOTED_START.test(cell) ? cell.slice(1) : cell;
}

/** Builds one user's value from cells and remembers where each path came from. */
class RowBuilder {
  readonly value: Record<string, unknown> = {};
  readonly positions = new Map<string, Source>();
  readonly issues: Issue[] = [];

  constructor(
    readonly file: string,
    readonly row: Row,
  ) {}

  /** Position of `offset` characters into cell `index`'s content. */
  pos(index: number, offset = 0): Source {
    const cell = this.row.cellAt[index];
    if (!cell) return { file: this.file, line: this.row.line, column: 1 };
    const raw = this.row.raw;
    let line = cell.line;
    let column = cell.column + offset;
    const end = Math.min(raw.length, cell.start + offset);
    const lastNewline = raw.lastIndexOf('\n', end - 1);
    if (lastNewline >= cell.start) {
      for (let i = cell.start; i < end; i++) if (raw.charCodeAt(i) === 10) line++;
      column = end - lastNewline;
    }
    return { file: this.file, line, column };
  }

  set(path: Path, value: unknown, index: number, offset = 0): void {
    let target = this.value as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const next = target[key];
      if (typeof next !== 'object' || next === null) {
        target[key] = typeof path[i + 1] === 'number' ? [] : {};
      }
      target = target[key] as Record<string | number, unknown>;
    }
    target[path[path.length - 1]!] = value;
    this.positions.set(path.join('/'), this.pos(index, offset));
  }

  mark(path: Path, index: number, offset = 0): void {
    this.positions.set(path.join('/'), this.pos(index, offset));
  }

  error(index: number, code: string, message: string, hint?: string, offset = 0): void {
    this.issues.push(issueAt(this.pos(index, offset), 'error', code, message, hint));
  }
}

/** Splits a cell on `separator`, keeping each item's offset; empty items are dropped. */
export function splitItems(cell: string, separator: string | RegExp): Item[] {
  const items: Item[] = [];
  const re = typeof separator === 'string' ? new RegExp(separator.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g') : new RegExp(separator.source, 'g');
  let start = 0;
  const push = (end: number): void => {
    const piece = cell.slice(start, end);
    const text = piece.trim();
    if (text) items.push({ text, offset: start + (piece.length - piece.trimStart().length) });
  };
  for (let m = re.exec(cell); m !== null; m = re.exec(cell)) {
    push(m.index);
    start = m.index + m[0].length;
  }
  push(cell.length);
  return items;
}

function toNumber(text: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function toBoolean(text: string): boolean | string {
  const lower = text.toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(lower)) return true;
  if (['false', 'no', 'n', '0'].includes(lower)) return false;
  return text;
}

function isNone(cell: string): boolean {
  return cell.trim() === NONE;
}

function textSetter(field: string): Setter {
  return (b, cell, index) => {
    if (isNone(cell)) {
      b.error(index, 'invalid-none', `"${NONE}" (none) only applies to list columns; "${field}" cannot be emptied this way.`, `Leave the cell empty to leave ${field} unmanaged.`);
      return;
    }
    b.set([field], cell.trim(), index, cell.length - cell.trimStart().length);
  };
}

function listSetter(field: string, separator: string | RegExp, none: boolean): Setter {
  return (b, cell, index) => {
    if (none && isNone(cell)) return b.set([field], [], index);
    const items = splitItems(cell, separator);
    b.set([field], items.map((i) => i.text), index);
    items.forEach((item, i) => b.mark([field, i], index, item.offset));
  };
}

function levelsSetter(field: 'skills' | 'languages', separator: string | RegExp, none: boolean): Setter {
  return (b, cell, index) => {
    if (none && isNone(cell)) return b.set([field], {}, index);
    const levels: Record<string, unknown> = {};
    b.set([field], levels, index);
    for (const item of splitItems(cell, separator)) {
      const colon = item.text.lastIndexOf(':');
      const name = (colon < 0 ? item.text : item.text.slice(0, colon)).trim();
      const level = colon < 0 ? null : toNumber(item.text.slice(colon + 1).trim());
      if (FORBIDDEN_KEYS.has(name)) {
        b.error(index, 'forbidden-key', `The name "${name}" is not allowed.`, undefined, item.offset);
        continue;
      }
      levels[name] = level;
      b.mark([field, name], index, item.offset);
    }
  };
}

function phoneSetter(type: string): Setter {
  return (b, cell, index) => {
    if (isNone(cell)) {
      b.error(index, 'invalid-none', `"${NONE}" cannot remove one phone number.`, 'Leave the cell empty to leave this number unmanaged.');
      return;
    }
    b.set(['phones', type], cell.trim(), index, cell.length - cell.trimStart().length);
  };
}

function otherEmailSetter(type: string): Setter {
  return (b, cell, index) => {
    if (isNone(cell)) {
      b.error(index, 'invalid-none', `"${NONE}" cannot remove one email address.`, 'Leave the cell empty to leave this address unmanaged.');
      return;
    }
    b.set(['otherEmails', type], cell.trim(), index, cell.length - cell.trimStart().length);
  };
}

/** `Role` or `Role@Division` items, `;`-separated. */
const rolesSetter = (none: boolean): Setter => (b, cell, index) => {
  if (none && isNone(cell)) return b.set(['roles'], [], index);
  const grants: unknown[] = [];
  b.set(['roles'], grants, index);
  for (const item of splitItems(cell, ';')) {
    const at = item.text.lastIndexOf('@');
    const i = grants.length;
    if (at < 0) {
      grants.push(item.text);
      b.mark(['roles', i], index, item.offset);
      continue;
    }
    const role = item.text.slice(0, at).trim();
    const division = item.text.slice(at + 1).trim();
    grants.push({ role, division });
    b.mark(['roles', i], index, item.offset);
    b.mark(['roles', i, 'role'], index, item.offset);
    b.mark(['roles', i, 'division'], index, item.offset + at + 1);
  }
};

/** Genesys's `employee: [Contact Center], User: [Home; Support], Supervisor`: commas between roles, `;` between divisions. */
const genesysRolesSetter = (none: boolean): Setter => (b, cell, index) => {
  if (none && isNone(cell)) return b.set(['roles'], [], index);
  const grants: unknown[] = [];
  b.set(['roles'], grants, index);
  for (const item of splitItems(cell, /,(?![^[]*\])/)) {
    const i = grants.length;
    const match = /^(.*?):\s*\[(.*)\]$/s.exec(item.text);
    b.mark(['roles', i], index, item.offset);
    if (!match) {
      grants.push(item.text);
      continue;
    }
    const role = match[1]!.trim();
    const divisions = splitItems(match[2]!, ';');
    grants.push(divisions.length > 0 ? { role, divisions: divisions.map((d) => d.text) } : role);
    b.mark(['roles', i, 'role'], index, item.offset);
    const base = item.offset + item.text.indexOf('[') + 1;
    divisions.forEach((d, k) => b.mark(['roles', i, 'divisions', k], index, base + d.offset));
  }
};

function employerSetter(field: string): Setter {
  return (b, cell, index) => {
    if (isNone(cell)) {
      b.error(index, 'invalid-none', `"${NONE}" (none) only applies to list columns.`, `Leave the cell empty to leave ${field} unmanaged.`);
      return;
    }
    b.set(['employerInfo', field], cell.trim(), index);
  };
}

/** `org-default`, or `type:capacity [interruptable=a,b] [nonacd]` items; the schema judges what they hold. */
const utilizationSetter: Setter = (b, cell, index) => {
  if (isNone(cell)) {
    b.error(index, 'invalid-none', `"${NONE}" (none) only applies to list columns.`, `Write "${ORG_DEFAULT}" for the org's utilization, or leave the cell empty to leave utilization unmanaged.`);
    return;
  }
  if (cell.trim().toLowerCase() === ORG_DEFAULT) return b.set(['utilization'], ORG_DEFAULT, index);
  const media: Record<string, unknown> = {};
  b.set(['utilization'], media, index);
  for (const item of splitItems(cell, ';')) {
    const { media: type, value } = parseUtilizationItem(item.text);
    if (FORBIDDEN_KEYS.has(type)) {
      b.error(index, 'forbidden-key', `The name "${type}" is not allowed.`, undefined, item.offset);
      continue;
    }
    media[type] = value;
    b.mark(['utilization', type], index, item.offset);
    for (const key of Object.keys(value)) b.mark(['utilization', type, key], index, item.offset);
  }
};

/** One part of `webrtcPhone` (the site or the phone base, by name); `-` (in one column or both, the other empty): no phone (`webrtcPhone: false`). */
function webrtcPhoneSetter(key: string): Setter {
  return (b, cell, index) => {
    const mixed = (): void => b.error(index, 'webrtc-phone-none', `"${NONE}" (no phone) and a site or phone base are both given for webrtcPhone.`, `Write "${NONE}" in both webrtcPhone columns for no phone, or name both the site and the phone base.`);
    if (isNone(cell)) {
      if (typeof b.value.webrtcPhone === 'object') return mixed();
      return b.set(['webrtcPhone'], false, index);
    }
    if (b.value.webrtcPhone === false) return mixed();
    const offset = cell.length - cell.trimStart().length;
    b.set(['webrtcPhone', key], cell.trim(), index, offset);
    // The phone as a whole is where its site is written: problems with the pair point there.
    if (key === 'site') b.mark(['webrtcPhone'], index, offset);
  };
}

function voicemailSetter(key: string): Setter {
  return (b, cell, index) => {
    if (isNone(cell)) {
      b.error(index, 'invalid-none', `"${NONE}" (none) only applies to list columns.`, `Leave the cell empty to leave voicemail ${key} unmanaged.`);
      return;
    }
    const text = cell.trim();
    b.set(['voicemail', key], key === 'alertTimeoutSeconds' ? toNumber(text) : toBoolean(text), index);
  };
}

const boolSetter: Setter = (b, cell, index) => b.set(['acdAutoAnswer'], toBoolean(cell.trim()), index);

/** A phone given as number and extension in two columns (the admin format's work phone); the number's column locates the phone. */
function phonePartSetter(type: string, part: 'number' | 'extension'): Setter {
  return (b, cell, index) => {
    if (!cell.trim()) return;
    b.set(['phones', type, part], cell.trim(), index);
    if (part === 'number' || !b.positions.has(`phones/${type}`)) b.mark(['phones', type], index);
  };
}

/** A list field given one name; with `none`, a `-` empties it. */
function singleSetter(field: string, none: boolean): Setter {
  return (b, cell, index) => {
    if (none && isNone(cell)) return b.set([field], [], index);
    if (!cell.trim()) return;
    b.set([field], [cell.trim()], index);
    b.mark([field, 0], index);
  };
}

/** How the reader fills a column of the shared table; undefined for a column it warns about and skips. */
function setterOf(column: CsvColumn): Setter | undefined {
  const field = column.field ?? column.header;
  const separator = column.separator ?? ';';
  const none = column.none === true;
  switch (column.kind) {
    case 'text':
      return textSetter(field);
    case 'bool':
      return boolSetter;
    case 'list':
      return listSetter(field, separator, none);
    case 'levels':
      return levelsSetter(field as 'skills' | 'languages', separator, none);
    case 'roles':
      return rolesSetter(none);
    case 'roles-divisions':
      return genesysRolesSetter(none);
    case 'phone':
      return phoneSetter(column.key as string);
    case 'phone-number':
      return phonePartSetter(column.key as string, 'number');
    case 'phone-extension':
      return phonePartSetter(column.key as string, 'extension');
    case 'other-email':
      return otherEmailSetter(column.key as string);
    case 'employer':
      return employerSetter(column.key as string);
    case 'utilization':
      return utilizationSetter;
    case 'voicemail':
      return voicemailSetter(column.key as string);
    case 'webrtc-phone':
      return webrtcPhoneSetter(column.key as string);
    case 'single':
      return singleSetter(field, none);
    case 'ignored':
      return undefined;
  }
}

/** Each dialect's readable columns by header, in the table's order, and the headers it reads and ignores. */
const READERS: Record<CsvDialect, { known: Map<string, Setter>; ignored: Set<string> }> = Object.fromEntries(
  Object.entries(CSV_COLUMNS).map(([dialect, columns]) => {
    const known = new Map<string, Setter>();
    const ignored = new Set<string>();
    for (const column of columns) {
      const setter = setterOf(column);
      if (setter) known.set(column.header, setter);
      else ignored.add(column.header.toLowerCase());
    }
    return [dialect, { known, ignored }];
  }),
) as Record<CsvDialect, { known: Map<string, Setter>; ignored: Set<string> }>;

export function detectDialect(header: readonly string[]): CsvDialect {
  const trimmed = header.map((h) => h.trim());
  const lower = trimmed.map((h) => h.toLowerCase());
  if (trimmed.includes('NAME') && trimmed.includes('EMAIL') && lower.some((h) => ['group', 'role', 'sitename', 'phonebase', 'password'].includes(h))) {
    return 'starting-guide';
  }
  if (lower.some((h) => ['email_manager', 'roles_divisions', 'location_work', 'hire_date'].includes(h))) return 'genesys';
  return 'provision';
}

/** Offsets of each cell's content in a record's raw text (quotes and CR/LF taken into account). */
function cellStarts(raw: string, count: number, firstLine: number): Cell[] {
  const cells: Cell[] = [];
  let i = 0;
  let line = firstLine;
  let lineStart = 0;
  const advanceTo = (target: number): void => {
    for (; i < target; i++) {
      if (raw.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
  };
  for (let c = 0; c < count; c++) {
    const quoted = raw[i] === '"';
    const start = quoted ? i + 1 : i;
    cells.push({ line, column: start - lineStart + 1, start });
    if (quoted) {
      let j = i + 1;
      for (; j < raw.length; j++) {
        if (raw[j] === '"') {
          if (raw[j + 1] === '"') j++;
          else break;
        }
      }
      advanceTo(j + 1);
    }
    const comma = raw.indexOf(',', i);
    advanceTo(comma < 0 ? raw.length : comma + 1);
  }
  return cells;
}

interface CsvRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/** What csv-parse hands `on_skip`: the code, and the record's raw text up to where the error was met. */
interface CsvError {
  code?: string;
  message: string;
  raw?: string;
  record?: string[];
}

/** Records and errors in the order csv-parse met them, so each error can be found in the text after the record before it. */
type Met = { raw: string } & ({ error: CsvError } | { error?: undefined });

/** Offset (in `raw`) of the quote that opens a cell and is never closed. */
function unclosedQuote(raw: string): number {
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === '"') {
      let j = i + 1;
      for (; j < raw.length; j++) {
        if (raw[j] !== '"') continue;
        if (raw[j + 1] === '"') j++;
        else break;
      }
      if (j >= raw.length) return i;
      i = j + 1;
    }
    // The next cell starts after the next comma or line break.
    while (i < raw.length && raw[i] !== ',' && raw[i] !== '\n' && raw[i] !== '\r') i++;
    while (i < raw.length && (raw[i] === '\r' || raw[i] === '\n')) i++;
    if (raw[i] === ',') i++;
  }
  return Math.max(0, raw.indexOf('"'));
}

/** Where in the record an error is, and how to say it; csv-parse's own column is a cell index. */
function describeCsvError(error: CsvError, raw: string, startLine: number): { at: number; message: string; hint: string } {
  const content = raw.replace(/\r?\n$|\r$/, '');
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return {
        at: unclosedQuote(raw),
        message: 'This quote is never closed: the rest of the file was read as one cell.',
        hint: 'End the quoted cell with a quote; write a quote inside a cell as "" (two quotes).',
      };
    case 'CSV_INVALID_CLOSING_QUOTE':
      // `raw` ends with the closing quote: the error is the character after it.
      return { at: raw.length, message: 'Text follows the closing quote of a cell.', hint: 'Put the whole value inside the quotes; write a quote inside a cell as "" (two quotes).' };
    case 'INVALID_OPENING_QUOTE':
      return { at: raw.length - 1, message: 'A quote inside a cell that does not start with one.', hint: 'Quote the whole cell ("…") and write each quote inside it as "" (two quotes).' };
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const counts = /expect (\d+), got (\d+)/.exec(error.message);
      const expected = Number(counts?.[1] ?? 0);
      const got = error.record?.length ?? Number(counts?.[2] ?? 0);
      const at = got > expected && expected > 0 ? (cellStarts(content, got, startLine)[expected]?.start ?? 0) : content.length;
      return {
        at,
        message: `This row has ${got} cell${got === 1 ? '' : 's'}; the header has ${expected}.`,
        hint: 'Quote cells that contain commas, and give every row the columns of the header.',
      };
    }
    default:
      return {
        at: raw.length,
        message: error.message.replace(/ (at|on) line \d+/g, '').replace(/\.?$/, '.'),
        hint: 'Check the quotes and commas on this row.',
      };
  }
}

const require = createRequire(import.meta.url);
let csvParse: typeof CsvParse | undefined;

/** csv-parse, loaded when the first CSV file is read: a folder of YAML files never needs it. */
function csv(): typeof CsvParse {
  csvParse ??= require('csv-parse/sync') as typeof CsvParse;
  return csvParse;
}

/** Parses one CSV users file. `text` is already decoded (a BOM is removed here if present). */
export function readCsvFile(file: string, text: string): FileResult {
  const issues: Issue[] = [];
  const met: Met[] = [];
  let records: CsvRecord[];
  try {
    records = csv().parse(text, {
      bom: true,
      info: true,
      raw: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_record: (record, context) => {
        met.push({ raw: context.raw ?? '' });
        return record;
      },
      on_skip: (error) => {
        const err = error as unknown as CsvError | undefined;
        if (err) met.push({ raw: err.raw ?? '', error: err });
      },
    }) as unknown as CsvRecord[];
  } catch (error) {
    const err = error as { message?: string; lines?: number };
    issues.push(issueAt({ file, line: err.lines ?? 1, column: 1 }, 'error', 'csv-syntax', String(err.message ?? error).split('\n')[0]!.replace(/ at line \d+$/, '.'), 'Check the quotes on this row: a quoted cell must end with a quote.'));
    return { entries: [], issues, failed: true };
  }
  const pos = lineIndex(text);
  // Errors are placed in the text from the record or error before them. One report per record:
  // csv-parse may meet a second error in a record it is already skipping (a quote closed too early).
  let failed = false;
  let cursor = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let previous: string | undefined;
  for (const m of met) {
    if (m.error?.code === 'CSV_QUOTE_NOT_CLOSED') failed = true;
    if (m.error && previous !== undefined && m.raw.startsWith(previous)) continue;
    const found = m.raw === '' ? -1 : text.indexOf(m.raw, cursor);
    const start = found < 0 ? cursor : found;
    if (!m.error) {
      previous = undefined;
      cursor = start + m.raw.length;
      continue;
    }
    previous = m.raw;
    const { at, message, hint } = describeCsvError(m.error, m.raw, pos(start).line);
    const { line, col } = pos(Math.min(text.length, start + at));
    issues.push(issueAt({ file, line, column: col }, 'error', 'csv-syntax', message, hint));
    cursor = start + m.raw.length;
  }

  // csv-parse's line counts drift with CRLF inside quoted cells, so each record is found in the text instead.
  cursor = 0;
  const rows: Row[] = records.map((r) => {
    // `raw` may end with (part of) the record delimiter, which belongs to no cell.
    const raw = r.raw.replace(/\r?\n$|\r$/, '');
    const found = text.indexOf(raw, cursor);
    const offset = found < 0 ? cursor : found;
    cursor = offset + raw.length;
    const line = pos(offset).line;
    return { cells: r.record, raw, line, cellAt: cellStarts(raw, r.record.length, line) };
  });
  const header = rows.shift();
  if (!header) {
    if (failed) return { entries: [], issues, failed };
    issues.push(issueAt({ file, line: 1, column: 1 }, 'warning', 'empty-file', 'This CSV file is empty.', 'Add a header row and one row per user, or delete the file.'));
    return { entries: [], issues, failed: false };
  }

  const dialect = detectDialect(header.cells);
  const { known, ignored } = READERS[dialect];
  const knownByLower = new Map([...known.keys()].map((k) => [k.toLowerCase(), k]));
  const setters: (Setter | undefined)[] = [];
  const seen = new Map<string, number>();
  header.cells.forEach((name, index) => {
    const where: Source = { file, line: header.line, column: header.cellAt[index]?.column ?? 1 };
    const lower = name.trim().toLowerCase();
    const canonical = knownByLower.get(lower);
    if (lower === 'password') {
      issues.push(issueAt(where, 'error', 'plaintext-password', `The column "${name.trim()}" holds passwords, which must not be kept in users files.`, PASSWORD_HINT));
    } else if (ignored.has(lower)) {
      issues.push(issueAt(where, 'warning', 'unsupported-column', `The column "${name.trim()}" is ignored: provision does not manage phones or sites.`, 'Remove the column to silence this warning.'));
    } else if (canonical === undefined) {
      if (lower === '') {
        if (rows.some((r) => (r.cells[index] ?? '').trim() !== '')) {
          issues.push(issueAt(where, 'error', 'unknown-column', `Column ${index + 1} has no name in the header.`, 'Name the column or remove it.'));
        }
      } else {
        issues.push(
          issueAt(where, 'error', 'unknown-column', `Unknown column "${name.trim()}".`, didYouMeanHint(name.trim(), [...known.keys()]) ?? `Known columns: ${[...known.keys()].join(', ')}.`),
        );
      }
    } else if (seen.has(canonical)) {
      issues.push(issueAt(where, 'error', 'duplicate-column', `The column "${name.trim()}" appears twice (also column ${seen.get(canonical)! + 1}).`));
    } else {
      seen.set(canonical, index);
      setters[index] = known.get(canonical);
    }
  });
  // A name is needed only to create a user (the plan says so for each one): a file of users that exist may leave it out.
  if (!seen.has('email')) {
    const column = dialect === 'starting-guide' ? 'EMAIL' : 'email';
    issues.push(issueAt({ file, line: header.line, column: 1 }, 'error', 'missing-column', `The header has no "${column}" column.`, 'Every user needs an email (and a name, to be created).'));
  }
  if (!seen.has('email')) return { entries: [], issues, failed };

  const entries: Entry[] = [];
  for (const row of rows) {
    if (row.cells.every((c) => c.trim() === '')) continue;
    const builder = new RowBuilder(file, row);
    row.cells.forEach((cell, index) => {
      const setter = setters[index];
      // The escape quote becomes a space so every offset (and so every reported column) stays right.
      if (setter && cell.trim() !== '') setter(builder, QUOTED_START.test(cell) ? ` ${cell.slice(1)}` : cell, index);
    });
    const source: Source = { file, line: row.line, column: 1 };
    const positions = builder.positions;
    entries.push({
      file,
      source,
      value: builder.value,
      issues: builder.issues,
      locate(path: Path): Source {
        for (let n = path.length; n > 0; n--) {
          const found = positions.get(path.slice(0, n).join('/'));
          if (found) return found;
        }
        return source;
      },
    });
  }
  // After an unclosed quote the rows read before it are still checked, but the file did not load completely.
  return { entries, issues, failed };
}
