// A user's positions (`DesiredUser.at`) worked out on first use: most users never need one, and finding them for every field cost more than parsing.
import type { Source } from '../model/index.js';
import { normalEmail } from '../rules/identity.js';
import { OTHER_EMAIL_TYPES, PHONE_TYPES } from '../rules/phones.js';
import type { Path, PositionSource } from './entry.js';

type Locate = (path: Path, key?: boolean) => Source;

const SIMPLE = ['title', 'department', 'division', 'manager', 'state'] as const;
const LEVELS = ['skills', 'languages'] as const;
const NAMES = ['queues', 'groups', 'locations', 'profileSkills', 'certifications'] as const;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function grantPositions(value: unknown[], locate: Locate, at: Record<string, Source>): void {
  const seen = new Set<string>();
  const add = (role: string, division: string | undefined, roleAt: Source, divisionAt: Source | undefined): void => {
    const key = `${role.toLowerCase()}\u0000${division?.toLowerCase() ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (!at[`roles/${role}`]) at[`roles/${role}`] = roleAt;
    if (division !== undefined && divisionAt) at[`roles/${role}@${division}`] = divisionAt;
  };
  value.forEach((item, index) => {
    if (typeof item === 'string') {
      add(item.trim(), undefined, locate(['roles', index]), undefined);
      return;
    }
    if (!isMap(item) || typeof item.role !== 'string') return;
    const role = item.role.trim();
    const roleAt = locate(['roles', index, 'role']);
    if (Array.isArray(item.divisions)) {
      item.divisions.forEach((d, k) => {
        if (typeof d === 'string') add(role, d.trim(), roleAt, locate(['roles', index, 'divisions', k]));
      });
    } else if (item.division === undefined || typeof item.division === 'string') {
      add(role, item.division?.trim(), roleAt, item.division === undefined ? undefined : locate(['roles', index, 'division']));
    }
  });
}

/**
 * Every position a user's facts have, keyed as `DesiredUser.at` is: `field`, or `field/item` for the
 * first of each name (skills, queues, roles, …), `roles/<role>@<division>` for grants in a division.
 * The same keys and positions that normalising reports its own problems at.
 */
export function positionsOf(value: Record<string, unknown>, locate: Locate): Record<string, Source> {
  const at: Record<string, Source> = {};
  at.email = locate(['email']);
  if (value.name !== undefined) at.name = locate(['name']);
  for (const field of SIMPLE) if (value[field] !== undefined) at[field] = locate([field]);
  const former = value.formerEmails;
  if (former !== undefined) {
    at.formerEmails = locate(['formerEmails']);
    if (Array.isArray(former)) {
      former.forEach((raw, index) => {
        if (typeof raw !== 'string') return;
        const key = `formerEmails/${normalEmail(raw)}`;
        if (!at[key]) at[key] = locate(['formerEmails', index]);
      });
    }
  }
  const phones = value.phones;
  if (phones !== undefined) {
    at.phones = locate(['phones']);
    if (isMap(phones)) for (const type of PHONE_TYPES) if (phones[type] !== undefined) at[`phones/${type}`] = locate(['phones', type]);
  }
  const otherEmails = value.otherEmails;
  if (otherEmails !== undefined) {
    at.otherEmails = locate(['otherEmails']);
    if (isMap(otherEmails)) for (const type of OTHER_EMAIL_TYPES) if (otherEmails[type] !== undefined) at[`otherEmails/${type}`] = locate(['otherEmails', type]);
  }
  if (value.roles !== undefined) {
    at.roles = locate(['roles']);
    if (Array.isArray(value.roles)) grantPositions(value.roles, locate, at);
  }
  for (const field of LEVELS) {
    const map = value[field];
    if (map === undefined) continue;
    at[field] = locate([field]);
    if (!isMap(map)) continue;
    const seen = new Set<string>();
    for (const rawName of Object.keys(map)) {
      const name = rawName.trim();
      const key = foldName(name);
      if (seen.has(key) || !name) continue;
      seen.add(key);
      at[`${field}/${name}`] = locate([field, rawName], true);
    }
  }
  for (const field of NAMES) {
    const list = value[field];
    if (list === undefined) continue;
    at[field] = locate([field]);
    if (!Array.isArray(list)) continue;
    const seen = new Set<string>();
    list.forEach((raw, index) => {
      if (raw === null) return;
      const name = String(raw).trim();
      const key = foldName(name);
      if (seen.has(key)) return;
      seen.add(key);
      at[`${field}/${name}`] = locate([field, index]);
    });
  }
  if (value.acdAutoAnswer !== undefined) at.acdAutoAnswer = locate(['acdAutoAnswer']);
  if (value.employerInfo !== undefined) at.employerInfo = locate(['employerInfo']);
  if (value.utilization !== undefined) at.utilization = locate(['utilization']);
  if (value.voicemail !== undefined) at.voicemail = locate(['voicemail']);
  if (value.webrtcPhone !== undefined) {
    at.webrtcPhone = locate(['webrtcPhone']);
    if (isMap(value.webrtcPhone)) for (const key of ['site', 'phoneBase']) if (value.webrtcPhone[key] !== undefined) at[`webrtcPhone/${key}`] = locate(['webrtcPhone', key]);
  }
  return at;
}

/** What a lazy `at` keeps until first asked: where its positions are found. */
class Pending {
  record: Record<string, Source> | undefined;

  constructor(readonly source: PositionSource) {}

  resolve(): Record<string, Source> {
    this.record ??= positionsOf(this.source.value(), (path, key) => this.source.locate(path, key));
    return this.record;
  }
}

/** Reads, lists and writes go to the record, worked out on the first of them. */
const handler: ProxyHandler<Pending> = {
  get: (pending, key) => Reflect.get(pending.resolve(), key),
  set: (pending, key, value) => Reflect.set(pending.resolve(), key, value),
  has: (pending, key) => Reflect.has(pending.resolve(), key),
  deleteProperty: (pending, key) => Reflect.deleteProperty(pending.resolve(), key),
  ownKeys: (pending) => Reflect.ownKeys(pending.resolve()),
  getOwnPropertyDescriptor(pending, key) {
    const descriptor = Reflect.getOwnPropertyDescriptor(pending.resolve(), key);
    // The proxy's target holds other properties: what it reports must stay configurable.
    if (descriptor) descriptor.configurable = true;
    return descriptor;
  },
  defineProperty: (pending, key, descriptor) => Reflect.defineProperty(pending.resolve(), key, descriptor),
};

/** `DesiredUser.at` that finds its positions on first use. */
export function lazyPositions(source: PositionSource): Record<string, Source> {
  return new Proxy(new Pending(source), handler) as unknown as Record<string, Source>;
}
