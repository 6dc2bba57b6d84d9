// What each field change says (before → after, + added, - removed), shared by the text and markdown renderers.
import { diffWords } from 'diff';
import type { Action, EmployerInfo, FieldChange, GrantRef, OtherEmail, Phone, Utilization, VoicemailPolicy, WebrtcPhoneRef } from '../model/index.js';
import { phoneKey } from '../rules/phones.js';
import { ORG_DEFAULT, utilizationCell, VOICEMAIL_KEYS } from '../rules/utilization.js';

/** Strings longer than this are shown as a word-level diff rather than two whole strings. */
export const LONG_STRING = 40;

/** How one renderer writes the pieces: escaping for its medium, colour or markup for emphasis. */
export interface Style {
  /** User text (a name, an email), made safe for the medium. */
  text(value: string): string;
  /** A user string shown quoted, e.g. a title. */
  quote(value: string): string;
  /** An already-escaped piece marked as added (`+ piece`), removed (`- piece`) or changed (`~ piece`). */
  added(piece: string): string;
  removed(piece: string): string;
  changed(piece: string): string;
  /** A quoted string showing only the words that changed between before and after. */
  wordDiff(parts: WordPart[]): string;
  arrow: string;
  none: string;
}

export interface WordPart {
  value: string;
  op: 'same' | 'add' | 'remove';
}

/** One field of one change: its label (the users/ key) and the items to join with ", ". */
export interface FieldLine {
  label: string;
  items: string[];
}

/** The word-level diff of two strings, as runs of kept, removed and added text. */
export function wordParts(before: string, after: string): WordPart[] {
  return diffWords(before, after).map((part) => ({ value: part.value, op: part.added ? 'add' : part.removed ? 'remove' : 'same' }));
}

function scalar<T>(before: T | null, after: T | null, show: (value: T) => string, style: Style, action: Action): string {
  const b = before === null ? style.none : show(before);
  const a = after === null ? style.none : show(after);
  // A create has nothing before: its fields read as plain values.
  if (action === 'create' && before === null) return a;
  return `${b}${style.arrow}${a}`;
}

function textValue(before: string | null, after: string | null, style: Style, action: Action): string {
  if (before !== null && after !== null && Math.max(before.length, after.length) > LONG_STRING) {
    return style.wordDiff(wordParts(before, after));
  }
  return scalar(before, after, (v) => style.quote(v), style, action);
}

/** A phone without its type: `+13175550100 ext. 12 (SMS)`. */
function phoneValue(phone: Phone, style: Style): string {
  const parts: string[] = [];
  if (phone.number) parts.push(style.text(phone.number));
  if (phone.extension) parts.push(`ext. ${style.text(phone.extension)}`);
  if (phone.mediaType === 'SMS') parts.push('(SMS)');
  return parts.join(' ');
}

function phoneText(phone: Phone, style: Style): string {
  return `${phone.type} ${phoneValue(phone, style)}`;
}

/** Phones as a set; a removed and an added phone of the same type and medium read as one change. */
function phoneItems(before: Phone[], after: Phone[], style: Style): string[] {
  const beforeKeys = new Set(before.map(phoneKey));
  const afterKeys = new Set(after.map(phoneKey));
  const removed = before.filter((p) => !afterKeys.has(phoneKey(p)));
  const added = after.filter((p) => !beforeKeys.has(phoneKey(p)));
  const adds: string[] = [];
  const changes: string[] = [];
  for (const phone of added) {
    const index = removed.findIndex((r) => r.type === phone.type && r.mediaType === phone.mediaType);
    if (index === -1) {
      adds.push(style.added(phoneText(phone, style)));
      continue;
    }
    const [old] = removed.splice(index, 1);
    if (!old) continue;
    changes.push(style.changed(`${phone.type} ${phoneValue(old, style)}${style.arrow}${phoneValue(phone, style)}`));
  }
  const removes = removed.map((p) => style.removed(phoneText(p, style)));
  return [...adds, ...changes, ...removes];
}

/** Other emails as a set by type; a removed and an added address of the same type read as one change. */
function otherEmailItems(before: OtherEmail[], after: OtherEmail[], style: Style): string[] {
  const key = (e: OtherEmail): string => `${e.type}\u0000${e.address}`;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  const removed = before.filter((e) => !afterKeys.has(key(e)));
  const adds: string[] = [];
  const changes: string[] = [];
  for (const email of after.filter((e) => !beforeKeys.has(key(e)))) {
    const index = removed.findIndex((r) => r.type === email.type);
    if (index === -1) {
      adds.push(style.added(`${email.type} ${style.text(email.address)}`));
      continue;
    }
    const [old] = removed.splice(index, 1);
    if (old) changes.push(style.changed(`${email.type} ${style.text(old.address)}${style.arrow}${style.text(email.address)}`));
  }
  return [...adds, ...changes, ...removed.map((e) => style.removed(`${e.type} ${style.text(e.address)}`))];
}

const EMPLOYER_KEYS: (keyof EmployerInfo)[] = ['employeeId', 'employeeType', 'dateHire', 'officialName'];

function employerItems(before: EmployerInfo | null, after: EmployerInfo, style: Style, action: Action): string[] {
  const items: string[] = [];
  for (const key of EMPLOYER_KEYS) {
    const b = before?.[key] ?? null;
    const a = after[key] ?? null;
    if (b === a) continue;
    items.push(`${key} ${scalar(b, a, (v) => style.quote(v), style, action)}`);
  }
  return items;
}

/** A utilization on one line: `org default`, or its media types as the CSV cell writes them. */
function utilizationText(value: Utilization): string {
  if (value === ORG_DEFAULT) return 'org default';
  const cell = utilizationCell(value);
  return cell === '' ? 'own settings equal to the org default' : cell;
}

function voicemailItems(before: VoicemailPolicy | null, after: VoicemailPolicy, style: Style, action: Action): string[] {
  const items: string[] = [];
  for (const key of VOICEMAIL_KEYS) {
    const a = after[key];
    if (a === undefined) continue;
    const b = before?.[key] ?? null;
    if (b === a) continue;
    items.push(`${key} ${scalar(b, a, String, style, action)}`);
  }
  return items;
}

function grantText(grant: GrantRef, style: Style): string {
  return `${style.text(grant.role)} (${grant.divisionId === '*' ? 'all divisions' : `${style.text(grant.division)} division`})`;
}

/** A grant the user also holds through a group: an added one is a second copy, a removed one stays in effect. */
function grantItems(change: Extract<FieldChange, { kind: 'grants' }>, style: Style): string[] {
  const through = (g: GrantRef, how: string): string => {
    const groups = [...new Set((change.inherited ?? []).filter((h) => h.roleId === g.roleId && (h.divisionId === g.divisionId || h.divisionId === '*')).map((h) => `"${style.text(h.group)}"`))];
    return groups.length === 0 ? '' : ` (${how} through ${groups.length === 1 ? 'group' : 'groups'} ${groups.join(', ')})`;
  };
  return setItems(change.add.map((g) => grantText(g, style) + through(g, 'also held')), change.remove.map((g) => grantText(g, style) + through(g, 'still held')), style);
}

/**
 * A WebRTC phone: `+ phone (site "Indianapolis", phone base "WebRTC Base")`, a site or phone base `"A" → "B"`, `- phone (…)`,
 * and `+ default station` when apply makes the phone's station the user's default.
 */
function webrtcPhoneItems(change: Extract<FieldChange, { kind: 'webrtcPhone' }>, style: Style): string[] {
  const { before, after } = change;
  const whole = (r: WebrtcPhoneRef): string => `phone (site ${style.quote(r.site.name)}, phone base ${style.quote(r.phoneBase.name)})`;
  if (after === null) return before === null ? [] : [style.removed(whole(before))];
  const items: string[] = [];
  if (before === null) items.push(style.added(whole(after)));
  else {
    if (before.site.id !== after.site.id) items.push(style.changed(`site ${style.quote(before.site.name)}${style.arrow}${style.quote(after.site.name)}`));
    if (before.phoneBase.id !== after.phoneBase.id) items.push(style.changed(`phone base ${style.quote(before.phoneBase.name)}${style.arrow}${style.quote(after.phoneBase.name)}`));
  }
  if (change.station) items.push(style.added('default station'));
  return items;
}

/** Adds, then changes, then removes: the order a reader scans a set diff in. */
function setItems(add: string[], remove: string[], style: Style): string[] {
  return [...add.map((a) => style.added(a)), ...remove.map((r) => style.removed(r))];
}

/** The line for one field change, every kind of `FieldChange` covered. */
export function fieldLine(change: FieldChange, style: Style, action: Action): FieldLine {
  const items = fieldItems(change, style, action);
  return { label: change.field, items: items.length > 0 ? items : [style.none] };
}

function fieldItems(change: FieldChange, style: Style, action: Action): string[] {
  switch (change.kind) {
    case 'text':
      // An email reads like the user's own key, unquoted and whole.
      if (change.field === 'email') return [scalar(change.before, change.after, (v) => style.text(v), style, action)];
      return [textValue(change.before, change.after, style, action)];
    case 'bool':
      return [scalar(change.before, change.after, String, style, action)];
    case 'ref':
      return [scalar(change.before, change.after, (v) => style.quote(v.name), style, action)];
    case 'manager':
      return [scalar(change.before, change.after, (v) => style.text(v.email), style, action)];
    case 'phones':
      return phoneItems(change.before, change.after, style);
    case 'otherEmails':
      return otherEmailItems(change.before, change.after, style);
    case 'employerInfo':
      return employerItems(change.before, change.after, style, action);
    case 'utilization':
      return [scalar(change.before, change.after, (v) => utilizationText(v), style, action)];
    case 'voicemail':
      return voicemailItems(change.before, change.after, style, action);
    case 'webrtcPhone':
      return webrtcPhoneItems(change, style);
    case 'set':
      return setItems(change.add.map((n) => style.text(n.name)), change.remove.map((n) => style.text(n.name)), style);
    case 'strings':
      return setItems(change.add.map((s) => style.text(s)), change.remove.map((s) => style.text(s)), style);
    case 'grants':
      return grantItems(change, style);
    case 'levels':
      return [
        ...change.add.map((l) => style.added(`${style.text(l.name)} ${l.level}`)),
        ...change.change.map((l) => style.changed(`${style.text(l.name)} ${l.before}${style.arrow}${l.after}`)),
        ...change.remove.map((l) => style.removed(style.text(l.name))),
      ];
  }
}
