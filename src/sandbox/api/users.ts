// UsersApi: users (list, read, create, update, soft delete, search) and their routing skills, languages, roles and queues.
import type { Models } from 'purecloud-platform-client-v2';
import { EMPLOYEE_TYPES, parseAddresses } from '../contacts.js';
import { HttpError, invalidValue, notFound, tooMany, versionConflict } from '../errors.js';
import { compareUsers } from '../org.js';
import type { NamedRec, SandboxOrg, UserRec, UserState } from '../org.js';
import { listing, paging, parseExpand, queryList, rawListing, renderAuthorization, renderQueue, renderUser, renderUserLanguages, renderUserSkills, userJson } from '../render.js';
import { array, liveUser, MAX_LIST, noContent, object, ok, servedExpansions, stamp, str, type Answer, type Ctx, type Endpoint, type Handler } from './http.js';
import { criterionMatcher, mentionsState, searchPage, type Criterion } from './search.js';
import { sees } from './permissions.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The `addresses` of a create or update: phones and other emails, replaced whole. (An extension
 * needs `telephony:extension:assign` in the user's division: permission mode checks it before the
 * handler runs, see api/permissions.ts `extensionAssign`.)
 */
function addressesBody(value: unknown, email: string): Models.Contact[] {
  return value === null ? [] : parseAddresses(array(value, 'a list of addresses'), email);
}

/** `employerInfo` of a PATCH; `employeeType` is one of Terraform's three values. */
function employerInfoBody(value: unknown): Models.EmployerInfo | undefined {
  if (value === null) return undefined;
  const info = object(value, 'employer info') as Models.EmployerInfo;
  if (info.dateHire !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(info.dateHire)) throw invalidValue('employerInfo.dateHire', 'dateHire must be a date, YYYY-MM-DD.');
  if (info.employeeType !== undefined && !EMPLOYEE_TYPES.includes(info.employeeType)) {
    throw invalidValue('employerInfo.employeeType', `employeeType must be one of ${EMPLOYEE_TYPES.join(', ')}, not ${String(info.employeeType)}.`);
  }
  return { ...info };
}

/**
 * `locations` of a PATCH: the whole list, each with its own `notes`. A kept location whose notes
 * are not sent loses them (the stricter reading: the list replaces what the user had).
 */
function locationsBody(ctx: Ctx, value: unknown): { ids: string[]; notes: Record<string, string> } {
  const ids: string[] = [];
  const notes: Record<string, string> = {};
  array(value ?? [], 'a list of locations').forEach((raw, i) => {
    const l = object(raw, 'a location') as Models.Location;
    const lid = l.locationDefinition?.id ?? l.id;
    if (!lid || !ctx.org.locations.get(lid)) throw invalidValue(`locations[${i}]`, `Location ${lid ?? '(no id)'} does not exist.`);
    if (l.notes !== undefined && l.notes !== null && typeof l.notes !== 'string') throw invalidValue(`locations[${i}].notes`, 'notes must be text.');
    if (!ids.includes(lid)) ids.push(lid);
    if (typeof l.notes === 'string' && l.notes !== '') notes[lid] = l.notes;
  });
  return { ids, notes };
}

// ---- users -----------------------------------------------------------------------------------

/** In permission mode, only the users of divisions where the caller holds `directory:user:view` (users are division-aware objects). */
function visibleUsers(ctx: Ctx, users: UserRec[]): UserRec[] {
  return ctx.can === undefined ? users : users.filter((u) => sees(ctx, 'directory:user:view', u.divisionId));
}

const STATES = new Set(['active', 'inactive', 'deleted', 'any']);

/** How far a listing of users in another state than `active` reaches: pages beyond answer 400. */
export const LISTING_WINDOW = 10_000;

/**
 * Genesys answers `GET /api/v2/users?state=inactive` with 400 for pages beyond the first 10,000
 * results (Terraform genesyscloud/user/genesyscloud_user_proxy.go, "DEVTOOLING-862", PR #1276: it
 * stops at page 10,000 / pageSize and treats a 400 as the end). The body Genesys sends is recorded
 * nowhere public (Terraform checks only the status), so this one is a plain `bad.request`. Stricter
 * than the record: any page reaching past result 10,000 is refused, for `deleted` and `any` too,
 * while the id-filtered form (at most 100 ids) is not windowed.
 */
function checkListingWindow(state: UserState | 'any', page: { pageSize: number; pageNumber: number }): void {
  if (state === 'active' || page.pageNumber * page.pageSize <= LISTING_WINDOW) return;
  throw new HttpError(400, 'bad.request', `Listing ${state} users is limited to the first ${LISTING_WINDOW} results; pageNumber ${page.pageNumber} with pageSize ${page.pageSize} reaches beyond them.`, {
    max: String(LISTING_WINDOW),
    pageNumber: String(page.pageNumber),
    pageSize: String(page.pageSize),
  });
}

function getUsers(ctx: Ctx): Answer {
  const { org, query } = ctx;
  const page = paging(query, MAX_LIST);
  const state = (query.get('state') ?? 'active') as UserState | 'any';
  if (!STATES.has(state)) throw invalidValue('state', `state must be one of active, inactive, deleted, any.`);
  const sortOrder = (query.get('sortOrder') ?? 'ASC').toUpperCase();
  if (sortOrder !== 'ASC' && sortOrder !== 'DESC') throw invalidValue('sortOrder', 'sortOrder must be ASC or DESC.');
  const expand = servedExpansions(ctx, parseExpand(queryList(query, 'expand')));
  const ids = queryList(query, 'id');
  let users: UserRec[];
  if (ids.length > 0) {
    if (ids.length > 100) throw tooMany('id', 100);
    // Looked up one by one (not a scan of every user), in the listing's order.
    users = [...new Set(ids)]
      .map((id) => org.getUser(id))
      .filter((u): u is UserRec => u !== undefined && (state === 'any' || u.state === state))
      .sort(compareUsers);
  } else {
    checkListingWindow(state, page);
    users = org.listUsers(state);
  }
  users = visibleUsers(ctx, users);
  const list = listing(users, page, ctx.path, query, sortOrder === 'DESC');
  // Typed as the SDK's listing; the entities go out as cached JSON text (see userJson).
  const envelope: Models.UserEntityListing = { ...list, entities: [] };
  return { status: 200, raw: rawListing(envelope, list.entities.map((u) => userJson(org, u, expand))) };
}

function getUser(ctx: Ctx): Answer {
  const id = ctx.params[0] as string;
  const user = ctx.org.getUser(id);
  const state = ctx.query.get('state') ?? 'active';
  // Like Genesys: a deleted user is found only when asked for with state=deleted.
  if (!user || (user.state === 'deleted') !== (state === 'deleted')) throw notFound('user', id);
  const body: Models.User = renderUser(ctx.org, user, servedExpansions(ctx, parseExpand(queryList(ctx.query, 'expand'))));
  return ok(body);
}

function postUsers(ctx: Ctx): Answer {
  const { org } = ctx;
  const body = object(ctx.body, 'a user') as Partial<Models.CreateUser> & Record<string, unknown>;
  const name = str(body.name, 'name', true) as string;
  const email = (str(body.email, 'email', true) as string).trim();
  if (!EMAIL_RE.test(email)) throw invalidValue('email', `${email} is not a valid email address.`);
  if (body.password !== undefined) str(body.password, 'password', false);
  const state = body.state ?? 'active';
  if (state !== 'active' && state !== 'inactive') throw invalidValue('state', 'state must be active or inactive.');
  const divisionId = str(body.divisionId, 'divisionId', false) ?? org.homeDivision().id;
  if (!org.divisions.get(divisionId)) throw invalidValue('divisionId', `Division ${divisionId} does not exist.`);
  const same = org.usersByEmail(email);
  const live = same.find((u) => u.state !== 'deleted');
  if (live) {
    throw new HttpError(409, 'general.conflict', `A user with email ${email} already exists.`, { email }, [{ fieldName: 'email', entityId: live.id, errorCode: 'general.conflict' }]);
  }
  const deleted = same.find((u) => u.state === 'deleted');
  if (deleted) {
    // Genesys refuses to create a user whose email belongs to a deleted user: restore that one instead.
    throw new HttpError(400, 'bad.request', `Conflicting users: a deleted user has email ${email}. Restore it by setting its state to active.`, { email }, [{ fieldName: 'email', entityId: deleted.id, errorCode: 'conflicting.users' }]);
  }
  const user = org.addUser({
    email,
    name,
    state,
    divisionId,
    title: str(body.title, 'title', false),
    department: str(body.department, 'department', false),
    addresses: body.addresses === undefined ? [] : addressesBody(body.addresses, email),
  });
  const out: Models.User = renderUser(org, user, new Set());
  return ok(out);
}

function patchUser(ctx: Ctx): Answer {
  const { org } = ctx;
  const id = ctx.params[0] as string;
  const body = object(ctx.body, 'a user update') as Partial<Models.UpdateUser> & Record<string, unknown>;
  const user = org.getUser(id);
  if (!user) throw notFound('user', id);
  if (body.version === undefined || body.version === null) throw invalidValue('version', 'version is required: send the current version of the user.');
  if (typeof body.version !== 'number' || !Number.isInteger(body.version)) throw invalidValue('version', 'version must be a whole number.');
  if (body.version !== user.version) throw versionConflict(user.version, body.version);
  if (body.state !== undefined) {
    // When state is present it is the only field changed (Genesys ignores the rest).
    const state = body.state;
    if (state !== 'active' && state !== 'inactive') throw invalidValue('state', 'state must be active or inactive.');
    if (user.state === 'deleted') {
      const other = org.liveUserByEmail(user.email);
      if (other) throw new HttpError(409, 'general.conflict', `Another user already has email ${user.email}.`, { email: user.email });
    }
    const updated = org.updateUser(id, (u) => {
      u.state = state;
      u.dateDeleted = undefined;
    });
    return ok(renderUser(org, updated, new Set()) satisfies Models.User);
  }
  if (user.state === 'deleted') throw notFound('user', id);
  const changes: ((u: UserRec) => void)[] = [];
  if (body.name !== undefined) {
    const name = str(body.name, 'name', true) as string;
    changes.push((u) => (u.name = name));
  }
  for (const field of ['title', 'department', 'preferredName'] as const) {
    if (body[field] === undefined) continue;
    const value = body[field] === null || body[field] === '' ? undefined : str(body[field], field, false);
    changes.push((u) => (u[field] = value));
  }
  if (body.email !== undefined) {
    // The email changes in place: UpdateUser has `email` (UsersApi.md#patchUser), and Terraform's updateUser
    // sends it in the PATCH (genesyscloud/user/resource_genesyscloud_user.go). An email another live user holds
    // is refused with 409 general.conflict, as a create with it is (postUsers above; Terraform's createUser
    // checks `general.conflict`): Genesys keeps one live user per email.
    const email = (str(body.email, 'email', true) as string).trim();
    if (!EMAIL_RE.test(email)) throw invalidValue('email', `${email} is not a valid email address.`);
    const other = org.liveUserByEmail(email);
    if (other && other.id !== id) throw new HttpError(409, 'general.conflict', `A user with email ${email} already exists.`, { email });
    changes.push((u) => (u.email = email));
  }
  if (body.manager !== undefined) {
    const manager = body.manager as unknown;
    if (manager === null || manager === '') changes.push((u) => (u.managerId = undefined));
    else {
      const managerId = typeof manager === 'object' ? (manager as { id?: unknown }).id : manager;
      if (typeof managerId !== 'string') throw invalidValue('manager', 'manager must be a user id.');
      const m = org.getUser(managerId);
      if (!m || m.state === 'deleted') throw invalidValue('manager', `Manager ${managerId} is not an existing user.`);
      if (managerId === id) throw invalidValue('manager', 'A user cannot be their own manager.');
      changes.push((u) => (u.managerId = managerId));
    }
  }
  if (body.addresses !== undefined) {
    const addresses = addressesBody(body.addresses, typeof body.email === 'string' ? body.email : user.email);
    changes.push((u) => (u.addresses = addresses));
  }
  if (body.acdAutoAnswer !== undefined) {
    if (typeof body.acdAutoAnswer !== 'boolean') throw invalidValue('acdAutoAnswer', 'acdAutoAnswer must be true or false.');
    const value = body.acdAutoAnswer;
    changes.push((u) => (u.acdAutoAnswer = value));
  }
  for (const field of ['profileSkills', 'certifications'] as const) {
    if (body[field] === undefined) continue;
    const list = array(body[field] ?? [], `a list in ${field}`);
    if (!list.every((x) => typeof x === 'string')) throw invalidValue(field, `${field} must be a list of strings.`);
    changes.push((u) => (u[field] = [...new Set(list as string[])]));
  }
  if (body.employerInfo !== undefined) {
    const info = employerInfoBody(body.employerInfo);
    changes.push((u) => (u.employerInfo = info));
  }
  if (body.locations !== undefined) {
    const { ids, notes } = locationsBody(ctx, body.locations);
    changes.push((u) => {
      u.locationIds = ids;
      u.locationNotes = Object.keys(notes).length > 0 ? notes : undefined;
    });
  }
  const updated = org.updateUser(id, (u) => changes.forEach((c) => c(u)));
  return ok(renderUser(org, updated, new Set()) satisfies Models.User);
}

function deleteUser(ctx: Ctx): Answer {
  const id = ctx.params[0] as string;
  liveUser(ctx.org, id);
  ctx.org.updateUser(id, (u) => {
    u.state = 'deleted';
    u.dateDeleted = stamp(ctx.org);
  });
  return ok({});
}

// ---- search ----------------------------------------------------------------------------------

const SEARCH_FIELDS: Record<string, (u: UserRec) => string[]> = {
  id: (u) => [u.id],
  email: (u) => [u.email],
  state: (u) => [u.state],
  name: (u) => [u.name],
  title: (u) => (u.title ? [u.title] : []),
  department: (u) => (u.department ? [u.department] : []),
  username: (u) => [u.email],
  'division.id': (u) => [u.divisionId],
  divisionId: (u) => [u.divisionId],
  'manager.id': (u) => (u.managerId ? [u.managerId] : []),
  'addresses.address': (u) => u.addresses.map((a) => a.address ?? '').filter((a) => a !== ''),
};

/** The last few searches' matches, reused by the following pages of the same query while the org is unchanged. */
const recentSearches = new WeakMap<SandboxOrg, Array<{ key: string; found: UserRec[] }>>();

function searchMatches(org: SandboxOrg, candidates: UserRec[], criteria: Criterion[], match: () => UserRec[]): UserRec[] {
  // Only a search of the whole, settled index is reused: one waiting out a search lag depends on the clock.
  if (candidates !== org.listUsers('any')) return match();
  const key = `${org.revision}|${JSON.stringify(criteria)}`;
  const recent = recentSearches.get(org) ?? [];
  const hit = recent.find((r) => r.key === key);
  if (hit) return hit.found;
  const found = match();
  recentSearches.set(org, [{ key, found }, ...recent.filter((r) => r.key.startsWith(`${org.revision}|`)).slice(0, 7)]);
  return found;
}

/**
 * The expands `/users/search` takes: the developer docs' "Resource search" page lists these alone
 * for users (skills, languages, groups, locations and the rest are refused here, as a strict API would).
 */
const SEARCH_EXPANDS = new Set(['authorization', 'conversationSummary', 'geolocation', 'outOfOffice', 'presence', 'routingStatus', 'station']);

function postUsersSearch(ctx: Ctx): Answer {
  const { org } = ctx;
  const body = object(ctx.body, 'a search request') as Record<string, unknown> & { query?: Criterion[]; expand?: string[] };
  const criteria = body.query === undefined ? [] : (array(body.query, 'a list of criteria') as Criterion[]);
  const matchers = criteria.map((c) => criterionMatcher(c, SEARCH_FIELDS));
  // Without a criterion on state, search leaves deleted users out, as Genesys does.
  const withDeleted = mentionsState(criteria);
  // An exact email criterion narrows the scan to the email index (the answer is the same, only faster).
  const byEmail = criteria.find((c) => (c.type ?? '').toUpperCase() === 'EXACT' && !c.group && (c.fields ?? (c.field ? [c.field] : [])).every((f) => f === 'email'));
  const emails = byEmail ? (byEmail.values ?? (byEmail.value !== undefined ? [byEmail.value] : [])).map(String) : undefined;
  const candidates = (emails && org.searchByEmails(emails)) ?? org.searchView();
  const found = visibleUsers(ctx, searchMatches(org, candidates, criteria, () => candidates.filter((u) => (withDeleted || u.state !== 'deleted') && matchers.every((m) => m(u)))));
  const requested = parseExpand(Array.isArray(body.expand) ? (body.expand as string[]) : []);
  const refused = [...requested].filter((e) => !SEARCH_EXPANDS.has(e));
  if (refused.length > 0) throw invalidValue('expand', `Invalid expand value(s) for a user search: ${refused.join(', ')}. Valid values: ${[...SEARCH_EXPANDS].join(', ')}.`);
  const page = searchPage(found, body);
  const expand = servedExpansions(ctx, requested);
  const out: Models.UsersSearchResponse = { ...page, types: ['users'], results: page.results.map((u) => renderUser(org, u, expand)) };
  return ok(out);
}

// ---- routing skills and languages on users ---------------------------------------------------

function levelsBody(ctx: Ctx, coll: { get(id: string): NamedRec | undefined }, kind: string, whole = false): Map<string, number> {
  const list = array(ctx.body, `a list of ${kind}s`);
  if (list.length > 50) throw tooMany(`${kind}s`, 50);
  const out = new Map<string, number>();
  list.forEach((raw, i) => {
    const item = object(raw, `a ${kind}`) as { id?: unknown; proficiency?: unknown };
    if (typeof item.id !== 'string' || !coll.get(item.id)) throw invalidValue(`[${i}].id`, `The ${kind} ${String(item.id)} does not exist.`);
    const p = item.proficiency;
    if (typeof p !== 'number' || p < 0 || p > 5) throw invalidValue(`[${i}].proficiency`, 'proficiency must be from 0 to 5.');
    // Terraform types language proficiency as an integer 0–5 ("The API accepts a float, but the backend
    // rounds to the nearest int", user schema): the sandbox refuses the fraction rather than round it.
    if (whole && !Number.isInteger(p)) throw invalidValue(`[${i}].proficiency`, 'A language proficiency must be a whole number from 0 to 5.');
    out.set(item.id, p);
  });
  return out;
}

function userSkills(ctx: Ctx): Answer {
  const user = liveUser(ctx.org, ctx.params[0] as string);
  const body: Models.UserSkillEntityListing = listing(renderUserSkills(ctx.org, user), paging(ctx.query, 100), ctx.path, ctx.query);
  return ok(body);
}

function putSkills(replace: boolean): Handler {
  return (ctx) => {
    const user = liveUser(ctx.org, ctx.params[0] as string);
    const levels = levelsBody(ctx, ctx.org.skills, 'skill');
    ctx.org.updateUser(user.id, (u) => {
      if (replace) u.skills = levels;
      else for (const [id, p] of levels) u.skills.set(id, p);
    }, { bumpVersion: false });
    const skills = renderUserSkills(ctx.org, user);
    const body: Models.UserSkillEntityListing = { entities: skills, pageSize: skills.length, pageNumber: 1, total: skills.length, pageCount: 1 };
    return ok(body);
  };
}

function deleteSkill(ctx: Ctx): Answer {
  const user = liveUser(ctx.org, ctx.params[0] as string);
  ctx.org.updateUser(user.id, (u) => u.skills.delete(ctx.params[1] as string), { bumpVersion: false });
  return noContent();
}

function userLanguages(ctx: Ctx): Answer {
  const user = liveUser(ctx.org, ctx.params[0] as string);
  const body: Models.UserLanguageEntityListing = listing(renderUserLanguages(ctx.org, user), paging(ctx.query, 100), ctx.path, ctx.query);
  return ok(body);
}

function patchLanguages(ctx: Ctx): Answer {
  const user = liveUser(ctx.org, ctx.params[0] as string);
  const levels = levelsBody(ctx, ctx.org.languages, 'language', true);
  ctx.org.updateUser(user.id, (u) => {
    for (const [id, p] of levels) u.languages.set(id, p);
  }, { bumpVersion: false });
  const languages = renderUserLanguages(ctx.org, user);
  const body: Models.UserLanguageEntityListing = { entities: languages, pageSize: languages.length, pageNumber: 1, total: languages.length, pageCount: 1 };
  return ok(body);
}

function deleteLanguage(ctx: Ctx): Answer {
  const user = liveUser(ctx.org, ctx.params[0] as string);
  ctx.org.updateUser(user.id, (u) => u.languages.delete(ctx.params[1] as string), { bumpVersion: false });
  return noContent();
}

/** `GET /api/v2/users/{id}/profileskills` (UsersApi getUserProfileskills): the user's profile skills, a list of strings. */
function userProfileSkills(ctx: Ctx): Answer {
  const user = liveUser(ctx.org, ctx.params[0] as string);
  return ok([...(user.profileSkills ?? [])]);
}

// ---- roles -----------------------------------------------------------------------------------

function getUserRoles(ctx: Ctx): Answer {
  const user = liveUser(ctx.org, ctx.params[0] as string);
  return ok(renderAuthorization(ctx.org, user) satisfies Models.UserAuthorization);
}

function putUserRoles(ctx: Ctx): Answer {
  const { org } = ctx;
  const user = liveUser(org, ctx.params[0] as string);
  const ids = array(ctx.body, 'a list of role ids');
  for (const id of ids) if (typeof id !== 'string' || !org.roles.get(id)) throw invalidValue('roleIds', `Role ${String(id)} does not exist.`);
  const home = org.homeDivision().id;
  org.updateUser(user.id, (u) => (u.grants = [...new Set(ids as string[])].map((roleId) => ({ roleId, divisionId: home }))), { bumpVersion: false });
  return ok(renderAuthorization(org, user) satisfies Models.UserAuthorization);
}

// ---- queues ----------------------------------------------------------------------------------

function getUserQueues(ctx: Ctx): Answer {
  const { org } = ctx;
  const user = liveUser(org, ctx.params[0] as string);
  const queues = org.queues.sorted().filter((q) => q.members.has(user.id));
  const list = listing(queues, paging(ctx.query, MAX_LIST), ctx.path, ctx.query);
  const body: Models.UserQueueEntityListing = { ...list, entities: list.entities.map((q) => ({ ...renderQueue(org, q), joined: true })) };
  return ok(body);
}

/** Users per `PATCH /users/bulk`: "Max 50 users can be updated at a time" (UsersApi.md, `patchUsersBulk`). */
export const AUTO_ANSWER_LIMIT = 50;

/**
 * PATCH /users/bulk (`patchUsersBulk`, "Update bulk acd autoanswer on users"): a list of PatchUser, whose only members
 * are `id` and `acdAutoAnswer`, at most 50, answered with the users (UserEntityListing). The body has no version. The
 * docs name no errors: the sandbox checks every entry before changing any user (another member, a value that is not
 * a boolean or a user named twice is a 400; a user that does not exist or is deleted a 404), and bumps each user's
 * version, as any change of a user does.
 */
function patchUsersBulk(ctx: Ctx): Answer {
  const { org } = ctx;
  const entries = array(ctx.body, 'a list of users ({ id, acdAutoAnswer })');
  if (entries.length > AUTO_ANSWER_LIMIT) throw tooMany('users', AUTO_ANSWER_LIMIT);
  const seen = new Set<string>();
  const changes = entries.map((entry) => {
    const e = object(entry, 'a user ({ id, acdAutoAnswer })') as Record<string, unknown>;
    const other = Object.keys(e).find((k) => k !== 'id' && k !== 'acdAutoAnswer');
    if (other !== undefined) throw invalidValue(other, `A PatchUser has the members id and acdAutoAnswer only, not ${other}.`);
    const id = str(e.id, 'id', true) as string;
    if (typeof e.acdAutoAnswer !== 'boolean') throw invalidValue('acdAutoAnswer', 'acdAutoAnswer must be true or false.');
    if (seen.has(id)) throw invalidValue('id', `The user ${id} is named twice.`);
    seen.add(id);
    return { user: liveUser(org, id), value: e.acdAutoAnswer };
  });
  const updated = changes.map(({ user, value }) => org.updateUser(user.id, (u) => (u.acdAutoAnswer = value)));
  const body: Models.UserEntityListing = { entities: updated.map((u) => renderUser(org, u, new Set())), pageSize: updated.length, pageNumber: 1, total: updated.length, pageCount: 1 };
  return ok(body);
}

export const usersEndpoints: Endpoint[] = [
  ['GET', '/api/v2/users', getUsers],
  ['POST', '/api/v2/users', postUsers],
  ['POST', '/api/v2/users/search', postUsersSearch],
  // Before /users/{id}: the first route whose template matches answers.
  ['PATCH', '/api/v2/users/bulk', patchUsersBulk],
  ['GET', '/api/v2/users/{id}', getUser],
  ['PATCH', '/api/v2/users/{id}', patchUser],
  ['DELETE', '/api/v2/users/{id}', deleteUser],
  ['GET', '/api/v2/users/{id}/routingskills', userSkills],
  ['PUT', '/api/v2/users/{id}/routingskills/bulk', putSkills(true)],
  ['PATCH', '/api/v2/users/{id}/routingskills/bulk', putSkills(false)],
  ['DELETE', '/api/v2/users/{id}/routingskills/{skillId}', deleteSkill],
  ['GET', '/api/v2/users/{id}/routinglanguages', userLanguages],
  ['PATCH', '/api/v2/users/{id}/routinglanguages/bulk', patchLanguages],
  ['DELETE', '/api/v2/users/{id}/routinglanguages/{languageId}', deleteLanguage],
  ['GET', '/api/v2/users/{id}/profileskills', userProfileSkills],
  ['GET', '/api/v2/users/{id}/roles', getUserRoles],
  ['PUT', '/api/v2/users/{id}/roles', putUserRoles],
  ['GET', '/api/v2/users/{id}/queues', getUserQueues],
];
