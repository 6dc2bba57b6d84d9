// The sandbox's in-memory org: records, indexes kept in a stable order, search lag, and seed conversion both ways.
import type { Models } from 'purecloud-platform-client-v2';
import { freshId, stableId } from './ids.js';
import type { Ref, SeedGrant, SeedGroup, SeedNamed, SeedOrg, SeedQueue, SeedUser, SeedUserLocation } from './types.js';
import { EMPLOYEE_TYPES, parseAddresses, PHONE_TYPES } from './contacts.js';

export type UserState = 'active' | 'inactive' | 'deleted';

export interface NamedRec {
  id: string;
  name: string;
  description?: string;
  dateModified: string;
}

export interface DivisionRec extends NamedRec {
  home: boolean;
  /** Epoch ms of a create through the API (seeded divisions have none): the authorization cache lags behind it. */
  createdAt?: number;
}

export interface RoleRec extends NamedRec {
  permissions: string[];
  /** Epoch ms of a create through the API (seeded roles have none): the authorization cache lags behind it. */
  createdAt?: number;
}

export interface LocationRec extends NamedRec {
  version: number;
}

/** A queue's member group (Models.MemberGroup): its members are queue members with `memberBy: group`. */
export interface MemberGroupRec {
  /** The sandbox has groups only: TEAM and SKILLGROUP ids never exist in it, so they are refused. */
  type: 'GROUP';
  id: string;
}

/** An extension pool (TelephonyProvidersEdgeApi `ExtensionPool`). */
export interface ExtensionPoolRec extends NamedRec {
  version: number;
  startNumber: string;
  endNumber: string;
  divisionId: string;
}

/** A telephony site (TelephonyProvidersEdgeApi `Site`): where a phone is placed. */
export interface SiteRec extends NamedRec {
  version: number;
}

/** A line's base settings inside a phone base (`PhoneBase.lines`, `LineBase`): a phone's line uses the first one's id. */
export interface LineBaseRec {
  id: string;
  name: string;
}

/** Phone base settings (TelephonyProvidersEdgeApi `PhoneBase`): the template a phone is made from. */
export interface PhoneBaseRec extends NamedRec {
  version: number;
  /** `phoneMetaBase.id`, e.g. `inin_webrtc_softphone.json` for the WebRTC softphone. */
  phoneMetaBaseId: string;
  lines: LineBaseRec[];
}

/** A phone (TelephonyProvidersEdgeApi `Phone`) and, for a WebRTC phone, the station made for it. */
export interface PhoneRec extends NamedRec {
  version: number;
  siteId: string;
  phoneBaseId: string;
  lineBaseId: string;
  phoneMetaBaseId: string;
  lines: { id: string; name: string; lineBaseId: string }[];
  webRtcUserId?: string;
  /** The WebRTC phone's station: its id, and when `GET /stations` starts to find it (epoch ms). */
  station?: { id: string; visibleAt: number };
}

export interface QueueRec extends NamedRec {
  divisionId: string;
  /** Member user ids added one by one (`memberBy: user`), in the order they joined. */
  members: Set<string>;
  /** Groups whose members are queue members too (set with PUT /routing/queues/{id}); none when unset. */
  memberGroups?: MemberGroupRec[];
}

export interface GroupRec extends NamedRec {
  version: number;
  type: string;
  visibility: string;
  members: Set<string>;
  /** Roles may be granted to the group (Models.Group.rolesEnabled); unset means true, Terraform's default. */
  rolesEnabled?: boolean;
  /** Role grants made to the group (subjectType PC_GROUP): its members hold them too. */
  grants?: GrantRec[];
}

export interface GrantRec {
  roleId: string;
  divisionId: string;
}

export interface UserRec {
  id: string;
  version: number;
  email: string;
  name: string;
  title?: string;
  department?: string;
  divisionId: string;
  managerId?: string;
  state: UserState;
  dateDeleted?: string;
  dateModified: string;
  /** Phones and other emails as written (see contacts.ts): rendered into the API's shapes on the way out. */
  addresses: Models.Contact[];
  skills: Map<string, number>;
  languages: Map<string, number>;
  grants: GrantRec[];
  locationIds: string[];
  /** location id → the user's notes on it (`Location.notes`). */
  locationNotes?: Record<string, string>;
  acdAutoAnswer?: boolean;
  profileSkills?: string[];
  certifications?: string[];
  employerInfo?: Models.EmployerInfo;
  /** The user's own utilization (`level: Agent`); absent: the org's default (`level: Organization`). */
  utilization?: UtilizationRec;
  /** The user's voicemail policy as last PATCHed; absent: never set (the sandbox's defaults answer). */
  voicemail?: VoicemailRec;
  preferredName?: string;
  /** The listing order's cached key and the name it was made from (internal). */
  sortKey?: string;
  sortName?: string;
}

/** Utilization by media type (and label), as `AgentMaxUtilizationResponse` carries it. */
export interface UtilizationRec {
  utilization: Record<string, Models.MediaUtilization>;
  labelUtilizations?: Record<string, Models.LabelUtilizationRequest>;
}

export interface VoicemailRec {
  enabled: boolean;
  alertTimeoutSeconds: number;
  sendEmailNotifications: boolean;
  modifiedDate?: string;
}

/** What search sees of a user: a copy taken when it changed, visible once the lag has passed. */
interface SearchSnapshot {
  visibleAt: number;
  user: UserRec;
}

/** The fields search can match; copied so later edits do not leak into a lagging snapshot. */
export function snapshotOf(user: UserRec): UserRec {
  return {
    ...user,
    addresses: user.addresses.map((a) => ({ ...a })),
    skills: new Map(user.skills),
    languages: new Map(user.languages),
    grants: user.grants.map((g) => ({ ...g })),
    locationIds: [...user.locationIds],
    locationNotes: user.locationNotes ? { ...user.locationNotes } : undefined,
  };
}

/** The listing order's key (name, then id), kept on the record so sorting 50,000 users stays cheap. */
function sortKey(user: UserRec): string {
  if (user.sortKey === undefined || user.sortName !== user.name) {
    user.sortName = user.name;
    user.sortKey = `${user.name.toLowerCase()}\u0000${user.id}`;
  }
  return user.sortKey;
}

export function compareUsers(a: UserRec, b: UserRec): number {
  const ak = sortKey(a);
  const bk = sortKey(b);
  return ak < bk ? -1 : ak > bk ? 1 : 0;
}

function compareNamed(a: NamedRec, b: NamedRec): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : 1;
}

export function normEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/** A named collection with a by-id map, a by-name index and a cached sorted list. */
export class Collection<T extends NamedRec> {
  readonly byId = new Map<string, T>();
  private byName = new Map<string, T>();
  private sortedCache: T[] | undefined;

  constructor(readonly kind: string) {}

  add(rec: T): T {
    this.byId.set(rec.id, rec);
    this.byName.set(rec.name.toLowerCase(), rec);
    this.sortedCache = undefined;
    return rec;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  byExactName(name: string): T | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** An id or a name. */
  resolve(ref: string): T | undefined {
    return this.byId.get(ref) ?? this.byName.get(ref.toLowerCase());
  }

  /** Removes a record (a role or division deleted through the API). */
  remove(id: string): T | undefined {
    const rec = this.byId.get(id);
    if (!rec) return undefined;
    this.byId.delete(id);
    if (this.byName.get(rec.name.toLowerCase()) === rec) this.byName.delete(rec.name.toLowerCase());
    this.sortedCache = undefined;
    return rec;
  }

  sorted(): T[] {
    this.sortedCache ??= [...this.byId.values()].sort(compareNamed);
    return this.sortedCache;
  }

  get size(): number {
    return this.byId.size;
  }
}

export class SandboxOrg {
  id: string;
  name: string;
  domain: string;
  version = 1;
  readonly divisions = new Collection<DivisionRec>('division');
  readonly skills = new Collection<NamedRec & { version: number }>('skill');
  readonly languages = new Collection<NamedRec & { version: number }>('language');
  readonly roles = new Collection<RoleRec>('role');
  readonly locations = new Collection<LocationRec>('location');
  readonly queues = new Collection<QueueRec>('queue');
  readonly groups = new Collection<GroupRec>('group');
  readonly extensionPools = new Collection<ExtensionPoolRec>('extension pool');
  readonly sites = new Collection<SiteRec>('site');
  readonly phoneBases = new Collection<PhoneBaseRec>('phone base');
  readonly phones = new Collection<PhoneRec>('phone');
  /** user id → the station id `PUT /users/{id}/station/defaultstation/{stationId}` set. */
  readonly defaultStations = new Map<string, string>();
  /**
   * How long a new WebRTC phone's station stays out of `GET /stations` (ms); 0: at once. The real
   * station is indexed asynchronously: Genesys's user-provisioning starting guide (module 4,
   * "getStationByWebRtcUserId") retries the look-up 6 times a second apart for it.
   */
  stationLagMs = 0;
  /**
   * The org-wide utilization (`GET /api/v2/routing/utilization`), which users without settings of their own follow. The
   * SDK docs give no defaults; the sandbox's are one call, callback and email, and four chats and messages at once.
   */
  utilizationDefault: Record<string, Models.MediaUtilization> = {
    call: { maximumCapacity: 1, interruptableMediaTypes: [], includeNonAcd: true },
    callback: { maximumCapacity: 1, interruptableMediaTypes: [], includeNonAcd: true },
    chat: { maximumCapacity: 4, interruptableMediaTypes: [], includeNonAcd: false },
    email: { maximumCapacity: 1, interruptableMediaTypes: [], includeNonAcd: false },
    message: { maximumCapacity: 4, interruptableMediaTypes: [], includeNonAcd: false },
  };
  /** `Organization.defaultCountryCode`: numbers of this country are displayed in national form. */
  defaultCountryCode = 'US';
  readonly users = new Map<string, UserRec>();
  /** Search lag in ms; 0 makes every change searchable at once. */
  searchLagMs = 0;
  /** How long a role or division created through the API stays unknown to grants (the `auth-lag` fault); 0: none. */
  authLagMs = 0;
  /** Called after every change (the server persists the org from here). */
  onChange: () => void = () => {};
  /** Called before each change of a user with the record as it still is, and whether the change moves its version (the consistency faults watch writes here). */
  beforeUserChange: ((user: UserRec, versioned: boolean) => void) | undefined;
  /** Moves on with every change made through the org's methods (render caches key on it). */
  revision = 0;

  /** Records that the org changed: call it after editing records or memberships directly. */
  changed(): void {
    this.revision += 1;
    this.onChange();
  }
  now: () => number = () => Date.now();

  private sortedUsers: UserRec[] = [];
  private stateLists: Map<string, UserRec[]> | undefined;
  private emails = new Map<string, UserRec[]>();
  private pending = new Map<string, { base: UserRec | undefined; snaps: SearchSnapshot[] }>();

  constructor(info: { id?: string; name?: string; domain?: string; defaultCountryCode?: string } = {}) {
    this.id = info.id ?? stableId(`org:${info.name ?? 'Sandbox'}`);
    this.name = info.name ?? 'Sandbox';
    this.domain = info.domain ?? 'sandbox';
    if (info.defaultCountryCode) this.defaultCountryCode = info.defaultCountryCode.toUpperCase();
  }

  homeDivision(): DivisionRec {
    const home = this.divisions.sorted().find((d) => d.home) ?? this.divisions.sorted()[0];
    if (home) return home;
    return this.divisions.add({ id: stableId(`division:${this.id}:Home`), name: 'Home', description: 'The home division', home: true, dateModified: new Date(this.now()).toISOString() });
  }

  // ---- users -------------------------------------------------------------------------------

  getUser(id: string): UserRec | undefined {
    return this.users.get(id);
  }

  /** Users with this email (normalised), in any state. */
  usersByEmail(email: string): UserRec[] {
    return this.emails.get(normEmail(email)) ?? [];
  }

  /** The non-deleted user with this email, if any. */
  liveUserByEmail(email: string): UserRec | undefined {
    return this.usersByEmail(email).find((u) => u.state !== 'deleted');
  }

  /** Adds a fully formed user record and indexes it. */
  insertUser(user: UserRec, bulk = false): UserRec {
    this.users.set(user.id, user);
    const key = normEmail(user.email);
    const list = this.emails.get(key);
    if (list) list.push(user);
    else this.emails.set(key, [user]);
    if (bulk) this.sortedUsers.push(user);
    else this.sortedUsers.splice(this.insertionIndex(user), 0, user);
    this.stateLists = undefined;
    this.recordSearch(user, bulk, true);
    if (!bulk) this.changed();
    return user;
  }

  /** Sorts after a bulk load (one sort, not one per user). */
  finishBulk(): void {
    this.sortedUsers.sort(compareUsers);
    this.stateLists = undefined;
  }

  /** A new user with defaults, as the API or a test would add one. */
  addUser(fields: Partial<UserRec> & { email: string; name: string }): UserRec {
    const user: UserRec = {
      id: fields.id ?? freshId(),
      version: fields.version ?? 1,
      divisionId: fields.divisionId ?? this.homeDivision().id,
      state: fields.state ?? 'active',
      dateModified: new Date(this.now()).toISOString(),
      addresses: [],
      skills: new Map(),
      languages: new Map(),
      grants: [],
      locationIds: [],
      ...fields,
    };
    return this.insertUser(user);
  }

  /**
   * Applies a change to a user and re-indexes it: bumps the version (unless told not to),
   * keeps the listing order and the email index right, and records what search will see.
   */
  updateUser(id: string, change: (user: UserRec) => void, options: { bumpVersion?: boolean } = {}): UserRec {
    const user = this.users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    const before = { name: user.name, email: normEmail(user.email), state: user.state };
    this.beforeUserChange?.(user, options.bumpVersion !== false);
    this.beforeSearchChange(user);
    change(user);
    if (options.bumpVersion !== false) user.version += 1;
    user.dateModified = new Date(this.now()).toISOString();
    if (user.name !== before.name) {
      const at = this.sortedUsers.indexOf(user);
      if (at >= 0) this.sortedUsers.splice(at, 1);
      this.sortedUsers.splice(this.insertionIndex(user), 0, user);
      this.stateLists = undefined;
    }
    if (user.state !== before.state) this.stateLists = undefined;
    const email = normEmail(user.email);
    if (email !== before.email) {
      const old = this.emails.get(before.email)?.filter((u) => u !== user) ?? [];
      if (old.length > 0) this.emails.set(before.email, old);
      else this.emails.delete(before.email);
      const list = this.emails.get(email);
      if (list) list.push(user);
      else this.emails.set(email, [user]);
    }
    this.recordSearch(user, false, false);
    this.changed();
    return user;
  }

  /** Users in the stable listing order (name, then id), filtered by state (`any` = all). */
  listUsers(state: UserState | 'any'): UserRec[] {
    if (state === 'any') return this.sortedUsers;
    if (!this.stateLists) {
      const lists = new Map<string, UserRec[]>([['active', []], ['inactive', []], ['deleted', []]]);
      for (const u of this.sortedUsers) lists.get(u.state)?.push(u);
      this.stateLists = lists;
    }
    return this.stateLists.get(state) ?? [];
  }

  private insertionIndex(user: UserRec): number {
    let lo = 0;
    let hi = this.sortedUsers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareUsers(this.sortedUsers[mid] as UserRec, user) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // ---- search (eventually consistent) -----------------------------------------------------

  /** Called before a change: remembers what search saw, so it keeps seeing it until the lag passes. */
  private beforeSearchChange(user: UserRec): void {
    if (this.searchLagMs <= 0 || this.pending.has(user.id)) return;
    this.pending.set(user.id, { base: snapshotOf(user), snaps: [] });
  }

  private recordSearch(user: UserRec, immediate: boolean, created: boolean): void {
    if (this.searchLagMs <= 0 || immediate) {
      this.pending.delete(user.id);
      return;
    }
    const entry = this.pending.get(user.id) ?? { base: created ? undefined : snapshotOf(user), snaps: [] };
    entry.snaps.push({ visibleAt: this.now() + this.searchLagMs, user: snapshotOf(user) });
    this.pending.set(user.id, entry);
  }

  /** Search candidates for an exact email look-up, from the index when no change is waiting out its lag. */
  searchByEmails(emails: string[]): UserRec[] | undefined {
    if (this.pending.size > 0) return undefined;
    const found = new Set<UserRec>();
    for (const e of emails) for (const u of this.usersByEmail(e)) found.add(u);
    return [...found].sort(compareUsers);
  }

  /**
   * What search sees of each user now: the newest change whose lag has passed, the state before
   * any pending change, or nothing for a user created too recently to be indexed.
   */
  searchView(): UserRec[] {
    if (this.pending.size === 0) return this.sortedUsers;
    const now = this.now();
    const out: UserRec[] = [];
    for (const user of this.sortedUsers) {
      const entry = this.pending.get(user.id);
      if (!entry) {
        out.push(user);
        continue;
      }
      let last = -1;
      entry.snaps.forEach((s, i) => {
        if (s.visibleAt <= now) last = i;
      });
      if (last === entry.snaps.length - 1) {
        this.pending.delete(user.id);
        out.push(user);
        continue;
      }
      if (last >= 0) {
        entry.base = (entry.snaps[last] as SearchSnapshot).user;
        entry.snaps.splice(0, last + 1);
      }
      if (entry.base) out.push(entry.base);
    }
    return out;
  }
}

// ---- seed → org ----------------------------------------------------------------------------

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

function named<T extends SeedNamed>(item: T | string): T {
  return (typeof item === 'string' ? { name: item } : item) as T;
}


/** Builds the org from a seed; every reference must name (or be the id of) an object the seed declares. */
export function orgFromSeed(seed: SeedOrg, now = Date.now()): SandboxOrg {
  const org = new SandboxOrg(seed.org ?? {});
  const stamp = new Date(now).toISOString();
  const oid = org.id;
  const seenNames = (kind: string) => {
    const seen = new Set<string>();
    return (name: string) => {
      if (typeof name !== 'string' || name.trim() === '') throw new SeedError(`a ${kind} without a name`);
      const key = name.toLowerCase();
      if (seen.has(key)) throw new SeedError(`duplicate ${kind} name "${name}"`);
      seen.add(key);
    };
  };

  const divisions = (seed.divisions ?? []).map((d) => named(d));
  if (divisions.length === 0) divisions.push({ name: 'Home', home: true });
  const checkDivision = seenNames('division');
  const homeIndex = Math.max(0, divisions.findIndex((d) => d.home));
  divisions.forEach((d, i) => {
    checkDivision(d.name);
    org.divisions.add({ id: d.id ?? stableId(`division:${oid}:${d.name}`), name: d.name, description: d.description ?? '', home: i === homeIndex, dateModified: stamp });
  });
  const home = org.homeDivision();
  const div = (ref: string | undefined, where: Where): string => {
    if (ref === undefined) return home.id;
    const d = org.divisions.resolve(ref);
    if (!d) throw new SeedError(`${where()}: unknown division "${ref}"`);
    return d.id;
  };

  const simple = (items: (SeedNamed | string)[] | undefined, kind: string, add: (n: SeedNamed, id: string) => void) => {
    const check = seenNames(kind);
    for (const raw of items ?? []) {
      const n = named(raw);
      check(n.name);
      add(n, n.id ?? stableId(`${kind}:${oid}:${n.name}`));
    }
  };
  simple(seed.skills, 'skill', (n, id) => org.skills.add({ id, name: n.name, description: n.description, version: 1, dateModified: stamp }));
  simple(seed.languages, 'language', (n, id) => org.languages.add({ id, name: n.name, version: 1, dateModified: stamp }));
  simple(seed.locations, 'location', (n, id) => org.locations.add({ id, name: n.name, description: n.description, version: 1, dateModified: stamp }));
  {
    const check = seenNames('role');
    for (const raw of seed.roles ?? []) {
      const r = typeof raw === 'string' ? { name: raw } : raw;
      check(r.name);
      org.roles.add({ id: r.id ?? stableId(`role:${oid}:${r.name}`), name: r.name, description: r.description, permissions: r.permissions ?? [], dateModified: stamp });
    }
  }
  {
    const check = seenNames('group');
    for (const raw of seed.groups ?? []) {
      const g = typeof raw === 'string' ? { name: raw } : raw;
      check(g.name);
      const rec = org.groups.add({ id: g.id ?? stableId(`group:${oid}:${g.name}`), name: g.name, description: g.description, version: g.version ?? 1, type: g.type ?? 'official', visibility: g.visibility ?? 'public', members: new Set(), dateModified: stamp });
      seedGroupRoles(org, rec, g, home.id);
    }
  }
  {
    // After the groups: a queue's member groups refer to them.
    const check = seenNames('queue');
    for (const raw of seed.queues ?? []) {
      const q = typeof raw === 'string' ? { name: raw } : raw;
      check(q.name);
      const rec = org.queues.add({ id: q.id ?? stableId(`queue:${oid}:${q.name}`), name: q.name, description: q.description, divisionId: div(q.division, () => `queue "${q.name}"`), members: new Set(), dateModified: stamp });
      if (q.memberGroups && q.memberGroups.length > 0) rec.memberGroups = q.memberGroups.map((ref) => ({ type: 'GROUP', id: refId(org.groups, ref, 'group', () => `queue "${q.name}" memberGroups`) }));
    }
  }

  extensionPoolsFromSeed(seed, org, stamp, div);
  telephonyFromSeed(seed, org, stamp);

  // Users: two passes, so managers may be declared after the users they manage.
  const users = seed.users ?? [];
  const recs: UserRec[] = [];
  users.forEach((u, i) => {
    // Built only when there is something to report: a seed may hold 50,000 users.
    const at: Where = () => `user ${i + 1}${u?.email ? ` (${u.email})` : ''}`;
    if (!u || typeof u.email !== 'string' || u.email.trim() === '') throw new SeedError(`${at()}: email is required`);
    if (typeof u.name !== 'string' || u.name.trim() === '') throw new SeedError(`${at()}: name is required`);
    const state = u.state ?? 'active';
    if (!['active', 'inactive', 'deleted'].includes(state)) throw new SeedError(`${at()}: state must be active, inactive or deleted`);
    const rec: UserRec = {
      id: u.id ?? stableId(`user:${oid}:${normEmail(u.email)}:${i}`),
      version: u.version ?? 1,
      email: u.email.trim(),
      name: u.name,
      title: u.title,
      department: u.department,
      divisionId: div(u.division, at),
      state,
      dateDeleted: state === 'deleted' ? (u.dateDeleted ?? stamp) : undefined,
      dateModified: stamp,
      addresses: addressesOf(u, at),
      skills: levels(u.skills, org.skills, 'skill', at),
      languages: levels(u.languages, org.languages, 'language', at, true),
      grants: (u.roles ?? []).map((g) => grantOf(g, org, home.id, at)),
      locationIds: (u.locations ?? []).map((l) => refId(org.locations, locationRef(l), 'location', at)),
      locationNotes: locationNotesOf(u.locations ?? [], org, at),
      acdAutoAnswer: u.acdAutoAnswer,
      profileSkills: u.profileSkills,
      certifications: u.certifications,
      employerInfo: employerInfoOf(u.employerInfo, at),
      ...(u.utilization ? { utilization: u.utilization } : {}),
      ...(u.voicemail ? { voicemail: u.voicemail } : {}),
    };
    if (state !== 'deleted' && org.liveUserByEmail(rec.email)) throw new SeedError(`${at()}: email ${u.email} is already used by another user that is not deleted`);
    if (org.users.has(rec.id)) throw new SeedError(`${at()}: duplicate user id ${rec.id}`);
    org.insertUser(rec, true);
    recs.push(rec);
    for (const q of u.queues ?? []) org.queues.get(refId(org.queues, q, 'queue', at))?.members.add(rec.id);
    for (const g of u.groups ?? []) org.groups.get(refId(org.groups, g, 'group', at))?.members.add(rec.id);
  });
  users.forEach((u, i) => {
    if (!u.manager) return;
    const rec = recs[i] as UserRec;
    const manager = org.users.get(u.manager) ?? org.liveUserByEmail(u.manager) ?? org.usersByEmail(u.manager)[0];
    if (!manager) throw new SeedError(`user ${i + 1} (${u.email}): unknown manager "${u.manager}"`);
    rec.managerId = manager.id;
  });
  org.finishBulk();
  phonesFromSeed(seed, org, stamp);
  return org;
}

/** Where a seed problem is, computed only when there is one to report. */
type Where = () => string;

function refId(coll: Collection<NamedRec>, ref: string, kind: string, where: Where): string {
  const rec = coll.resolve(String(ref));
  if (!rec) throw new SeedError(`${where()}: unknown ${kind} "${ref}"`);
  return rec.id;
}

function levels(map: Record<string, number> | undefined, coll: Collection<NamedRec>, kind: string, where: Where, whole = false): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, level] of Object.entries(map ?? {})) {
    if (typeof level !== 'number' || level < 0 || level > 5) throw new SeedError(`${where()}: ${kind} "${name}" needs a proficiency from 0 to 5`);
    if (whole && !Number.isInteger(level)) throw new SeedError(`${where()}: ${kind} "${name}" needs a whole-number proficiency from 0 to 5`);
    out.set(refId(coll, name, kind, where), level);
  }
  return out;
}

/** A seeded group's `rolesEnabled` and `roles` (grants made to the group). */
function seedGroupRoles(org: SandboxOrg, rec: GroupRec, g: SeedGroup, homeId: string): void {
  if (g.rolesEnabled !== undefined) rec.rolesEnabled = g.rolesEnabled;
  if (!g.roles || g.roles.length === 0) return;
  const where: Where = () => `group "${g.name}"`;
  if (g.rolesEnabled === false) throw new SeedError(`${where()}: roles are granted to a group whose rolesEnabled is false`);
  rec.grants = g.roles.map((grant) => grantOf(grant, org, homeId, where));
}

function grantOf(grant: SeedGrant, org: SandboxOrg, homeId: string, where: Where): GrantRec {
  const role = typeof grant === 'string' ? grant : grant.role;
  const division = typeof grant === 'string' ? undefined : grant.division;
  const roleId = refId(org.roles, role, 'role', where);
  if (division === undefined) return { roleId, divisionId: homeId };
  if (division === '*') return { roleId, divisionId: '*' };
  return { roleId, divisionId: refId(org.divisions, division, 'division', where) };
}

/** A seed user's phones and other emails as stored `addresses`, checked as a write would be. */
function addressesOf(u: SeedUser, where: Where): Models.Contact[] {
  const contacts: Models.Contact[] = [];
  for (const p of u.phones ?? []) {
    const type = (p.type ?? 'work').toUpperCase();
    if (!PHONE_TYPES.has(type)) throw new SeedError(`${where()}: unknown phone type "${p.type}"`);
    const contact: Models.Contact = { mediaType: p.mediaType ?? 'PHONE', type };
    if (p.number) contact.address = p.number;
    if (p.extension !== undefined && p.extension !== '') contact.extension = String(p.extension);
    contacts.push(contact);
  }
  for (const e of u.otherEmails ?? []) contacts.push({ mediaType: 'EMAIL', type: (e.type ?? 'work').toUpperCase(), address: e.address });
  try {
    return parseAddresses(contacts, u.email);
  } catch (error) {
    throw new SeedError(`${where()}: ${(error as Error).message}`);
  }
}

function locationRef(l: string | SeedUserLocation): string {
  return typeof l === 'string' ? l : l.location;
}

function locationNotesOf(locations: (string | SeedUserLocation)[], org: SandboxOrg, where: Where): Record<string, string> | undefined {
  const notes: Record<string, string> = {};
  for (const l of locations) {
    if (typeof l === 'string' || l.notes === undefined) continue;
    notes[refId(org.locations, l.location, 'location', where)] = String(l.notes);
  }
  return Object.keys(notes).length > 0 ? notes : undefined;
}

function employerInfoOf(info: SeedUser['employerInfo'], where: Where): SeedUser['employerInfo'] {
  if (info?.employeeType !== undefined && !EMPLOYEE_TYPES.includes(info.employeeType)) {
    throw new SeedError(`${where()}: employeeType must be one of ${EMPLOYEE_TYPES.join(', ')}, not "${info.employeeType}"`);
  }
  return info;
}

function extensionPoolsFromSeed(seed: SeedOrg, org: SandboxOrg, stamp: string, div: (ref: string | undefined, where: Where) => string): void {
  const digits = /^\d{1,10}$/;
  (seed.extensionPools ?? []).forEach((p, i) => {
    const where: Where = () => `extension pool ${i + 1}`;
    if (!p || !digits.test(String(p.startNumber)) || !digits.test(String(p.endNumber))) throw new SeedError(`${where()}: startNumber and endNumber must be digits`);
    if (Number(p.startNumber) > Number(p.endNumber)) throw new SeedError(`${where()}: startNumber is above endNumber`);
    const name = p.name ?? `${p.startNumber}-${p.endNumber}`;
    org.extensionPools.add({ id: p.id ?? stableId(`extensionpool:${org.id}:${name}`), name, version: 1, startNumber: String(p.startNumber), endNumber: String(p.endNumber), divisionId: div(p.division, where), dateModified: stamp });
  });
}

/** The WebRTC softphone's meta base (the starting guide's `phoneMetaBase.id`; Terraform's phone base examples). */
export const WEBRTC_META_BASE = 'inin_webrtc_softphone.json';

/** Seeded sites and phone bases (a phone base gets one line base, named after it, unless it lists its lines). */
function telephonyFromSeed(seed: SeedOrg, org: SandboxOrg, stamp: string): void {
  const checkSite = new Set<string>();
  for (const raw of seed.sites ?? []) {
    const s = named(raw);
    if (typeof s.name !== 'string' || s.name.trim() === '') throw new SeedError('a site without a name');
    if (checkSite.has(s.name.toLowerCase())) throw new SeedError(`duplicate site name "${s.name}"`);
    checkSite.add(s.name.toLowerCase());
    org.sites.add({ id: s.id ?? stableId(`site:${org.id}:${s.name}`), name: s.name, description: s.description, version: 1, dateModified: stamp });
  }
  const checkBase = new Set<string>();
  for (const raw of seed.phoneBases ?? []) {
    const b = typeof raw === 'string' ? { name: raw } : raw;
    if (typeof b.name !== 'string' || b.name.trim() === '') throw new SeedError('a phone base without a name');
    if (checkBase.has(b.name.toLowerCase())) throw new SeedError(`duplicate phone base name "${b.name}"`);
    checkBase.add(b.name.toLowerCase());
    const id = b.id ?? stableId(`phonebase:${org.id}:${b.name}`);
    const lines = (b.lines ?? [{ name: `${b.name}_1` }]).map((l, i) => {
      const line = typeof l === 'string' ? { name: l } : l;
      return { id: line.id ?? stableId(`linebase:${id}:${i}`), name: line.name };
    });
    org.phoneBases.add({ id, name: b.name, description: b.description, version: 1, phoneMetaBaseId: b.phoneMetaBase ?? WEBRTC_META_BASE, lines, dateModified: stamp });
  }
}

/** Seeded phones (by default one line on the phone base's first line base); a WebRTC phone's station is visible at once. */
function phonesFromSeed(seed: SeedOrg, org: SandboxOrg, stamp: string): void {
  const withPhone = new Set<string>();
  (seed.phones ?? []).forEach((p, i) => {
    const where: Where = () => `phone ${i + 1}${p?.name ? ` (${p.name})` : ''}`;
    if (!p || typeof p.name !== 'string' || p.name.trim() === '') throw new SeedError(`${where()}: name is required`);
    if (org.phones.byExactName(p.name)) throw new SeedError(`${where()}: duplicate phone name`);
    const siteId = refId(org.sites, p.site, 'site', where);
    const base = org.phoneBases.get(refId(org.phoneBases, p.phoneBase, 'phone base', where)) as PhoneBaseRec;
    const lineBase = (ref: Ref | undefined) => {
      const found = ref === undefined ? base.lines[0] : base.lines.find((l) => l.id === ref || l.name.toLowerCase() === String(ref).toLowerCase());
      if (!found) throw new SeedError(`${where()}: ${ref === undefined ? `phone base "${base.name}" has no lines` : `"${ref}" is not a line of phone base "${base.name}"`}`);
      return found;
    };
    const line = lineBase(p.lineBase);
    const id = p.id ?? stableId(`phone:${org.id}:${p.name}`);
    const lines = (p.lines ?? [{ name: line.name }]).map((l, n) => ({ id: l.id ?? stableId(`line:${id}:${n}`), name: l.name, lineBaseId: lineBase(l.lineBase ?? line.id).id }));
    const user = p.webRtcUser === undefined ? undefined : (org.getUser(p.webRtcUser) ?? org.liveUserByEmail(p.webRtcUser));
    if (p.webRtcUser !== undefined && !user) throw new SeedError(`${where()}: unknown webRtcUser "${p.webRtcUser}"`);
    if ((base.phoneMetaBaseId === WEBRTC_META_BASE) !== (user !== undefined)) throw new SeedError(`${where()}: a phone has a webRtcUser exactly when its phone base is a WebRTC one`);
    if (user && withPhone.has(user.id)) throw new SeedError(`${where()}: ${user.email} already has a WebRTC phone`);
    if (user) withPhone.add(user.id);
    const station = user ? { id: p.stationId ?? stableId(`station:${id}`), visibleAt: 0 } : undefined;
    org.phones.add({
      id,
      name: p.name,
      version: p.version ?? 1,
      dateModified: stamp,
      siteId,
      phoneBaseId: base.id,
      lineBaseId: line.id,
      phoneMetaBaseId: base.phoneMetaBaseId,
      lines,
      ...(user ? { webRtcUserId: user.id, station } : {}),
    });
    if (p.defaultStation) {
      if (!user || !station) throw new SeedError(`${where()}: only a WebRTC phone's station can be a default station`);
      org.defaultStations.set(user.id, station.id);
    }
  });
}

// ---- org → seed (the persisted state) ------------------------------------------------------

/** The org as a seed with every id and version, so a reload reproduces it exactly. */
export function seedFromOrg(org: SandboxOrg): SeedOrg {
  const home = org.homeDivision();
  // Membership looked up once per collection, not once per user.
  const queuesOf = new Map<string, string[]>();
  for (const q of org.queues.sorted()) for (const m of q.members) queuesOf.set(m, [...(queuesOf.get(m) ?? []), q.id]);
  const groupsOf = new Map<string, string[]>();
  for (const g of org.groups.sorted()) for (const m of g.members) groupsOf.set(m, [...(groupsOf.get(m) ?? []), g.id]);
  return {
    org: { id: org.id, name: org.name, domain: org.domain, defaultCountryCode: org.defaultCountryCode },
    divisions: org.divisions.sorted().map((d) => ({ id: d.id, name: d.name, description: d.description, home: d.id === home.id })),
    skills: org.skills.sorted().map((s) => ({ id: s.id, name: s.name })),
    languages: org.languages.sorted().map((s) => ({ id: s.id, name: s.name })),
    roles: org.roles.sorted().map((r) => ({ id: r.id, name: r.name, description: r.description, permissions: r.permissions })),
    locations: org.locations.sorted().map((l) => ({ id: l.id, name: l.name })),
    queues: org.queues.sorted().map((q) => {
      const out: SeedQueue = { id: q.id, name: q.name, description: q.description, division: q.divisionId };
      if (q.memberGroups && q.memberGroups.length > 0) out.memberGroups = q.memberGroups.map((m) => m.id);
      return out;
    }),
    groups: org.groups.sorted().map((g) => {
      const out: SeedGroup = { id: g.id, name: g.name, description: g.description, version: g.version, type: g.type as 'official', visibility: g.visibility as 'public' };
      if (g.rolesEnabled !== undefined) out.rolesEnabled = g.rolesEnabled;
      if (g.grants && g.grants.length > 0) out.roles = g.grants.map((x) => ({ role: x.roleId, division: x.divisionId }));
      return out;
    }),
    extensionPools: org.extensionPools.sorted().map((p) => ({ id: p.id, name: p.name, startNumber: p.startNumber, endNumber: p.endNumber, division: p.divisionId })),
    sites: org.sites.sorted().map((x) => ({ id: x.id, name: x.name, description: x.description })),
    phoneBases: org.phoneBases.sorted().map((b) => ({ id: b.id, name: b.name, description: b.description, phoneMetaBase: b.phoneMetaBaseId, lines: b.lines.map((l) => ({ ...l })) })),
    phones: org.phones.sorted().map((p) => ({
      id: p.id,
      version: p.version,
      name: p.name,
      site: p.siteId,
      phoneBase: p.phoneBaseId,
      ...(p.webRtcUserId === undefined ? {} : { webRtcUser: p.webRtcUserId }),
      lineBase: p.lineBaseId,
      lines: p.lines.map((l) => ({ id: l.id, name: l.name, lineBase: l.lineBaseId })),
      ...(p.station ? { stationId: p.station.id, defaultStation: org.defaultStations.get(p.webRtcUserId ?? '') === p.station.id } : {}),
    })),
    users: org.listUsers('any').map((u): SeedUser => {
      const out: SeedUser = { id: u.id, version: u.version, email: u.email, name: u.name, state: u.state, division: u.divisionId };
      if (u.title !== undefined) out.title = u.title;
      if (u.department !== undefined) out.department = u.department;
      if (u.managerId) out.manager = u.managerId;
      if (u.dateDeleted) out.dateDeleted = u.dateDeleted;
      const phones = u.addresses.filter((a) => a.mediaType !== 'EMAIL');
      if (phones.length > 0) {
        out.phones = phones.map((a) => ({ type: (a.type ?? 'WORK').toLowerCase(), number: a.address, extension: a.extension, mediaType: a.mediaType === 'SMS' ? 'SMS' : 'PHONE' }));
      }
      const emails = u.addresses.filter((a) => a.mediaType === 'EMAIL');
      if (emails.length > 0) out.otherEmails = emails.map((a) => ({ type: (a.type ?? 'WORK').toLowerCase(), address: a.address ?? '' }));
      if (u.grants.length > 0) out.roles = u.grants.map((g) => ({ role: g.roleId, division: g.divisionId }));
      if (u.skills.size > 0) out.skills = Object.fromEntries(u.skills);
      if (u.languages.size > 0) out.languages = Object.fromEntries(u.languages);
      const qs = queuesOf.get(u.id);
      if (qs) out.queues = qs;
      const gs = groupsOf.get(u.id);
      if (gs) out.groups = gs;
      if (u.locationIds.length > 0) {
        out.locations = u.locationIds.map((id) => (u.locationNotes?.[id] === undefined ? id : { location: id, notes: u.locationNotes[id] }));
      }
      if (u.acdAutoAnswer !== undefined) out.acdAutoAnswer = u.acdAutoAnswer;
      if (u.profileSkills) out.profileSkills = u.profileSkills;
      if (u.certifications) out.certifications = u.certifications;
      if (u.employerInfo) out.employerInfo = u.employerInfo;
      if (u.utilization) out.utilization = u.utilization;
      if (u.voicemail) out.voicemail = u.voicemail;
      return out;
    }),
  };
}
