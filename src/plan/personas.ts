// Where a planned value came from when a persona gave it: each changed field names its personas, and each persona gets a one-line account of what it changes for how many users.
import type { Change, DesiredUser, FieldChange, PersonaDef, PersonaOrigin, PersonaSummary, PersonaTable, Source } from '../model/index.js';
import { foldName } from '../rules/names.js';
import { compareStrings } from '../rules/order.js';

const FIELD_ORDER = ['title', 'department', 'division', 'acdAutoAnswer', 'utilization', 'voicemail', 'webrtcPhone', 'roles', 'skills', 'languages', 'queues', 'groups', 'locations', 'profileSkills', 'certifications'];

/** Where a persona writes `field` (the persona's name when it is not found). */
function fieldSource(def: PersonaDef, field: string): Source {
  return def.keyAt[field] ?? def.at[field] ?? def.source;
}

function originOf(def: PersonaDef, field: string): PersonaOrigin {
  const at = fieldSource(def, field);
  const origin: PersonaOrigin = { persona: def.name, file: at.file, line: at.line };
  if (at.column !== undefined) origin.column = at.column;
  return origin;
}

/** One piece of a field change as a short phrase, with the name it is about (for sets and levels), to find which persona brought it. */
interface Piece {
  text: string;
  name?: string;
}

function pieces(change: FieldChange): Piece[] {
  switch (change.kind) {
    case 'set':
      return [...change.add.map((n) => ({ text: `+ ${n.name}`, name: n.name })), ...change.remove.map((n) => ({ text: `- ${n.name}` }))];
    case 'strings':
      return [...change.add.map((n) => ({ text: `+ ${n}`, name: n })), ...change.remove.map((n) => ({ text: `- ${n}` }))];
    case 'grants':
      return [...change.add.map((g) => ({ text: `+ ${g.role} (${g.division})`, name: g.role })), ...change.remove.map((g) => ({ text: `- ${g.role} (${g.division})` }))];
    case 'levels':
      return [
        ...change.add.map((l) => ({ text: `+ ${l.name} ${l.level}`, name: l.name })),
        ...change.change.map((l) => ({ text: `~ ${l.name} ${l.before} → ${l.after}`, name: l.name })),
        ...change.remove.map((l) => ({ text: `- ${l.name}` })),
      ];
    case 'text':
      return [{ text: `→ ${JSON.stringify(change.after)}` }];
    case 'bool':
      return [{ text: `→ ${change.after}` }];
    case 'ref':
      return [{ text: `→ ${JSON.stringify(change.after.name)}` }];
    default:
      return [{ text: 'changed' }];
  }
}

/** The names a persona itself writes in a list or map field (roles by role name). */
function namesIn(def: PersonaDef, field: string): Set<string> {
  const value = def.fields[field];
  const out = new Set<string>();
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'string') out.add(foldName(item));
      else if (item && typeof item === 'object' && typeof (item as { role?: unknown }).role === 'string') out.add(foldName((item as { role: string }).role));
    }
  } else if (value && typeof value === 'object') {
    for (const name of Object.keys(value)) out.add(foldName(name));
  }
  return out;
}

/** Which of the field's personas brought a piece: those that write its name; all of them for a removal or a scalar. */
function broughtBy(defs: readonly PersonaDef[], field: string, piece: Piece): PersonaDef[] {
  if (piece.name === undefined) return [...defs];
  const key = foldName(piece.name);
  const found = defs.filter((d) => namesIn(d, field).has(key));
  return found.length > 0 ? found : [...defs];
}

/**
 * Marks every changed field that personas gave with those personas (where they write it), and sums up
 * per persona what it changes for how many users. Changes are edited in place; nothing happens when no
 * user takes a persona, so a plan without personas reads (and checksums) as before.
 */
export function attributePersonas(changes: Change[], users: readonly DesiredUser[], table: PersonaTable | undefined): PersonaSummary[] {
  if (!table) return [];
  const byEmail = new Map<string, DesiredUser>();
  for (const user of users) if (user.fromPersonas) byEmail.set(user.email, user);
  if (byEmail.size === 0) return [];
  const tally = new Map<string, { users: Set<string>; pieces: Map<string, { field: string; change: string; users: Set<string> }> }>();
  for (const change of changes) {
    const user = byEmail.get(change.email);
    if (!user?.fromPersonas) continue;
    for (const field of change.fields) {
      const names = user.fromPersonas[field.field];
      if (!names || names.length === 0) continue;
      const defs = names.map((n) => table.personas[n]).filter((d): d is PersonaDef => d !== undefined);
      if (defs.length === 0) continue;
      field.personas = defs.map((d) => originOf(d, field.field));
      for (const piece of pieces(field)) {
        for (const def of broughtBy(defs, field.field, piece)) {
          let entry = tally.get(def.name);
          if (!entry) tally.set(def.name, (entry = { users: new Set(), pieces: new Map() }));
          entry.users.add(change.email);
          const key = `${field.field}\u0000${piece.text}`;
          let p = entry.pieces.get(key);
          if (!p) entry.pieces.set(key, (p = { field: field.field, change: piece.text, users: new Set() }));
          p.users.add(change.email);
        }
      }
    }
  }
  return [...tally.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([name, entry]) => {
      const at = table.personas[name]!.source;
      return {
        persona: name,
        file: at.file,
        line: at.line,
        users: entry.users.size,
        changes: [...entry.pieces.values()]
          .map((p) => ({ field: p.field, change: p.change, users: p.users.size }))
          .sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field) || compareStrings(a.change, b.change)),
      };
    });
}
