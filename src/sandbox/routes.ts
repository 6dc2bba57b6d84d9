// The API's endpoints: each handler takes the parsed request and the org, and returns a status and a body.
import type { Models } from 'purecloud-platform-client-v2';
import { HttpError, badRequest, invalidValue, nameConflict, notFound, tooMany, versionConflict } from './errors.js';
import { freshId } from './ids.js';
import type { DivisionRec, GrantRec, NamedRec, SandboxOrg, UserRec, UserState } from './org.js';
import {
  listing,
  liveMembers,
  nameFilter,
  paging,
  parseExpand,
  queryList,
  renderAuthorization,
  renderDivision,
  renderGroup,
  renderLocation,
  renderQueue,
  renderRole,
  renderUser,
  renderUserLanguages,
  renderUserSkills,
  rawListing,
  userJson,
} from './render.js';

export interface Ctx {
  org: SandboxOrg;
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
  /** The body as JSON text already (large listings, serialised from cached parts). */
  raw?: string;
}

type Handler = (ctx: Ctx) => Answer;

const MAX_LIST = 500;
const ok = (body: unknown): Answer => ({ status: 200, body });
const noContent = (): Answer => ({ status: 204 });
const accepted = (): Answer => ({ status: 202, body: {} });
const stamp = (org: SandboxOrg) => new Date(org.now()).toISOString();

function object(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`The request body must be ${what}.`);
  return body as Record<string, unknown>;
}

function array(body: unknown, what: string): unknown[] {
  if (!Array.isArray(body)) throw badRequest(`The request body must be ${what}.`);
  return body;
}

function str(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw invalidValue(field, `${field} is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidValue(field, `${field} must be a string.`);
  if (required && value.trim() === '') throw invalidValue(field, `${field} may not be empty.`);
  return value;
}

/** A user that exists and is not deleted (Genesys hides deleted users unless asked for them). */
function liveUser(org: SandboxOrg, id: string): UserRec {
  const user = org.getUser(id);
  if (!user || user.state === 'deleted') throw notFound('user', id);
  return user;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_TYPES = new Set(['WORK', 'WORK2', 'WORK3', 'WORK4', 'HOME', 'MOBILE', 'OTHER', 'PRIMARY']);

function contacts(value: unknown): Models.Contact[] {
  const list = array(value, 'a list of addresses');
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const c = object(raw, 'an address') as Models.Contact;
    const mediaType = c.mediaType ?? 'PHONE';
    const type = c.type ?? 'WORK';
    if (!['PHONE', 'SMS', 'EMAIL'].includes(mediaType)) throw invalidValue(`addresses[${i}].mediaType`, `Unknown mediaType ${mediaType}.`);
    if (!PHONE_TYPES.has(type)) throw invalidValue(`addresses[${i}].type`, `Unknown address type ${type}.`);
    const key = `${mediaType}/${type}`;
    if (seen.has(key)) throw invalidValue('addresses', `Only one ${mediaType} address of type ${type} is allowed.`);
    seen.add(key);
    if (mediaType !== 'EMAIL' && c.address && !/^\+[1-9]\d{6,14}$/.test(c.address)) throw invalidValue(`addresses[${i}].address`, `Phone number ${c.address} is not in E.164 form.`);
    const out: Models.Contact = { mediaType, type };
    if (c.address) out.address = c.address;
    if (c.extension) out.extension = String(c.extension);
    out.display = c.address ? (c.extension ? `${c.address};ext=${c.extension}` : c.address) : (out.extension ?? '');
    return out;
  });
}

// ---- users -----------------------------------------------------------------------------------

const STATES = new Set(['active', 'inactive', 'deleted', 'any']);

function getUsers(ctx: Ctx): Answer {
  const { org, query } = ctx;
  const page = paging(query, MAX_LIST);
  const state = (query.get('state') ?? 'active') as UserState | 'any';
  if (!STATES.has(state)) throw invalidValue('state', `state must be one of active, inactive, deleted, any.`);
  const sortOrder = (query.get('sortOrder') ?? 'ASC').toUpperCase();
  if (sortOrder !== 'ASC' && sortOrder !== 'DESC') throw invalidValue('sortOrder', 'sortOrder must be ASC or DESC.');
  const expand = parseExpand(queryList(query, 'expand'));
  const ids = queryList(query, 'id');
  let users: UserRec[];
  if (ids.length > 0) {
    if (ids.length > 100) throw tooMany('id', 100);
    const wanted = new Set(ids);
    users = org.listUsers(state).filter((u) => wanted.has(u.id));
  } else {
    users = org.listUsers(state);
  }
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
  const body: Models.User = renderUser(ctx.org, user, parseExpand(queryList(ctx.query, 'expand')));
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
    addresses: body.addresses === undefined ? [] : contacts(body.addresses),
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
    const addresses = body.addresses === null ? [] : contacts(body.addresses);
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
    const info = body.employerInfo === null ? undefined : (object(body.employerInfo, 'employer info') as Models.EmployerInfo);
    if (info?.dateHire !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(info.dateHire)) throw invalidValue('employerInfo.dateHire', 'dateHire must be a date, YYYY-MM-DD.');
    changes.push((u) => (u.employerInfo = info ? { ...info } : undefined));
  }
  if (body.locations !== undefined) {
    const ids = array(body.locations ?? [], 'a list of locations').map((raw, i) => {
      const l = object(raw, 'a location') as Models.Location;
      const lid = l.locationDefinition?.id ?? l.id;
      if (!lid || !org.locations.get(lid)) throw invalidValue(`locations[${i}]`, `Location ${lid ?? '(no id)'} does not exist.`);
      return lid;
    });
    changes.push((u) => (u.locationIds = [...new Set(ids)]));
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

interface Criterion {
  type?: string;
  fields?: string[];
  field?: string;
  value?: string;
  values?: string[];
  operator?: string;
  group?: Criterion[];
}

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

function criterionMatcher<T>(c: Criterion, fields: Record<string, (x: T) => string[]>): (x: T) => boolean {
  const type = (c.type ?? '').toUpperCase();
  if (c.group) {
    const parts = c.group.map((g) => criterionMatcher(g, fields));
    const or = (c.operator ?? 'AND').toUpperCase() === 'OR';
    return (x) => (or ? parts.some((p) => p(x)) : parts.every((p) => p(x)));
  }
  if (type === 'MATCH_ALL') return () => true;
  const names = c.fields ?? (c.field ? [c.field] : []);
  if (names.length === 0) throw invalidValue('query.fields', 'A search criterion needs fields.');
  const getters = names.map((n) => {
    const g = fields[n];
    if (!g) throw invalidValue('query.fields', `Cannot search on field ${n}.`);
    return g;
  });
  const values = (c.values ?? (c.value !== undefined ? [c.value] : [])).map((v) => String(v).toLowerCase());
  if (values.length === 0) throw invalidValue('query.value', 'A search criterion needs a value or values.');
  let test: (have: string, want: string) => boolean;
  if (type === 'EXACT' || type === 'TERM' || type === 'TERMS') test = (h, w) => h === w;
  else if (type === 'CONTAINS') test = (h, w) => h.includes(w);
  else if (type === 'STARTS_WITH') test = (h, w) => h.startsWith(w);
  else throw invalidValue('query.type', `Search type ${c.type ?? '(none)'} is not supported by the sandbox (use EXACT, CONTAINS, STARTS_WITH or MATCH_ALL).`);
  return (x) => getters.some((g) => g(x).some((have) => values.some((want) => test(have.toLowerCase(), want))));
}

function mentionsState(criteria: Criterion[]): boolean {
  return criteria.some((c) => (c.fields ?? (c.field ? [c.field] : [])).includes('state') || (c.group ? mentionsState(c.group) : false));
}

function searchPage<T>(items: T[], body: Record<string, unknown>) {
  const pageSize = body.pageSize === undefined ? 25 : Number(body.pageSize);
  const pageNumber = body.pageNumber === undefined ? 1 : Number(body.pageNumber);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw invalidValue('pageSize', 'pageSize must be from 1 to 100.');
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw invalidValue('pageNumber', 'pageNumber must be a whole number from 1.');
  const total = items.length;
  const pageCount = Math.ceil(total / pageSize);
  return { total, pageCount, pageSize, pageNumber, results: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize) };
}

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
  const found = candidates.filter((u) => (withDeleted || u.state !== 'deleted') && matchers.every((m) => m(u)));
  const page = searchPage(found, body);
  const expand = parseExpand(Array.isArray(body.expand) ? (body.expand as string[]) : []);
  const out: Models.UsersSearchResponse = { ...page, types: ['users'], results: page.results.map((u) => renderUser(org, u, expand)) };
  return ok(out);
}

// ---- routing skills and languages on users ---------------------------------------------------

function levelsBody(ctx: Ctx, coll: { get(id: string): NamedRec | undefined }, kind: string): Map<string, number> {
  const list = array(ctx.body, `a list of ${kind}s`);
  if (list.length > 50) throw tooMany(`${kind}s`, 50);
  const out = new Map<string, number>();
  list.forEach((raw, i) => {
    const item = object(raw, `a ${kind}`) as { id?: unknown; proficiency?: unknown };
    if (typeof item.id !== 'string' || !coll.get(item.id)) throw invalidValue(`[${i}].id`, `The ${kind} ${String(item.id)} does not exist.`);
    const p = item.proficiency;
    if (typeof p !== 'number' || p < 0 || p > 5) throw invalidValue(`[${i}].proficiency`, 'proficiency must be from 0 to 5.');
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
  const levels = levelsBody(ctx, ctx.org.languages, 'language');
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

function grantsBody(ctx: Ctx): GrantRec[] {
  const { org } = ctx;
  const subjectType = ctx.query.get('subjectType') ?? 'PC_USER';
  if (subjectType !== 'PC_USER') throw invalidValue('subjectType', `The sandbox supports subjectType PC_USER only, not ${subjectType}.`);
  const body = object(ctx.body, 'role division grants') as { grants?: unknown };
  const list = array(body.grants, 'a list in grants');
  return list.map((raw, i) => {
    const g = object(raw, 'a grant') as Partial<Models.RoleDivisionPair>;
    if (typeof g.roleId !== 'string' || !org.roles.get(g.roleId)) throw invalidValue(`grants[${i}].roleId`, `Role ${String(g.roleId)} does not exist.`);
    if (typeof g.divisionId !== 'string' || (g.divisionId !== '*' && !org.divisions.get(g.divisionId))) throw invalidValue(`grants[${i}].divisionId`, `Division ${String(g.divisionId)} does not exist.`);
    return { roleId: g.roleId, divisionId: g.divisionId };
  });
}

const sameGrant = (a: GrantRec, b: GrantRec) => a.roleId === b.roleId && a.divisionId === b.divisionId;

function subjectGrants(mode: 'replace' | 'add' | 'remove'): Handler {
  return (ctx) => {
    const user = liveUser(ctx.org, ctx.params[0] as string);
    const grants = grantsBody(ctx);
    ctx.org.updateUser(user.id, (u) => {
      if (mode === 'replace') u.grants = grants.filter((g, i) => grants.findIndex((h) => sameGrant(g, h)) === i);
      else if (mode === 'add') for (const g of grants) { if (!u.grants.some((h) => sameGrant(g, h))) u.grants.push(g); }
      else u.grants = u.grants.filter((h) => !grants.some((g) => sameGrant(g, h)));
    }, { bumpVersion: false });
    return noContent();
  };
}

function getSubject(ctx: Ctx): Answer {
  const { org } = ctx;
  const user = liveUser(org, ctx.params[0] as string);
  const body: Models.AuthzSubject = {
    id: user.id,
    name: user.name,
    grants: user.grants.map((g) => {
      const role = org.roles.get(g.roleId);
      const division = org.divisions.get(g.divisionId);
      return {
        subjectId: user.id,
        division: division ? renderDivision(org, division) : { id: g.divisionId, name: 'All divisions', description: '' },
        role: { id: g.roleId, name: role?.name, description: role?.description ?? '', default: false },
        grantMadeAt: user.dateModified,
      };
    }),
    version: 1,
    selfUri: `/api/v2/authorization/subjects/${user.id}`,
  };
  return ok(body);
}

// ---- divisions -------------------------------------------------------------------------------

/** Each org's last division grant listing, at one revision: its pages are read one after the other. */
const grantsCache = new WeakMap<SandboxOrg, { revision: number; divisionId: string; grants: Models.AuthzGrant[] }>();

/** Every grant made in one division, users sorted by id; grants in all divisions (`*`) appear in every listing. */
function divisionGrants(ctx: Ctx): Answer {
  const { org } = ctx;
  const divisionId = ctx.params[0] as string;
  const division = org.divisions.get(divisionId);
  if (!division) throw notFound('division', divisionId);
  const last = grantsCache.get(org);
  const found = last?.revision === org.revision && last.divisionId === divisionId ? last.grants : divisionGrantList(org, division);
  grantsCache.set(org, { revision: org.revision, divisionId, grants: found });
  const list = listing(found, paging(ctx.query, 100), ctx.path, ctx.query);
  const body: Models.AuthzDivisionGrantEntityListing = { entities: list.entities, pageSize: list.pageSize, pageNumber: list.pageNumber, total: list.total, pageCount: list.pageCount };
  return ok(body);
}

function divisionGrantList(org: SandboxOrg, division: DivisionRec): Models.AuthzGrant[] {
  const divisionId = division.id;
  const found: Models.AuthzGrant[] = [];
  const users = org.listUsers('any').filter((u) => u.state !== 'deleted').sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const user of users) {
    for (const g of user.grants) {
      if (g.divisionId !== divisionId && g.divisionId !== '*') continue;
      const role = org.roles.get(g.roleId);
      found.push({
        subjectId: user.id,
        division: g.divisionId === '*' ? { id: '*', name: 'All divisions', description: '' } : renderDivision(org, division),
        role: { id: g.roleId, name: role?.name, description: role?.description ?? '', default: false },
        grantMadeAt: user.dateModified,
      });
    }
  }
  return found;
}


function moveObjects(ctx: Ctx): Answer {
  const { org } = ctx;
  const divisionId = ctx.params[0] as string;
  const type = (ctx.params[1] as string).toUpperCase();
  if (!org.divisions.get(divisionId)) throw notFound('division', divisionId);
  const ids = array(ctx.body, 'a list of object ids');
  if (ids.length > 50) throw tooMany('objectIds', 50);
  if (type === 'USER') {
    const users = ids.map((id) => liveUser(org, String(id)));
    for (const u of users) if (u.divisionId !== divisionId) org.updateUser(u.id, (x) => (x.divisionId = divisionId));
    return noContent();
  }
  if (type === 'QUEUE') {
    const queues = ids.map((id) => org.queues.get(String(id)) ?? (() => { throw notFound('queue', String(id)); })());
    for (const q of queues) q.divisionId = divisionId;
    org.changed();
    return noContent();
  }
  throw invalidValue('objectType', `The sandbox moves USER and QUEUE objects, not ${type}.`);
}

// ---- groups ----------------------------------------------------------------------------------

function group(ctx: Ctx) {
  const g = ctx.org.groups.get(ctx.params[0] as string);
  if (!g) throw notFound('group', ctx.params[0]);
  return g;
}

function addGroupMembers(ctx: Ctx): Answer {
  const { org } = ctx;
  const g = group(ctx);
  const body = object(ctx.body, 'a members update') as Partial<Models.GroupMembersUpdate>;
  const ids = array(body.memberIds, 'a list in memberIds');
  if (ids.length > 50) throw tooMany('memberIds', 50);
  if (body.version === undefined || body.version === null) throw invalidValue('version', 'version is required: send the group\'s current version.');
  if (body.version !== g.version) throw versionConflict(g.version, Number(body.version));
  for (const id of ids) liveUser(org, String(id));
  for (const id of ids) g.members.add(String(id));
  g.version += 1;
  g.dateModified = stamp(org);
  org.changed();
  return accepted();
}

function removeGroupMembers(ctx: Ctx): Answer {
  const { org } = ctx;
  const g = group(ctx);
  const ids = queryList(ctx.query, 'ids');
  if (ids.length === 0) throw invalidValue('ids', 'ids is required.');
  if (ids.length > 50) throw tooMany('ids', 50);
  for (const id of ids) g.members.delete(id);
  g.version += 1;
  g.dateModified = stamp(org);
  org.changed();
  return accepted();
}

function groupMembers(ctx: Ctx): Answer {
  const g = group(ctx);
  const expand = parseExpand(queryList(ctx.query, 'expand'));
  const members = liveMembers(ctx.org, g.members).sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  const list = listing(members, paging(ctx.query, MAX_LIST), ctx.path, ctx.query);
  const body: Models.UserEntityListing = { ...list, entities: list.entities.map((u) => renderUser(ctx.org, u, expand)) };
  return ok(body);
}

function postGroup(ctx: Ctx): Answer {
  const { org } = ctx;
  const body = object(ctx.body, 'a group') as Partial<Models.GroupCreate>;
  const name = str(body.name, 'name', true) as string;
  if (org.groups.byExactName(name)) throw nameConflict('group', name);
  const type = body.type ?? 'official';
  if (type !== 'official' && type !== 'social') throw invalidValue('type', 'type must be official or social.');
  const g = org.groups.add({ id: freshId(), name, description: body.description, version: 1, type, visibility: body.visibility ?? 'public', members: new Set(), dateModified: stamp(org) });
  org.changed();
  return ok(renderGroup(org, g) satisfies Models.Group);
}

// ---- queues ----------------------------------------------------------------------------------

function queue(ctx: Ctx) {
  const q = ctx.org.queues.get(ctx.params[0] as string);
  if (!q) throw notFound('queue', ctx.params[0]);
  return q;
}

function queueMembers(ctx: Ctx): Answer {
  const { org } = ctx;
  const q = queue(ctx);
  const page = paging(ctx.query, 100);
  const members = liveMembers(org, q.members);
  const start = (page.pageNumber - 1) * page.pageSize;
  const entities = members.slice(start, start + page.pageSize).map((u): Models.QueueMember => ({
    id: u.id,
    name: u.name,
    user: renderUser(org, u, new Set()),
    ringNumber: 1,
    joined: true,
    memberBy: 'user',
    selfUri: `/api/v2/routing/queues/${q.id}/members/${u.id}`,
  }));
  const uri = (n: number) => {
    const qs = new URLSearchParams(ctx.query);
    qs.set('pageSize', String(page.pageSize));
    qs.set('pageNumber', String(n));
    return `${ctx.path}?${qs.toString()}`;
  };
  // Like Genesys, this listing has no total: a reader pages until nextUri is gone.
  const body: Models.QueueMemberEntityListing = {
    entities,
    pageNumber: page.pageNumber,
    pageSize: page.pageSize,
    firstUri: uri(1),
    selfUri: uri(page.pageNumber),
    ...(start + page.pageSize < members.length ? { nextUri: uri(page.pageNumber + 1) } : {}),
    ...(page.pageNumber > 1 ? { previousUri: uri(page.pageNumber - 1) } : {}),
  };
  return ok(body);
}

function postQueueMembers(ctx: Ctx): Answer {
  const { org } = ctx;
  const q = queue(ctx);
  const list = array(ctx.body, 'a list of members');
  if (list.length > 100) throw tooMany('members', 100);
  const ids = list.map((raw, i) => {
    const id = (object(raw, 'a member') as Models.WritableEntity).id;
    if (typeof id !== 'string') throw invalidValue(`[${i}].id`, 'Each member needs an id.');
    return id;
  });
  const remove = ctx.query.get('delete') === 'true';
  if (remove) for (const id of ids) q.members.delete(id);
  else {
    for (const id of ids) liveUser(org, id);
    for (const id of ids) q.members.add(id);
  }
  q.dateModified = stamp(org);
  org.changed();
  return noContent();
}

function postQueue(ctx: Ctx): Answer {
  const { org } = ctx;
  const body = object(ctx.body, 'a queue') as Partial<Models.CreateQueueRequest>;
  const name = str(body.name, 'name', true) as string;
  if (org.queues.byExactName(name)) throw nameConflict('queue', name);
  const divisionId = body.division?.id ?? org.homeDivision().id;
  if (!org.divisions.get(divisionId)) throw invalidValue('division', `Division ${divisionId} does not exist.`);
  const q = org.queues.add({ id: freshId(), name, description: body.description, divisionId, members: new Set(), dateModified: stamp(org) });
  org.changed();
  return ok(renderQueue(org, q) satisfies Models.Queue);
}

function getUserQueues(ctx: Ctx): Answer {
  const { org } = ctx;
  const user = liveUser(org, ctx.params[0] as string);
  const queues = org.queues.sorted().filter((q) => q.members.has(user.id));
  const list = listing(queues, paging(ctx.query, MAX_LIST), ctx.path, ctx.query);
  const body: Models.UserQueueEntityListing = { ...list, entities: list.entities.map((q) => ({ ...renderQueue(org, q), joined: true })) };
  return ok(body);
}

// ---- look-ups --------------------------------------------------------------------------------

function lookupList<T extends NamedRec, R>(items: (org: SandboxOrg) => T[], render: (org: SandboxOrg, x: T) => R, prefix = false): Handler {
  return (ctx) => {
    const match = nameFilter(ctx.query.get('name'), prefix);
    const ids = new Set(queryList(ctx.query, 'id'));
    const divisionIds = new Set(queryList(ctx.query, 'divisionId'));
    const found = items(ctx.org).filter((x) => match(x.name) && (ids.size === 0 || ids.has(x.id)) && (divisionIds.size === 0 || divisionIds.has((x as { divisionId?: string }).divisionId ?? '')));
    const list = listing(found, paging(ctx.query, MAX_LIST), ctx.path, ctx.query, (ctx.query.get('sortOrder') ?? '').toUpperCase() === 'DESC');
    return ok({ ...list, entities: list.entities.map((x) => render(ctx.org, x)) });
  };
}

function lookupGet<T extends NamedRec, R>(get: (org: SandboxOrg, id: string) => T | undefined, render: (org: SandboxOrg, x: T) => R, kind: string): Handler {
  return (ctx) => {
    const x = get(ctx.org, ctx.params[0] as string);
    if (!x) throw notFound(kind, ctx.params[0]);
    return ok(render(ctx.org, x));
  };
}

const renderSkill = (_org: SandboxOrg, s: NamedRec & { version: number }): Models.RoutingSkill => ({ id: s.id, name: s.name, dateModified: s.dateModified, state: 'active', version: String(s.version), selfUri: `/api/v2/routing/skills/${s.id}` });
const renderLanguage = (_org: SandboxOrg, s: NamedRec & { version: number }): Models.Language => ({ id: s.id, name: s.name, dateModified: s.dateModified, state: 'active', version: String(s.version), selfUri: `/api/v2/routing/languages/${s.id}` });

function createNamed(kind: 'skill' | 'language' | 'location' | 'division' | 'role'): Handler {
  return (ctx) => {
    const { org } = ctx;
    const body = object(ctx.body, `a ${kind}`) as { name?: unknown; description?: unknown; permissions?: unknown };
    const name = (str(body.name, 'name', true) as string).trim();
    const description = str(body.description, 'description', false);
    const base = { id: freshId(), name, description, dateModified: stamp(org) };
    let out: unknown;
    switch (kind) {
      case 'skill':
        if (org.skills.byExactName(name)) throw nameConflict(kind, name);
        out = renderSkill(org, org.skills.add({ ...base, version: 1 }));
        break;
      case 'language':
        if (org.languages.byExactName(name)) throw nameConflict(kind, name);
        out = renderLanguage(org, org.languages.add({ ...base, version: 1 }));
        break;
      case 'location':
        if (org.locations.byExactName(name)) throw nameConflict(kind, name);
        out = renderLocation(org.locations.add({ ...base, version: 1 }));
        break;
      case 'division':
        if (org.divisions.byExactName(name)) throw nameConflict(kind, name);
        out = renderDivision(org, org.divisions.add({ ...base, description: description ?? '', home: false }));
        break;
      case 'role': {
        if (org.roles.byExactName(name)) throw nameConflict(kind, name);
        const permissions = body.permissions === undefined ? [] : array(body.permissions, 'a list of permissions').map(String);
        out = renderRole(org, org.roles.add({ ...base, permissions }));
        break;
      }
    }
    org.changed();
    return ok(out);
  };
}

const LOCATION_FIELDS: Record<string, (l: NamedRec) => string[]> = { id: (l) => [l.id], name: (l) => [l.name] };
const GROUP_FIELDS: Record<string, (g: NamedRec) => string[]> = { id: (g) => [g.id], name: (g) => [g.name] };

function namedSearch<T extends NamedRec, R>(items: (org: SandboxOrg) => T[], fields: Record<string, (x: T) => string[]>, render: (org: SandboxOrg, x: T) => R, type: string): Handler {
  return (ctx) => {
    const body = object(ctx.body, 'a search request') as Record<string, unknown> & { query?: Criterion[] };
    const criteria = body.query === undefined ? [] : (array(body.query, 'a list of criteria') as Criterion[]);
    const matchers = criteria.map((c) => criterionMatcher(c, fields));
    const page = searchPage(items(ctx.org).filter((x) => matchers.every((m) => m(x))), body);
    return ok({ ...page, types: [type], results: page.results.map((x) => render(ctx.org, x)) });
  };
}

function organization(ctx: Ctx): Answer {
  const { org } = ctx;
  const body: Models.Organization = { id: org.id, name: org.name, domain: org.domain, defaultLanguage: 'en', defaultCountryCode: 'US', version: org.version, state: 'active', thirdPartyOrgName: org.domain, selfUri: `/api/v2/organizations/${org.id}` };
  return ok(body);
}

// ---- the route table -------------------------------------------------------------------------

interface Route {
  method: string;
  pattern: RegExp;
  template: string;
  handler: Handler;
}

const routes: Route[] = [];

function route(method: string, template: string, handler: Handler): void {
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
  routes.push({ method, pattern, template, handler });
}

route('GET', '/api/v2/organizations/me', organization);
route('GET', '/api/v2/users', getUsers);
route('POST', '/api/v2/users', postUsers);
route('POST', '/api/v2/users/search', postUsersSearch);
route('GET', '/api/v2/users/{id}', getUser);
route('PATCH', '/api/v2/users/{id}', patchUser);
route('DELETE', '/api/v2/users/{id}', deleteUser);
route('GET', '/api/v2/users/{id}/routingskills', userSkills);
route('PUT', '/api/v2/users/{id}/routingskills/bulk', putSkills(true));
route('PATCH', '/api/v2/users/{id}/routingskills/bulk', putSkills(false));
route('DELETE', '/api/v2/users/{id}/routingskills/{skillId}', deleteSkill);
route('GET', '/api/v2/users/{id}/routinglanguages', userLanguages);
route('PATCH', '/api/v2/users/{id}/routinglanguages/bulk', patchLanguages);
route('DELETE', '/api/v2/users/{id}/routinglanguages/{languageId}', deleteLanguage);
route('GET', '/api/v2/users/{id}/roles', getUserRoles);
route('PUT', '/api/v2/users/{id}/roles', putUserRoles);
route('GET', '/api/v2/users/{id}/queues', getUserQueues);
route('GET', '/api/v2/authorization/subjects/{id}', getSubject);
route('POST', '/api/v2/authorization/subjects/{id}/bulkreplace', subjectGrants('replace'));
route('POST', '/api/v2/authorization/subjects/{id}/bulkadd', subjectGrants('add'));
route('POST', '/api/v2/authorization/subjects/{id}/bulkremove', subjectGrants('remove'));
route('GET', '/api/v2/authorization/divisions', lookupList((org) => org.divisions.sorted(), renderDivision));
route('GET', '/api/v2/authorization/divisions/home', (ctx) => ok(renderDivision(ctx.org, ctx.org.homeDivision()) satisfies Models.AuthzDivision));
route('GET', '/api/v2/authorization/divisions/{id}', lookupGet((org, id) => org.divisions.get(id), renderDivision, 'division'));
route('POST', '/api/v2/authorization/divisions', createNamed('division'));
route('POST', '/api/v2/authorization/divisions/{id}/objects/{type}', moveObjects);
route('GET', '/api/v2/authorization/divisions/{id}/grants', divisionGrants);
route('GET', '/api/v2/authorization/roles', lookupList((org) => org.roles.sorted(), renderRole));
route('GET', '/api/v2/authorization/roles/{id}', lookupGet((org, id) => org.roles.get(id), renderRole, 'role'));
route('POST', '/api/v2/authorization/roles', createNamed('role'));
route('GET', '/api/v2/routing/skills', lookupList((org) => org.skills.sorted(), renderSkill, true));
route('GET', '/api/v2/routing/skills/{id}', lookupGet((org, id) => org.skills.get(id), renderSkill, 'skill'));
route('POST', '/api/v2/routing/skills', createNamed('skill'));
route('GET', '/api/v2/routing/languages', lookupList((org) => org.languages.sorted(), renderLanguage));
route('GET', '/api/v2/routing/languages/{id}', lookupGet((org, id) => org.languages.get(id), renderLanguage, 'language'));
route('POST', '/api/v2/routing/languages', createNamed('language'));
route('GET', '/api/v2/routing/queues', lookupList((org) => org.queues.sorted(), renderQueue));
route('GET', '/api/v2/routing/queues/{id}', lookupGet((org, id) => org.queues.get(id), renderQueue, 'queue'));
route('POST', '/api/v2/routing/queues', postQueue);
route('GET', '/api/v2/routing/queues/{id}/members', queueMembers);
route('POST', '/api/v2/routing/queues/{id}/members', postQueueMembers);
route('GET', '/api/v2/groups', lookupList((org) => org.groups.sorted(), renderGroup));
route('POST', '/api/v2/groups', postGroup);
route('POST', '/api/v2/groups/search', namedSearch((org) => org.groups.sorted(), GROUP_FIELDS, renderGroup, 'groups'));
route('GET', '/api/v2/groups/{id}', lookupGet((org, id) => org.groups.get(id), renderGroup, 'group'));
route('GET', '/api/v2/groups/{id}/members', groupMembers);
route('POST', '/api/v2/groups/{id}/members', addGroupMembers);
route('DELETE', '/api/v2/groups/{id}/members', removeGroupMembers);
route('GET', '/api/v2/locations', lookupList((org) => org.locations.sorted(), (_o, l) => renderLocation(l)));
route('GET', '/api/v2/locations/{id}', lookupGet((org, id) => org.locations.get(id), (_o, l) => renderLocation(l), 'location'));
route('POST', '/api/v2/locations', createNamed('location'));
route('POST', '/api/v2/locations/search', namedSearch((org) => org.locations.sorted(), LOCATION_FIELDS, (_o, l) => renderLocation(l), 'locations'));


/** The handler for a request and its path parameters; a 404 or 405 error when there is none. */
export function findRoute(method: string, path: string): { handler: Handler; params: string[]; template: string } {
  let pathKnown = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathKnown = true;
    if (r.method !== method) continue;
    return { handler: r.handler, params: m.slice(1).map((p) => decodeURIComponent(p)), template: r.template };
  }
  if (pathKnown) throw new HttpError(405, 'method.not.allowed', `${method} is not allowed on ${path}.`, { method });
  throw new HttpError(404, 'not.found', `No API endpoint ${method} ${path} in the sandbox.`, { path });
}
