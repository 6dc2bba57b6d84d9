// `export --personas`: users who share the same roles, skills, languages, queues and groups get one persona for them, named after what they do, and take it instead of repeating the fields.
import { compareStrings } from '../rules/order.js';
import type { ExportUser } from './types.js';

/** The fields a proposed persona holds: what a role of the job gives (access and routing). */
export const PERSONA_EXPORT_FIELDS = ['roles', 'skills', 'languages', 'queues', 'groups'] as const;

type BundleField = (typeof PERSONA_EXPORT_FIELDS)[number];

/** Users must share a bundle to make it a persona: one user's fields stay written on them. */
export const MIN_PERSONA_USERS = 2;

/** A persona proposed from the org. */
export interface ProposedPersona {
  name: string;
  users: number;
  fields: Pick<ExportUser, BundleField>;
}

/** A user's bundle as one key, or undefined when the user sets none of its fields to anything. */
function bundleKey(user: ExportUser): string | undefined {
  let any = false;
  const parts = PERSONA_EXPORT_FIELDS.map((field) => {
    const value = user[field];
    if (value !== undefined && value.length > 0) any = true;
    return value === undefined ? '-' : JSON.stringify(value);
  });
  return any ? parts.join('\u0000') : undefined;
}

/** A name from a title, a queue or a group: lower-case ASCII words joined by `-`. */
function nameOf(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'persona' : s.slice(0, 60).replace(/-+$/, '');
}

/** The most frequent value (ties: the first in name order), or undefined. */
function commonest(counts: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  for (const [value, n] of counts) if (best === undefined || n > counts.get(best)! || (n === counts.get(best)! && compareStrings(value, best) < 0)) best = value;
  return best;
}

/**
 * Finds the bundles at least `MIN_PERSONA_USERS` users share and names each after its users' commonest
 * title (else its first queue, else its first group): `support-agent`, `support-agent-2`, … by size.
 * Returns the personas by bundle key.
 */
export function proposePersonas(users: Iterable<ExportUser>): Map<string, ProposedPersona> {
  const found = new Map<string, { fields: Pick<ExportUser, BundleField>; users: number; titles: Map<string, number> }>();
  for (const user of users) {
    const key = bundleKey(user);
    if (key === undefined) continue;
    let entry = found.get(key);
    if (!entry) {
      const fields: Pick<ExportUser, BundleField> = {};
      for (const field of PERSONA_EXPORT_FIELDS) if (user[field] !== undefined) (fields as Record<string, unknown>)[field] = user[field];
      found.set(key, (entry = { fields, users: 0, titles: new Map() }));
    }
    entry.users += 1;
    if (user.title) entry.titles.set(user.title, (entry.titles.get(user.title) ?? 0) + 1);
  }
  const shared = [...found.entries()].filter(([, e]) => e.users >= MIN_PERSONA_USERS);
  // The largest bundles take the plain names; ties in key order, so the same org gives the same names.
  shared.sort(([ka, a], [kb, b]) => b.users - a.users || compareStrings(ka, kb));
  const used = new Set<string>();
  const out = new Map<string, ProposedPersona>();
  for (const [key, e] of shared) {
    const base = nameOf(commonest(e.titles) ?? e.fields.queues?.[0] ?? e.fields.groups?.[0] ?? 'persona');
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    out.set(key, { name, users: e.users, fields: e.fields });
  }
  return out;
}

/** The user taking their bundle's persona, without its fields; unchanged when the bundle is not a persona. */
export function takePersona(user: ExportUser, personas: ReadonlyMap<string, ProposedPersona>): ExportUser {
  const key = bundleKey(user);
  const persona = key === undefined ? undefined : personas.get(key);
  if (!persona) return user;
  const out: ExportUser = { ...user, persona: persona.name };
  for (const field of PERSONA_EXPORT_FIELDS) delete out[field];
  return out;
}
