// How personas combine: sets are united, a proficiency takes the highest, a scalar set twice must agree, and what is set nearer the user replaces the rest.
import type { Bundle, Origin, PersonaPath } from '../model/index.js';
import { foldName } from './names.js';

/** Fields holding lists of names: united, compared without regard to case. */
const NAME_LISTS = new Set(['queues', 'groups', 'locations', 'profileSkills', 'certifications']);
/** Fields holding name → proficiency: united, the highest proficiency wins. */
const LEVEL_MAPS = new Set(['skills', 'languages']);

/** A scalar field (text, bool, division, utilization, voicemail, webrtcPhone) two personas set to different values. */
export interface Conflict {
  field: string;
  a: Origin;
  b: Origin;
}

/** The key `Bundle.origin` uses for a path. */
export function pathKey(path: PersonaPath): string {
  return path.join('\u0000');
}

/** The origin of the value at `path`, from the longest prefix of it that has one; the rest of the path is carried over. */
export function originOf(bundle: Bundle, path: PersonaPath): Origin | undefined {
  for (let n = path.length; n > 0; n--) {
    const found = bundle.origin[pathKey(path.slice(0, n))];
    if (found) return { persona: found.persona, path: [...found.path, ...path.slice(n)] };
  }
  return undefined;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Equal as data (maps compared without regard to key order). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  return false;
}

/** A grant flattened to one role in at most one division, with where its parts are written (relative to the `roles` item). */
interface FlatGrant {
  value: string | { role: string; division: string };
  key: string;
  /** Path of the item, of its role and of its division, inside the bundle's `roles`. */
  item: PersonaPath;
  role: PersonaPath;
  division?: PersonaPath;
}

/** `roles` items as single grants: `{ role, divisions: [a, b] }` becomes two, so grants from several personas unite one by one. */
function flatGrants(roles: unknown[]): FlatGrant[] {
  const out: FlatGrant[] = [];
  roles.forEach((item, index) => {
    if (typeof item === 'string') {
      out.push({ value: item, key: `${foldName(item)}\u0000`, item: [index], role: [index] });
      return;
    }
    if (!isMap(item) || typeof item.role !== 'string') return;
    const role = item.role;
    if (Array.isArray(item.divisions)) {
      item.divisions.forEach((d, k) => {
        if (typeof d !== 'string') return;
        out.push({ value: { role, division: d }, key: `${foldName(role)}\u0000${foldName(d)}`, item: [index, 'divisions', k], role: [index, 'role'], division: [index, 'divisions', k] });
      });
      return;
    }
    if (typeof item.division === 'string') {
      out.push({ value: { role, division: item.division }, key: `${foldName(role)}\u0000${foldName(item.division)}`, item: [index], role: [index, 'role'], division: [index, 'division'] });
      return;
    }
    out.push({ value: role, key: `${foldName(role)}\u0000`, item: [index], role: [index, 'role'] });
  });
  return out;
}

/** A persona's own fields as a bundle: every value written where it is. */
export function ownBundle(persona: string, fields: Record<string, unknown>): Bundle {
  const origin: Record<string, Origin> = {};
  const by: Record<string, string[]> = {};
  for (const field of Object.keys(fields)) {
    origin[field] = { persona, path: [field] };
    by[field] = [persona];
  }
  return { fields, origin, by };
}

/** Where the part `path` of a bundle's field is written, through the bundle's own origins. */
function from(bundle: Bundle, path: PersonaPath): Origin {
  return originOf(bundle, path) ?? { persona: '', path };
}

/** One field being united across bundles. */
class Union {
  value: unknown;
  readonly origin: Record<string, Origin> = {};
  readonly by: string[] = [];
  /** For lists and maps: the item's folded name → its index (lists) or key (maps). */
  private readonly seen = new Map<string, number | string>();

  constructor(readonly field: string) {}

  private note(persona: string): void {
    if (persona && !this.by.includes(persona)) this.by.push(persona);
  }

  /** Adds one bundle's value; returns a conflict when a scalar differs. */
  add(bundle: Bundle): Conflict | undefined {
    const field = this.field;
    const input = bundle.fields[field];
    const first = this.value === undefined;
    if (NAME_LISTS.has(field) && Array.isArray(input) && (first || Array.isArray(this.value))) {
      if (first) this.begin([], bundle);
      const list = this.value as unknown[];
      input.forEach((name, i) => {
        if (typeof name !== 'string') return;
        const key = foldName(name);
        const at = from(bundle, [field, i]);
        this.note(at.persona);
        if (this.seen.has(key)) return;
        this.seen.set(key, list.length);
        this.origin[pathKey([field, list.length])] = at;
        list.push(name);
      });
      return undefined;
    }
    if (LEVEL_MAPS.has(field) && isMap(input) && (first || isMap(this.value))) {
      if (first) this.begin({}, bundle);
      const map = this.value as Record<string, unknown>;
      for (const [name, level] of Object.entries(input)) {
        const key = foldName(name);
        const at = from(bundle, [field, name]);
        this.note(at.persona);
        const known = this.seen.get(key) as string | undefined;
        if (known === undefined) {
          this.seen.set(key, name);
          map[name] = level;
          this.origin[pathKey([field, name])] = at;
        } else if (typeof level === 'number' && typeof map[known] === 'number' && level > (map[known] as number)) {
          map[known] = level;
          this.origin[pathKey([field, known])] = at;
        }
      }
      return undefined;
    }
    if (field === 'roles' && Array.isArray(input) && (first || Array.isArray(this.value))) {
      if (first) this.begin([], bundle);
      const list = this.value as unknown[];
      for (const grant of flatGrants(input)) {
        const at = from(bundle, [field, ...grant.item]);
        this.note(at.persona);
        if (this.seen.has(grant.key)) continue;
        const i = list.length;
        this.seen.set(grant.key, i);
        list.push(grant.value);
        this.origin[pathKey([field, i])] = at;
        this.origin[pathKey([field, i, 'role'])] = from(bundle, [field, ...grant.role]);
        if (grant.division) this.origin[pathKey([field, i, 'division'])] = from(bundle, [field, ...grant.division]);
      }
      return undefined;
    }
    // A scalar (or a value of the wrong shape, which the schema reports): the first stands, a different one conflicts.
    const at = from(bundle, [field]);
    if (first) {
      this.value = input;
      this.origin[field] = at;
      this.note(at.persona);
      return undefined;
    }
    if (sameValue(this.value, input)) {
      this.note(at.persona);
      return undefined;
    }
    return { field, a: this.origin[field]!, b: at };
  }

  private begin(empty: unknown, bundle: Bundle): void {
    this.value = empty;
    this.origin[this.field] = from(bundle, [this.field]);
  }
}

/**
 * Unites bundles field by field (in the order given): lists of names and grants are united, a
 * proficiency takes the highest, a scalar must be the same in every bundle that sets it (else a conflict).
 */
export function combine(bundles: readonly Bundle[]): { bundle: Bundle; conflicts: Conflict[] } {
  if (bundles.length === 1) return { bundle: bundles[0]!, conflicts: [] };
  const unions = new Map<string, Union>();
  const conflicts: Conflict[] = [];
  for (const bundle of bundles) {
    for (const field of Object.keys(bundle.fields)) {
      let union = unions.get(field);
      if (!union) unions.set(field, (union = new Union(field)));
      const conflict = union.add(bundle);
      if (conflict) conflicts.push(conflict);
    }
  }
  const out: Bundle = { fields: {}, origin: {}, by: {} };
  for (const [field, union] of unions) {
    out.fields[field] = union.value;
    Object.assign(out.origin, union.origin);
    out.by[field] = union.by;
  }
  return { bundle: out, conflicts };
}

/** `base` with the fields `top` sets replaced by `top`'s: what is set nearer the user wins. */
export function overlay(base: Bundle, top: Bundle): Bundle {
  const out: Bundle = { fields: { ...base.fields }, origin: {}, by: { ...base.by } };
  for (const [key, origin] of Object.entries(base.origin)) {
    const field = key.split('\u0000', 1)[0]!;
    if (!Object.hasOwn(top.fields, field)) out.origin[key] = origin;
  }
  for (const field of Object.keys(top.fields)) {
    out.fields[field] = top.fields[field];
    out.by[field] = top.by[field] ?? [];
  }
  Object.assign(out.origin, top.origin);
  return out;
}
