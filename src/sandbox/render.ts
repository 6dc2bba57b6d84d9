// Records to wire shapes, typed against the SDK's own models so shape drift fails to compile.
import type { Models } from 'purecloud-platform-client-v2';
import { renderContact } from './contacts.js';
import { HttpError } from './errors.js';
import type { DivisionRec, GroupRec, PhoneRec, QueueRec, RoleRec, SandboxOrg, UserRec } from './org.js';
import { groupGrantsOf, queueMembership } from './through-groups.js';

export const USER_EXPANDS = ['skills', 'languages', 'groups', 'locations', 'authorization', 'profileSkills', 'certifications', 'employerInfo'] as const;

export function divisionRef(d: DivisionRec | undefined, id: string): Models.Division {
  return { id, name: d?.name, selfUri: `/api/v2/authorization/divisions/${id}` };
}

export function renderDivision(org: SandboxOrg, d: DivisionRec): Models.AuthzDivision {
  return { id: d.id, name: d.name, description: d.description ?? '', homeDivision: d.id === org.homeDivision().id, selfUri: `/api/v2/authorization/divisions/${d.id}` };
}

export function renderRole(org: SandboxOrg, r: RoleRec, withUserCount = true): Models.DomainOrganizationRole {
  const role: Models.DomainOrganizationRole = { id: r.id, name: r.name, description: r.description ?? '', permissions: r.permissions, default: false, base: false, selfUri: `/api/v2/authorization/roles/${r.id}` };
  if (!withUserCount) return role;
  let userCount = 0;
  for (const u of org.users.values()) if (u.state !== 'deleted' && u.grants.some((g) => g.roleId === r.id)) userCount += 1;
  return { ...role, userCount };
}

export function liveMembers(org: SandboxOrg, members: Set<string>): UserRec[] {
  const out: UserRec[] = [];
  for (const id of members) {
    const u = org.users.get(id);
    if (u && u.state !== 'deleted') out.push(u);
  }
  return out;
}

export function renderGroup(org: SandboxOrg, g: GroupRec): Models.Group {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    dateModified: g.dateModified,
    memberCount: liveMembers(org, g.members).length,
    state: 'active',
    version: g.version,
    type: g.type,
    rulesVisible: true,
    visibility: g.visibility,
    rolesEnabled: g.rolesEnabled ?? true,
    selfUri: `/api/v2/groups/${g.id}`,
  };
}

export function renderQueue(org: SandboxOrg, q: QueueRec): Models.Queue {
  // Models.Queue: memberCount is "the total number of members", userMemberCount "the number of user
  // members (i.e., non-group members)"; a user both added directly and in a member group counts once.
  const membership = queueMembership(org, q);
  const direct = [...membership.values()].filter((m) => m.memberBy === 'user').length;
  const queue: Models.Queue = {
    id: q.id,
    name: q.name,
    division: divisionRef(org.divisions.get(q.divisionId), q.divisionId),
    description: q.description,
    dateModified: q.dateModified,
    memberCount: membership.size,
    userMemberCount: direct,
    joinedMemberCount: membership.size,
    selfUri: `/api/v2/routing/queues/${q.id}`,
  };
  if (q.memberGroups && q.memberGroups.length > 0) queue.memberGroups = q.memberGroups.map((m) => renderMemberGroup(org, m.id));
  return queue;
}

function renderMemberGroup(org: SandboxOrg, id: string): Models.MemberGroup {
  const g = org.groups.get(id);
  return { id, name: g?.name, type: 'GROUP', memberCount: g ? liveMembers(org, g.members).length : 0, selfUri: `/api/v2/groups/${id}` };
}

export function renderLocation(l: { id: string; name: string; version: number }): Models.LocationDefinition {
  return { id: l.id, name: l.name, state: 'active', version: l.version, path: [], selfUri: `/api/v2/locations/${l.id}` };
}

export function renderUserSkills(org: SandboxOrg, u: UserRec): Models.UserRoutingSkill[] {
  return [...u.skills].map(([id, proficiency]) => ({
    id,
    name: org.skills.get(id)?.name,
    proficiency,
    state: 'active',
    skillUri: `/api/v2/routing/skills/${id}`,
    selfUri: `/api/v2/users/${u.id}/routingskills/${id}`,
  }));
}

export function renderUserLanguages(org: SandboxOrg, u: UserRec): Models.UserRoutingLanguage[] {
  return [...u.languages].map(([id, proficiency]) => ({
    id,
    name: org.languages.get(id)?.name,
    proficiency,
    state: 'active',
    languageUri: `/api/v2/routing/languages/${id}`,
    selfUri: `/api/v2/users/${u.id}/routinglanguages/${id}`,
  }));
}

/**
 * A user's effective roles: their own grants and those of their groups. GENESYS-API.md, "Roles through
 * groups": `expand=authorization` can name roles the user holds only through a group.
 */
export function renderAuthorization(org: SandboxOrg, u: UserRec): Models.UserAuthorization {
  const seen = new Set<string>();
  const roles: Models.DomainRole[] = [];
  const permissions = new Set<string>();
  for (const g of [...u.grants, ...groupGrantsOf(org, u.id)]) {
    if (seen.has(g.roleId)) continue;
    seen.add(g.roleId);
    const role = org.roles.get(g.roleId);
    roles.push({ id: g.roleId, name: role?.name });
    for (const p of role?.permissions ?? []) permissions.add(p);
  }
  return { roles, unusedRoles: [], permissions: [...permissions].sort() };
}

export function parseExpand(values: string[]): Set<string> {
  return new Set(values.filter((v) => v !== ''));
}

export function renderUser(org: SandboxOrg, u: UserRec, expand: Set<string>): Models.User {
  const user: Models.User = {
    id: u.id,
    name: u.name,
    division: divisionRef(org.divisions.get(u.divisionId), u.divisionId),
    chat: { jabberId: `${u.id}@${org.domain}.orgspan.com` },
    email: u.email,
    primaryContactInfo: [{ address: u.email, mediaType: 'EMAIL', type: 'PRIMARY' }],
    addresses: u.addresses.map((a) => renderContact(org, a)),
    state: u.state,
    username: u.email,
    version: u.version,
    acdAutoAnswer: u.acdAutoAnswer ?? false,
    selfUri: `/api/v2/users/${u.id}`,
  };
  if (u.department !== undefined) user.department = u.department;
  if (u.title !== undefined) user.title = u.title;
  if (u.preferredName !== undefined) user.preferredName = u.preferredName;
  if (u.managerId) // Genesys sends the manager as a bare reference; the SDK types it as a whole User.
    user.manager = { id: u.managerId, selfUri: `/api/v2/users/${u.managerId}` } as Models.User;
  if (expand.size === 0) return user;
  return Object.assign(user, renderExpansions(org, u, expand));
}

/** The expand[] parts of a user. */
export function renderExpansions(org: SandboxOrg, u: UserRec, expand: Set<string>): Partial<Models.User> {
  const out: Partial<Models.User> = {};
  if (expand.has('skills')) out.skills = renderUserSkills(org, u);
  if (expand.has('languages')) out.languages = renderUserLanguages(org, u);
  if (expand.has('groups')) {
    // A light reference per group: counting every group's members for each user would cost a page dearly.
    out.groups = org.groups.sorted().filter((g) => g.members.has(u.id)).map((g) => ({ id: g.id, name: g.name, type: g.type, rulesVisible: true, visibility: g.visibility, version: g.version, selfUri: `/api/v2/groups/${g.id}` }));
  }
  if (expand.has('locations')) {
    out.locations = u.locationIds.map((id) => {
      const location: Models.Location = { id, locationDefinition: { id, name: org.locations.get(id)?.name, selfUri: `/api/v2/locations/${id}` } };
      // `Location.notes`: the user's own notes on the location, kept with the user.
      const notes = u.locationNotes?.[id];
      if (notes !== undefined) location.notes = notes;
      return location;
    });
  }
  if (expand.has('authorization')) out.authorization = renderAuthorization(org, u);
  if (expand.has('profileSkills')) out.profileSkills = [...(u.profileSkills ?? [])];
  if (expand.has('certifications')) out.certifications = [...(u.certifications ?? [])];
  // Every expansion asked for is sent, empty when empty, so that a missing one can only mean it was dropped.
  if (expand.has('employerInfo')) out.employerInfo = { ...(u.employerInfo ?? {}) };
  if (expand.has('station')) (out as { station?: Models.UserStations }).station = renderUserStations(org, u.id);
  return out;
}

/** Station id → its phone, rebuilt once per org revision: a listing of 10,000 users must not scan every phone per user. */
const stationIndex = new WeakMap<SandboxOrg, { revision: number; phones: Map<string, PhoneRec> }>();

/**
 * `expand=station` of a user (UsersApi.md getUsers/getUser, **Values** of `expand`: station), shaped as
 * `GET /api/v2/users/{userId}/station` answers (`UserStations`): the default station, which with nobody logged in
 * is also the effective one; `{}` when the user has none (sent empty, so that a missing one means it was dropped).
 */
export function renderUserStations(org: SandboxOrg, userId: string): Models.UserStations {
  const stationId = org.defaultStations.get(userId);
  if (stationId === undefined) return {};
  let index = stationIndex.get(org);
  if (!index || index.revision !== org.revision) {
    index = { revision: org.revision, phones: new Map() };
    for (const p of org.phones.byId.values()) if (p.station) index.phones.set(p.station.id, p);
    stationIndex.set(org, index);
  }
  const phone = index.phones.get(stationId);
  if (!phone) return {};
  const station: Models.UserStation = { id: stationId, name: phone.name, type: 'inin_webrtc_softphone', defaultUser: { id: userId, selfUri: `/api/v2/users/${userId}` } as Models.User };
  return { defaultStation: station, effectiveStation: station };
}

interface CachedUser {
  json: string;
  user: UserRec;
  version: number;
  name: string;
  email: string;
  state: string;
  title?: string;
  department?: string;
  divisionId: string;
  managerId?: string;
  acdAutoAnswer?: boolean;
  preferredName?: string;
  addresses: Models.Contact[];
  addressCount: number;
  /** The last expand[] rendering, for one expand set at one org revision. */
  expansions?: { key: string; revision: number; json: string };
}

/** Serialised base users, reused while the fields they show are unchanged (even when a test edits a record in place). */
const baseJson = new WeakMap<UserRec, CachedUser>();

function fresh(c: CachedUser, u: UserRec): boolean {
  return c.version === u.version && c.name === u.name && c.email === u.email && c.state === u.state && c.title === u.title &&
    c.department === u.department && c.divisionId === u.divisionId && c.managerId === u.managerId && c.acdAutoAnswer === u.acdAutoAnswer &&
    c.preferredName === u.preferredName && c.addresses === u.addresses && c.addressCount === u.addresses.length;
}

/**
 * A user as JSON text: the base part from a cache, the expansions rendered per request. Listing
 * 50,000 users spends most of its time serialising, so unchanged users are serialised once.
 */
export function userJson(org: SandboxOrg, u: UserRec, expand: Set<string>): string {
  let cached = baseJson.get(u);
  if (!cached || !fresh(cached, u)) {
    cached = {
      json: JSON.stringify(renderUser(org, u, new Set())),
      user: u, version: u.version, name: u.name, email: u.email, state: u.state, title: u.title, department: u.department,
      divisionId: u.divisionId, managerId: u.managerId, acdAutoAnswer: u.acdAutoAnswer, preferredName: u.preferredName,
      addresses: u.addresses, addressCount: u.addresses.length,
    };
    baseJson.set(u, cached);
  }
  if (expand.size === 0) return cached.json;
  // Expansions depend on memberships and look-ups too: reuse them only while nothing in the org has changed.
  const key = [...expand].sort().join(',');
  let more = cached.expansions?.key === key && cached.expansions.revision === org.revision ? cached.expansions.json : undefined;
  if (more === undefined) {
    more = JSON.stringify(renderExpansions(org, u, expand));
    cached.expansions = { key, revision: org.revision, json: more };
  }
  return more === '{}' ? cached.json : `${cached.json.slice(0, -1)},${more.slice(1)}`;
}

/** A listing whose entities are already JSON text: the envelope serialised around them. */
export function rawListing(envelope: { entities?: unknown[] }, entities: string[]): string {
  const { entities: _ignored, ...rest } = envelope;
  return `{"entities":[${entities.join(',')}],${JSON.stringify(rest).slice(1)}`;
}

/** A paged listing in Genesys's shape: entities plus the page's numbers and URIs. */
export function listing<T>(items: T[], page: { pageSize: number; pageNumber: number }, path: string, query: URLSearchParams, reverse = false) {
  const { pageSize, pageNumber } = page;
  const total = items.length;
  const pageCount = Math.ceil(total / pageSize);
  const start = (pageNumber - 1) * pageSize;
  let entities: T[];
  if (!reverse) entities = items.slice(start, start + pageSize);
  else entities = items.slice(Math.max(0, total - start - pageSize), Math.max(0, total - start)).reverse();
  const uri = (n: number) => {
    const q = new URLSearchParams(query);
    q.set('pageSize', String(pageSize));
    q.set('pageNumber', String(n));
    return `${path}?${q.toString()}`;
  };
  return {
    entities,
    pageSize,
    pageNumber,
    total,
    firstUri: uri(1),
    selfUri: uri(pageNumber),
    lastUri: uri(Math.max(1, pageCount)),
    ...(pageNumber > 1 ? { previousUri: uri(pageNumber - 1) } : {}),
    ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
    pageCount,
  };
}

/** `pageSize` and `pageNumber` from the query, with Genesys's defaults and this endpoint's maximum. */
export function paging(query: URLSearchParams, max: number, defaultSize = 25): { pageSize: number; pageNumber: number } {
  const size = query.get('pageSize');
  const number = query.get('pageNumber');
  const pageSize = size === null || size === '' ? defaultSize : Number(size);
  const pageNumber = number === null || number === '' ? 1 : Number(number);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new HttpError(400, 'bad.request', `pageSize must be a whole number from 1 to ${max}.`, { max: String(max) });
  if (pageSize > max) throw new HttpError(400, 'bad.request', `The page size ${pageSize} is above the maximum of ${max}.`, { pageSize: String(pageSize), max: String(max) });
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw new HttpError(400, 'bad.request', 'pageNumber must be a whole number from 1.', {});
  return { pageSize, pageNumber };
}

/** Array query parameters as the SDK sends them (comma-joined), also repeated or with `[]`. */
export function queryList(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(name), ...query.getAll(`${name}[]`)].flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** Genesys's name filters: case-insensitive, `*` as a wildcard; `prefix` for the "starts with" endpoints. */
export function nameFilter(pattern: string | null, prefix = false): (name: string) => boolean {
  if (pattern === null || pattern === '') return () => true;
  const p = pattern.toLowerCase();
  if (!p.includes('*')) return prefix ? (n) => n.toLowerCase().startsWith(p) : (n) => n.toLowerCase() === p;
  const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (n) => re.test(n.toLowerCase());
}
