// Reads the org in few calls: look-ups once each, active users 500 a page with expands, then only what the request needs.
import type platformClient from 'purecloud-platform-client-v2';
import type { Issue } from '../model/issue.js';
import type { ExpandedField, ExtensionRange, InheritedGrant, Named, OrgLookups, OrgReader, OrgRoleGrant, OrgState, OrgTarget, OrgUser, ReadRequest } from '../model/org.js';
import { ApiError, ProvisionError } from '../model/errors.js';
import { compareClaims, normalEmail } from '../rules/identity.js';
import { foldName } from '../rules/names.js';
import { guarded, type Apis } from './apis.js';
import type { Redactor } from './errors.js';
import { callScope } from './http.js';
import { EXPAND, EXPAND_OF, fillUnknown, interner, isUnknown, levelsOf, markKnown, needsRegion, orgUserOf, orgUtilizationOf, phoneInRegion, voicemailPolicyOf, type Intern } from './normalize.js';
import { normalMediaMap } from '../rules/utilization.js';
import { allPages, limiter } from './paging.js';
import { readWebrtcPhones, STATION_EXPAND } from './phones.js';

/**
 * Page sizes per listing: the largest each accepts. The SDK docs give a maximum for queue members
 * ("Max value is 100") and division grants ("Maximum page size is 500"); Genesys's Terraform provider
 * reads users, skills, queues and groups 500 a page and languages, roles, divisions and locations 100 a
 * page (its `*_proxy.go` files), and the sandbox holds each listing to that.
 */
export const PAGE_SIZE = {
  users: 500,
  skills: 500,
  queues: 500,
  groups: 500,
  languages: 100,
  roles: 100,
  divisions: 100,
  locations: 100,
  queueMembers: 100,
  search: 100,
  divisionGrants: 500,
} as const;

/** Emails per search request (`values` of one EXACT criterion). */
export const SEARCH_BATCH = 100;

/**
 * Ids per `GET /api/v2/users?id=…` read. The SDK docs give no maximum for `id` ("A list of user IDs
 * to fetch by bulk"); 100 ids keep the URL short, and the sandbox refuses more.
 */
export const ID_BATCH = 100;

/**
 * How far a listing of inactive users reaches: Genesys answers 400 beyond the first 10,000 results
 * (Terraform genesyscloud/user/genesyscloud_user_proxy.go, "DEVTOOLING-862"). Search pages are held
 * to the same window.
 */
export const LISTING_WINDOW = 10_000;

type Run = <T>(task: () => Promise<T>) => Promise<T>;

type PerUserField = 'utilization' | 'voicemail';
const PER_USER_FIELDS: readonly PerUserField[] = ['utilization', 'voicemail'];

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Requests in flight at once during a read; the pacer decides the rate. */
const READ_CONCURRENCY = 6;

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Numbers Genesys answered in national display form (an extension's line: the number only in
 * `display`) read with the org's default country, as Terraform reads numbers from the API.
 */
function readNumbersIn(users: Iterable<OrgUser>, region: string | undefined): void {
  if (!region) return;
  for (const user of users) if (needsRegion(user)) user.phones = user.phones.map((p) => phoneInRegion(p, region));
}

/**
 * A page with its entities converted as soon as it arrives: the SDK's objects (users with their expansions,
 * queue members each carrying a whole user) are many times larger than what the plan keeps of them, and a
 * 50,000-user org's pages all held until the last one came were most of a read's memory.
 */
function converted<P extends { entities?: unknown[] }, R>(page: P, convert: (item: NonNullable<P['entities']>[number]) => R): Omit<P, 'entities'> & { entities: R[] } {
  return { ...page, entities: (page.entities ?? []).map(convert) };
}

function named(items: Array<{ id?: string; name?: string }>): Named[] {
  return items.filter((i) => i.id).map((i) => ({ id: i.id as string, name: i.name ?? '' }));
}

export class GenesysReader implements OrgReader {
  /** The organization as the target check read it, for the read that follows to take instead of asking again. */
  private organization: Promise<platformClient.Models.Organization> | undefined;
  /** Calls made outside a read (the target check), counted with the next read so that no call goes uncounted. */
  private carried = { calls: 0 };
  /** One copy of each id and title for the read under way (a new one per read, so none outlives its read). */
  private intern: Intern = interner();

  constructor(
    private readonly apis: Apis,
    private readonly redactor: Redactor,
    private readonly environment: string,
    private readonly remember: (target: OrgTarget, homeDivisionId: string) => void,
  ) {}

  readOrg(request: ReadRequest, progress?: (message: string) => void): Promise<OrgState> {
    const scope = this.carried;
    this.carried = { calls: 0 };
    this.intern = interner();
    return callScope.run(scope, async () => {
      const state = await this.read(request, progress ?? (() => undefined));
      this.intern = interner();
      return { ...state, apiCalls: scope.calls };
    });
  }

  /** Which org the credentials reach; its call is counted with the next read, which takes its answer instead of asking again. */
  async target(): Promise<OrgTarget> {
    const org = (this.organization ??= callScope.run(this.carried, () => this.guard('read the organization', () => this.apis.organization.getOrganizationsMe())));
    try {
      const answer = await org;
      return { environment: this.environment, orgId: answer.id ?? '', orgName: answer.name ?? '' };
    } catch (error) {
      this.organization = undefined;
      throw error;
    }
  }

  private guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    return guarded(this.redactor, what, run);
  }

  private orgUser(raw: platformClient.Models.User): OrgUser {
    return orgUserOf(raw, this.intern);
  }

  private asOrgUsers<P extends { entities?: platformClient.Models.User[] }>(page: P): Omit<P, 'entities'> & { entities: OrgUser[] } {
    return converted(page, (raw) => this.orgUser(raw));
  }

  private async read(request: ReadRequest, progress: (message: string) => void): Promise<OrgState> {
    const run = limiter(READ_CONCURRENCY);
    const { apis } = this;

    const orgPromise = this.organization ?? run(() => this.guard('read the organization', () => apis.organization.getOrganizationsMe()));
    this.organization = undefined;
    const lookup = <T extends { id?: string; name?: string }>(what: string, fetch: (pageNumber: number) => Promise<{ entities?: T[]; pageCount?: number; total?: number }>) =>
      allPages((n) => this.guard(`list ${what}`, () => fetch(n)), run);
    const skillsP = lookup('skills', (pageNumber) => apis.routing.getRoutingSkills({ pageSize: PAGE_SIZE.skills, pageNumber }));
    const languagesP = lookup('languages', (pageNumber) => apis.routing.getRoutingLanguages({ pageSize: PAGE_SIZE.languages, pageNumber }));
    const queuesP = lookup('queues', (pageNumber) => apis.routing.getRoutingQueues({ pageSize: PAGE_SIZE.queues, pageNumber }));
    const groupsP = lookup('groups', (pageNumber) => apis.groups.getGroups({ pageSize: PAGE_SIZE.groups, pageNumber }));
    // Without userCount, which Genesys computes per role by scanning its users (Terraform reads roles so).
    const rolesP = lookup('roles', (pageNumber) => apis.authorization.getAuthorizationRoles({ pageSize: PAGE_SIZE.roles, pageNumber, userCount: false }));
    const divisionsP = lookup('divisions', (pageNumber) => apis.authorization.getAuthorizationDivisions({ pageSize: PAGE_SIZE.divisions, pageNumber }));
    const locationsP = lookup('locations', (pageNumber) => apis.locations.getLocations({ pageSize: PAGE_SIZE.locations, pageNumber }));
    const poolsP = request.extensionPools ? this.extensionPools(run) : Promise.resolve(undefined);
    // Awaited below, after the users: one that fails meanwhile (a 403 for a missing permission) must not
    // go unhandled until then, or Node ends the process with a stack trace instead of the typed error.
    for (const early of [orgPromise, skillsP, languagesP, queuesP, groupsP, rolesP, divisionsP, locationsP, poolsP]) early.catch(() => undefined);

    // Active users are listed whole. Inactive ones are not: Genesys lists at most 10,000 of them, and
    // the plan never changes an undeclared inactive user, so only those it names are read (below).
    // `state=any` is never used: it also walks every deleted user the org ever had.
    const totals = { active: 0, inactive: 0 };
    const loaded = { active: 0, inactive: 0 };
    let lastReport = 0;
    const report = (force = false) => {
      const now = Date.now();
      if (!force && now - lastReport < 500) return;
      lastReport = now;
      progress(`users ${count(loaded.active + loaded.inactive)}/${count(totals.active + totals.inactive)}`);
    };
    const counted = (state: 'active' | 'inactive') => (done: number, total: number) => {
      loaded[state] = done;
      totals[state] = total;
      if (totals.active + totals.inactive > PAGE_SIZE.users) report();
    };
    const warnings: Issue[] = [];
    const activeUsers = allPages(
      (pageNumber) => this.guard('list active users', () => apis.users.getUsers({ pageSize: PAGE_SIZE.users, pageNumber, state: 'active', expand: request.webrtcPhones ? [...EXPAND, STATION_EXPAND] : EXPAND })).then((page) => this.asOrgUsers(page)),
      run,
      counted('active'),
    );
    const inactiveUsers = request.inactive === 'all' ? this.allInactive(divisionsP, run, counted('inactive'), warnings) : Promise.resolve([]);
    const [active, inactive] = await Promise.all([activeUsers, inactiveUsers]);
    if (totals.active + totals.inactive > PAGE_SIZE.users) report(true);

    const [org, skills, languages, queues, groups, roles, divisions, locations] = await Promise.all([orgPromise, skillsP, languagesP, queuesP, groupsP, rolesP, divisionsP, locationsP]);
    let homeDivisionId = divisions.find((d) => d.homeDivision)?.id;
    if (!homeDivisionId) {
      const home = await run(() => this.guard('read the home division', () => apis.authorization.getAuthorizationDivisionsHome()));
      homeDivisionId = home.id;
    }
    if (!homeDivisionId) throw new ProvisionError('no-home-division', 'The org reported no home division.');

    const users = new Map<string, OrgUser>();
    for (const list of [active, inactive]) for (const user of list) if (user.id) users.set(user.id, user);

    // Declared emails and named managers that no listed user has: inactive or deleted users, found by search.
    const declared = new Set(request.emails.map(normalEmail));
    const liveEmails = new Set([...users.values()].map((u) => u.email));
    const missing = [...new Set([...declared, ...(request.managerEmails ?? []).map(normalEmail)])].filter((e) => !liveEmails.has(e));
    if (missing.length > 0) for (const user of await this.unlisted(missing, declared, run, progress)) if (!users.has(user.id)) users.set(user.id, user);

    // Managers of the users the plan shows (or exports), by id, where they are not read yet.
    const managing = new Set((request.managed?.manager ?? request.emails).map(normalEmail));
    const managerIds = new Set<string>();
    for (const user of users.values()) {
      if (user.managerId && !users.has(user.managerId) && (request.inactive === 'all' || managing.has(user.email))) managerIds.add(user.managerId);
    }
    if (managerIds.size > 0) for (const user of await this.usersById([...managerIds], run)) if (!users.has(user.id)) users.set(user.id, user);

    // Expansions Genesys dropped, for the declared users who manage the field (for every user, for an export).
    const described = [...users.values()].filter((u) => (request.inactive === 'all' ? u.state !== 'deleted' : declared.has(u.email)));
    await this.fillExpansions(described, request, run, progress);

    if (request.roles) await this.roleGrants([...users.values()], request, named(divisions), homeDivisionId, groups, run, progress);

    const perUser = await this.perUserSettings(request.inactive === 'all' ? described : [...users.values()].filter((u) => u.state !== 'deleted'), request, run, progress);

    const webrtcPhones = request.webrtcPhones ? await readWebrtcPhones(apis, (what, task) => this.guard(what, task), run, users, request.webrtcPhones) : undefined;

    const lookups: OrgLookups = {
      skills: named(skills),
      languages: named(languages),
      queues: named(queues),
      groups: named(groups),
      roles: named(roles),
      divisions: named(divisions),
      locations: named(locations),
    };
    const membership = await this.queueMembers(queues, request.allQueues ? undefined : request.queueNames, run, progress);
    readNumbersIn(users.values(), org.defaultCountryCode);
    const extensionPools = await poolsP;

    const target: OrgTarget = { environment: this.environment, orgId: org.id ?? '', orgName: org.name ?? '' };
    this.remember(target, homeDivisionId);
    const state: OrgState = {
      target,
      users: [...users.values()],
      lookups,
      homeDivisionId,
      queueMembers: membership.direct,
      queueGroupMembers: membership.viaGroup,
      queueMemberGroups: membership.memberGroups,
      ...(extensionPools ? { extensionPools } : {}),
      ...(webrtcPhones ? { webrtcPhones } : {}),
      ...(perUser.utilizationDefault ? { utilizationDefault: perUser.utilizationDefault } : {}),
      apiCalls: 0,
      ...(perUser.calls > 0 ? { perUserCalls: perUser.calls } : {}),
    };
    if (warnings.length > 0) state.warnings = warnings;
    return state;
  }

  /**
   * Utilization and voicemail policy, which no listing or expansion carries: one call per user
   * (`GET /api/v2/routing/users/{userId}/utilization`, RoutingApi.md getRoutingUserUtilization;
   * `GET /api/v2/voicemail/userpolicies/{userId}`, VoicemailApi.md getVoicemailUserpolicy; Terraform reads
   * both user by user too), and only for the users whose file names the field (`request.perUser`), or every
   * user read for an export that writes it. The org's own utilization (one call) tells which media types a
   * user's answer merely copies from it. A user gone meanwhile (404) is left unknown.
   */
  private async perUserSettings(users: readonly OrgUser[], request: ReadRequest, run: Run, progress: (message: string) => void): Promise<{ calls: number; utilizationDefault?: OrgState['utilizationDefault'] }> {
    const reads: Array<{ user: OrgUser; field: PerUserField }> = [];
    for (const field of PER_USER_FIELDS) {
      const all = request.perUserAll?.includes(field) ?? false;
      const emails = new Set(request.perUser?.[field] ?? []);
      if (!all && emails.size === 0) continue;
      for (const user of users) if (all || emails.has(user.email)) reads.push({ user, field });
    }
    if (reads.length === 0) return { calls: 0 };
    const defaultP = reads.some((r) => r.field === 'utilization')
      ? run(() => this.guard('read the org utilization', () => this.apis.routing.getRoutingUtilization())).then((answer) => normalMediaMap(answer.utilization ?? {}))
      : Promise.resolve(undefined);
    defaultP.catch(() => undefined);
    if (reads.length > PAGE_SIZE.users) progress(`reading utilization and voicemail of ${count(reads.length)} users, one call each`);
    await Promise.all(
      reads.map(({ user, field }) =>
        run(async () => {
          try {
            if (field === 'utilization') user.utilization = orgUtilizationOf(await this.guard('read user utilization', () => this.apis.routing.getRoutingUserUtilization(user.id)));
            else user.voicemail = voicemailPolicyOf(await this.guard('read user voicemail policy', () => this.apis.voicemail.getVoicemailUserpolicy(user.id)));
          } catch (error) {
            if (!(error instanceof ApiError && error.status === 404)) throw error;
          }
        }),
      ),
    );
    const utilizationDefault = await defaultP;
    return { calls: reads.length, ...(utilizationDefault ? { utilizationDefault } : {}) };
  }

  /** The org's extension pools (TelephonyProvidersEdgeApi), 100 a page as Terraform reads them. */
  private async extensionPools(run: <T>(task: () => Promise<T>) => Promise<T>): Promise<ExtensionRange[]> {
    const pools = await allPages(
      (pageNumber) => this.guard('list extension pools', () => this.apis.telephony.getTelephonyProvidersEdgesExtensionpools({ pageSize: 100, pageNumber })),
      run,
    );
    return pools.filter((p) => p.startNumber && p.endNumber).map((p) => ({ name: p.name ?? '', start: p.startNumber as string, end: p.endNumber as string }));
  }

  /**
   * Users with these emails who are not active: one search per 100 emails (`state` inactive or
   * deleted, no expand: `/users/search` takes only a few, none of the fields users/ manages), then
   * each one's details read by id. Inactive users: `GET /users?id=…&state=inactive` 100 at a time,
   * only for declared emails (a manager needs no more than search tells). Deleted users, for declared
   * emails only (restores): `GET /users/{id}?state=deleted`, whose version is the one to restore with
   * (Terraform takes it from there too), keeping the latest deletion of an email. Search is eventually
   * consistent: a user deactivated or deleted moments ago may not be found yet.
   */
  private async unlisted(emails: string[], declared: ReadonlySet<string>, run: Run, progress: (message: string) => void): Promise<OrgUser[]> {
    if (emails.length > SEARCH_BATCH * 5) progress(`searching ${count(emails.length)} emails missing among active users`);
    const wanted = new Set(emails);
    const found = await Promise.all(
      batches(emails, SEARCH_BATCH).map((values) =>
        allPages(
          (pageNumber) =>
            this.guard('search inactive and deleted users', () =>
              this.apis.users.postUsersSearch({
                pageSize: PAGE_SIZE.search,
                pageNumber,
                query: [
                  { type: 'EXACT', fields: ['email'], values },
                  { type: 'EXACT', fields: ['state'], values: ['inactive', 'deleted'] },
                ],
              }),
            ),
          run,
        ),
      ),
    );
    const inactive = new Map<string, OrgUser>();
    const deleted = new Map<string, OrgUser>();
    for (const raw of found.flat()) {
      const user = this.orgUser(raw);
      if (!user.id || !wanted.has(user.email)) continue;
      if (user.state === 'inactive') inactive.set(user.id, user);
      if (user.state !== 'deleted' || !declared.has(user.email)) continue;
      // An email deleted more than once keeps the latest deletion (the one a restore would bring back).
      const seen = deleted.get(user.email);
      if (!seen || compareClaims(user, seen) < 0) deleted.set(user.email, user);
    }
    const details = await this.usersById([...inactive.values()].filter((u) => declared.has(u.email)).map((u) => u.id), run, 'inactive', EXPAND);
    for (const user of details) inactive.set(user.id, user);
    const restorable = await Promise.all([...deleted.values()].map((user) => run(() => this.deletedUser(user.id, EXPAND))));
    return [...inactive.values(), ...restorable.filter((u): u is OrgUser => u !== undefined)];
  }

  /** A deleted user by id (`GET /users/{id}?state=deleted`); undefined when it is not (or no longer) deleted. */
  private async deletedUser(id: string, expand: string[]): Promise<OrgUser | undefined> {
    try {
      return this.orgUser(await this.guard('read deleted user', () => this.apis.users.getUser(id, { state: 'deleted', expand })));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * Users by id, 100 a call (`GET /users?id=…`), in one state. With the default (`inactive`, no
   * expand: managers), ids not found among inactive users are tried one by one as deleted users.
   */
  private async usersById(ids: string[], run: Run, state?: 'active' | 'inactive', expand?: string[]): Promise<OrgUser[]> {
    if (ids.length === 0) return [];
    const read = await Promise.all(
      batches(ids, ID_BATCH).map((id) =>
        run(() => this.guard('read users by id', () => this.apis.users.getUsers({ id, state: state ?? 'inactive', pageSize: ID_BATCH, pageNumber: 1, ...(expand ? { expand } : {}) }))),
      ),
    );
    const out = read.flatMap((page) => page.entities ?? []).map((raw) => this.orgUser(raw)).filter((u) => u.id);
    if (state !== undefined) return out;
    const seen = new Set(out.map((u) => u.id));
    const rest = await Promise.all(ids.filter((id) => !seen.has(id)).map((id) => run(() => this.deletedUser(id, []))));
    return [...out, ...rest.filter((u): u is OrgUser => u !== undefined)];
  }

  /**
   * Every inactive user, for export. Up to 10,000 the listing serves (500 a page). Beyond, Genesys
   * refuses its pages, so they are searched for division by division (`state` and `division.id`, 100
   * a page, each division's search held to the same 10,000 window) and read by id 100 at a time. A
   * division with more inactive users than that, or users no division search finds, are left out
   * with a warning: never a silent truncation.
   */
  private async allInactive(
    divisionsP: Promise<platformClient.Models.AuthzDivision[]>,
    run: Run,
    onPage: (loaded: number, total: number) => void,
    warnings: Issue[],
  ): Promise<OrgUser[]> {
    const list = (pageNumber: number) =>
      this.guard('list inactive users', () => this.apis.users.getUsers({ pageSize: PAGE_SIZE.users, pageNumber, state: 'inactive', expand: EXPAND })).then((page) => this.asOrgUsers(page));
    const first = await run(() => list(1));
    const total = first.total ?? first.entities?.length ?? 0;
    if (total <= LISTING_WINDOW) {
      return allPages((pageNumber) => (pageNumber === 1 ? Promise.resolve(first) : list(pageNumber)), run, onPage);
    }
    const divisions = await divisionsP;
    const ids: string[] = [];
    let found = 0;
    for (const division of divisions) {
      const divisionId = division.id;
      if (!divisionId) continue;
      const search = (pageNumber: number) =>
        this.guard('search inactive users', () =>
          this.apis.users.postUsersSearch({
            pageSize: PAGE_SIZE.search,
            pageNumber,
            query: [
              { type: 'EXACT', fields: ['state'], values: ['inactive'] },
              { type: 'EXACT', fields: ['division.id'], values: [divisionId] },
            ],
          }),
        );
      const head = await run(() => search(1));
      const inDivision = head.total ?? 0;
      if (inDivision > LISTING_WINDOW) {
        warnings.push({
          severity: 'warning',
          code: 'inactive-users-not-read',
          message: `The division "${division.name ?? division.id}" has ${count(inDivision)} inactive users; Genesys lists and searches at most ${count(LISTING_WINDOW)}, so none of them was exported.`,
          hint: 'Inactive users need not be in users/: provision leaves undeclared inactive users alone. Export with --state active to skip them all.',
        });
        continue;
      }
      found += inDivision;
      const results = await allPages((pageNumber) => (pageNumber === 1 ? Promise.resolve(head) : search(pageNumber)), run);
      for (const user of results) if (user.id) ids.push(user.id);
      onPage(ids.length, total);
    }
    if (found < total) {
      warnings.push({
        severity: 'warning',
        code: 'inactive-users-not-read',
        message: `The org has ${count(total)} inactive users; ${count(total - found)} of them could not be read (Genesys lists at most ${count(LISTING_WINDOW)}, and searching them division by division found fewer).`,
        hint: 'Inactive users need not be in users/: provision leaves undeclared inactive users alone. Export with --state active to skip them all.',
      });
    }
    const pages = await Promise.all(
      batches([...new Set(ids)], ID_BATCH).map((id) =>
        run(() => this.guard('read inactive users by id', () => this.apis.users.getUsers({ id, state: 'inactive', pageSize: ID_BATCH, pageNumber: 1, expand: EXPAND }))),
      ),
    );
    return pages.flatMap((page) => page.entities ?? []).map((raw) => this.orgUser(raw));
  }

  /**
   * Expansions Genesys left out ("resolved with a best effort approach and not guaranteed to be
   * returned. If requested expand information is absolutely required, it's recommended to use
   * specific API requests instead": SDK docs of getUsers/getUser), fetched again only for the
   * declared users who manage the field: first their users again by id, 100 a call, asking only for
   * what is missing; then, for what is still missing, the dedicated reads (`/routingskills`,
   * `/routinglanguages`, `/profileskills`) or the user read. What stays missing stays unknown: the
   * plan says so and changes nothing from it. Role grants are left to `roleGrants`.
   */
  private async fillExpansions(declared: OrgUser[], request: ReadRequest, run: Run, progress: (message: string) => void): Promise<void> {
    const managing = new Map<ExpandedField, Set<string> | undefined>();
    const manages = (user: OrgUser, field: ExpandedField): boolean => {
      if (!managing.has(field)) {
        const list = request.managed?.[field];
        managing.set(field, list ? new Set(list.map(normalEmail)) : undefined);
      }
      const set = managing.get(field);
      return !set || set.has(user.email);
    };
    // Role ids come back with the users read again (expand=authorization); grants are `roleGrants`'s.
    const again = (user: OrgUser): ExpandedField[] => (user.unknown ?? []).filter((f) => manages(user, f) && (f !== 'roles' || request.roles));
    const needs = (user: OrgUser): ExpandedField[] => again(user).filter((f) => f !== 'roles');
    const wanting = declared.filter((u) => again(u).length > 0);
    if (wanting.length === 0) return;
    if (wanting.length > 50) progress(`reading again ${count(wanting.length)} users whose expanded fields Genesys left out`);

    // 1. The users again, 100 a call, per state and set of missing expansions.
    const groups = new Map<string, OrgUser[]>();
    for (const user of wanting) {
      if (user.state === 'deleted') continue;
      const key = `${user.state}|${again(user).map((f) => EXPAND_OF[f]).sort().join(',')}`;
      const list = groups.get(key);
      if (list) list.push(user);
      else groups.set(key, [user]);
    }
    await Promise.all(
      [...groups].flatMap(([key, list]) => {
        const [state, expand] = key.split('|') as ['active' | 'inactive', string];
        return batches(list, ID_BATCH).map(async (batch) => {
          const read = await this.usersById(batch.map((u) => u.id), run, state, expand.split(','));
          const byId = new Map(read.map((u) => [u.id, u]));
          for (const user of batch) {
            const fresh = byId.get(user.id);
            if (fresh) fillUnknown(user, fresh);
          }
        });
      }),
    );

    // 2. One user at a time, through the dedicated reads where there are some.
    await Promise.all(
      wanting.map(async (user) => {
        const fields = needs(user);
        if (fields.length === 0) return;
        try {
          if (user.state !== 'deleted') {
            if (fields.includes('skills')) {
              const skills = await allPages((pageNumber) => this.guard('read user skills', () => this.apis.users.getUserRoutingskills(user.id, { pageSize: 100, pageNumber })), run);
              user.skills = levelsOf(skills);
              markKnown(user, 'skills');
            }
            if (fields.includes('languages')) {
              const languages = await allPages((pageNumber) => this.guard('read user languages', () => this.apis.users.getUserRoutinglanguages(user.id, { pageSize: 100, pageNumber })), run);
              user.languages = levelsOf(languages);
              markKnown(user, 'languages');
            }
            if (fields.includes('profileSkills')) {
              user.profileSkills = [...(await run(() => this.guard('read user profile skills', () => this.apis.users.getUserProfileskills(user.id))))];
              markKnown(user, 'profileSkills');
            }
          }
          const rest = needs(user);
          if (rest.length === 0) return;
          const expand = rest.map((f) => EXPAND_OF[f]);
          const fresh =
            user.state === 'deleted'
              ? await run(() => this.deletedUser(user.id, expand))
              : this.orgUser(await run(() => this.guard('read user', () => this.apis.users.getUser(user.id, { expand }))));
          if (fresh) fillUnknown(user, fresh);
        } catch (error) {
          // Gone (or restored, or deleted) since the listing: what is unknown stays unknown.
          if (error instanceof ApiError && error.status === 404) return;
          throw error;
        }
      }),
    );
  }

  /**
   * Each user's own role grants, and those they hold through groups. The users listing's
   * `expand=authorization` names a user's *effective* roles, their groups' included (GENESYS-API.md,
   * "Roles through groups"), so it stands for the user's own grants only in an org with one division
   * where no holder is in a group that may hold roles, and no desired grant is in all divisions (`*`):
   * then it costs no call. Otherwise the grants are listed per division
   * (`GET /authorization/divisions/{id}/grants`, 100 a page): Σ ceil(grants in division / 100) calls for
   * every user and group at once; a group's grants reach its members through their `groupIds`. Where that
   * route is missing (404), the grants of the users whose roles are managed (`roleEmails`, else every
   * declared email) and who hold a role are read one `GET /authorization/subjects/{id}` each, with
   * `includeDuplicates` so that a grant the user shares with a group shows as both (as Terraform reads
   * them, user_roles/genesyscloud_user_roles_proxy.go); the others keep only `roleIds`.
   */
  private async roleGrants(
    users: OrgUser[],
    request: ReadRequest,
    divisions: Named[],
    homeDivisionId: string,
    groups: platformClient.Models.Group[],
    run: <T>(task: () => Promise<T>) => Promise<T>,
    progress: (message: string) => void,
  ): Promise<void> {
    // Deleted users have no readable grants (404); a restore brings theirs back as they were.
    // Users whose role ids Genesys left out (expand=authorization dropped) may hold roles too.
    const holders = users.filter((u) => u.state !== 'deleted' && ((u.roleIds ?? []).length > 0 || isUnknown(u, 'roles')));
    for (const user of users) {
      if (user.state === 'deleted' || (user.roleIds ?? []).length > 0 || isUnknown(user, 'roles')) continue;
      user.roleGrants = [];
      user.inheritedGrants = [];
    }
    if (holders.length === 0) return;
    // Groups may hold roles unless they say otherwise (Models.Group.rolesEnabled; Terraform defaults it to true).
    const roleGroups = new Set(groups.filter((g) => g.id && g.rolesEnabled !== false).map((g) => g.id as string));
    const ownOnly = (u: OrgUser): boolean => u.groupIds !== undefined && !u.groupIds.some((id) => roleGroups.has(id));
    if (divisions.length <= 1 && !request.wildcardGrants && holders.every(ownOnly)) {
      for (const user of holders) {
        if (isUnknown(user, 'roles')) continue;
        user.roleGrants = (user.roleIds ?? []).map((roleId) => ({ roleId, divisionId: homeDivisionId }));
        user.inheritedGrants = [];
      }
      // Users whose roles the listing left out are read one by one below.
      if (!holders.some((u) => isUnknown(u, 'roles'))) return;
    }
    const byDivision = await this.divisionGrants(divisions, run);
    if (byDivision) {
      const bySubject = new Map<string, OrgRoleGrant[]>();
      for (const grant of byDivision) {
        const list = bySubject.get(grant.subjectId) ?? [];
        list.push({ roleId: grant.roleId, divisionId: grant.divisionId });
        bySubject.set(grant.subjectId, list);
      }
      for (const user of holders) {
        user.roleGrants = bySubject.get(user.id) ?? [];
        // A group's grant is listed once, under the group: its members hold it through their membership.
        if (user.groupIds) user.inheritedGrants = user.groupIds.flatMap((groupId) => (bySubject.get(groupId) ?? []).map((g) => ({ ...g, groupId })));
        markKnown(user, 'roles');
      }
      return;
    }
    const declared = new Set((request.roleEmails ?? request.emails).map(normalEmail));
    const needed = holders.filter((u) => u.roleGrants === undefined && declared.has(u.email));
    if (needed.length > 50) progress(`role grants of ${count(needed.length)} users`);
    await Promise.all(
      needed.map((user) =>
        run(async () => {
          let subject: platformClient.Models.AuthzSubject;
          try {
            subject = await this.guard('read role grants', () => this.apis.authorization.getAuthorizationSubject(user.id, { includeDuplicates: true }));
          } catch (error) {
            // Deleted while we read: its grants stay unknown (and so are not diffed).
            if (error instanceof ApiError && error.status === 404) return;
            throw error;
          }
          const own: OrgRoleGrant[] = [];
          const inherited: InheritedGrant[] = [];
          for (const grant of subject.grants ?? []) {
            const roleId = grant.role?.id;
            const divisionId = grant.division?.id;
            if (!roleId || !divisionId) continue;
            // A grant of another subject is one of the user's groups' (a subject without an id is taken as the user's own).
            if (grant.subjectId && grant.subjectId !== user.id) inherited.push({ roleId, divisionId, groupId: grant.subjectId });
            else if (!own.some((g) => g.roleId === roleId && g.divisionId === divisionId)) own.push({ roleId, divisionId });
          }
          user.roleGrants = own;
          user.inheritedGrants = inherited;
          markKnown(user, 'roles');
        }),
      ),
    );
  }

  /** Every grant of every division, or undefined when the server lacks the per-division listing. */
  private async divisionGrants(divisions: Named[], run: <T>(task: () => Promise<T>) => Promise<T>): Promise<Array<OrgRoleGrant & { subjectId: string }> | undefined> {
    const { intern } = this;
    // Each grant as its three ids, as its page arrives (the SDK's grant carries the role and division objects).
    const compact = (grant: platformClient.Models.AuthzGrant): Partial<OrgRoleGrant & { subjectId: string }> => ({
      subjectId: grant.subjectId && intern(grant.subjectId),
      roleId: grant.role?.id && intern(grant.role.id),
      divisionId: grant.division?.id && intern(grant.division.id),
    });
    const list = (division: Named) =>
      allPages(
        (pageNumber) =>
          this.guard('list division grants', () => this.apis.authorization.getAuthorizationDivisionGrants(division.id, { pageSize: PAGE_SIZE.divisionGrants, pageNumber })).then((page) => converted(page, compact)),
        run,
      );
    const [first, ...rest] = divisions;
    if (!first) return [];
    let firstGrants: Array<Partial<OrgRoleGrant & { subjectId: string }>>;
    try {
      firstGrants = await list(first);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
    const all = [firstGrants, ...(await Promise.all(rest.map(list)))].flat();
    const out: Array<OrgRoleGrant & { subjectId: string }> = [];
    const seen = new Set<string>();
    for (const grant of all) {
      const { subjectId, roleId, divisionId } = grant;
      // A grant in all divisions (`*`) is listed under every division: keep it once.
      const key = `${subjectId} ${roleId} ${divisionId}`;
      if (!subjectId || !roleId || !divisionId || seen.has(key)) continue;
      seen.add(key);
      out.push({ subjectId, roleId, divisionId });
    }
    return out;
  }

  /**
   * Members of the queues the desired state names (case-insensitive), 100 a page, apart by how they
   * came in. Direct members are listed with `memberBy=user`, paged by the queue's `userMemberCount`
   * (its non-group members) as the listing has no total: for a queue without member groups this is the
   * whole read, as before. Members a group brings are listed with `memberBy=group` only for queues that
   * name member groups (or whose counts say some members are not direct, or give no counts): one more
   * listing per such queue, but it covers teams and skill groups too and needs neither the users'
   * best-effort `groups` expansion nor the groups' own member listings. Reading both filtered lists,
   * rather than one unfiltered list split by `memberBy`, stays right whether or not the unfiltered
   * listing includes group members, and shows a user who is in both ways as both; each entry's own
   * `memberBy` is checked too, in case a server ignores the filter.
   */
  private async queueMembers(
    queues: platformClient.Models.Queue[],
    /** Queue names whose members to read; undefined reads every queue's. */
    names: string[] | undefined,
    run: <T>(task: () => Promise<T>) => Promise<T>,
    progress: (message: string) => void,
  ): Promise<{ direct: Record<string, string[]>; viaGroup: Record<string, string[]>; memberGroups: Record<string, string[]> }> {
    const wanted = names && new Set(names.map(foldName));
    const targets = queues.filter((q) => q.id && (!wanted || wanted.has(foldName(q.name ?? ''))));
    if (targets.length > 10) progress(`members of ${count(targets.length)} queues`);
    const direct: Record<string, string[]> = {};
    const viaGroup: Record<string, string[]> = {};
    const memberGroups: Record<string, string[]> = {};
    const { intern } = this;
    // Each member as its id and how it came in, as its page arrives: the SDK's member carries a whole user.
    const compact = (m: platformClient.Models.QueueMember): { id: string; memberBy?: string } => ({ id: intern(m.id ?? m.user?.id ?? ''), memberBy: m.memberBy });
    const list = (id: string, memberBy: 'user' | 'group', known: number | undefined) =>
      allPages(
        (pageNumber) =>
          this.guard('list queue members', () => this.apis.routing.getRoutingQueueMembers(id, { pageSize: PAGE_SIZE.queueMembers, pageNumber, memberBy })).then((page) => converted(page, compact)),
        run,
        undefined,
        known === undefined ? undefined : { total: known, pageSize: PAGE_SIZE.queueMembers },
      );
    const idsOf = (members: Array<{ id: string; memberBy?: string }>, other: 'user' | 'group') => members.filter((m) => m.memberBy !== other).map((m) => m.id).filter(Boolean);
    await Promise.all(
      targets.map(async (queue) => {
        const id = queue.id as string;
        const groups = queue.memberGroups;
        if (groups) memberGroups[id] = groups.filter((g) => g.id && (g.type ?? 'GROUP').toUpperCase() === 'GROUP').map((g) => g.id as string);
        const total = queue.memberCount;
        const users = queue.userMemberCount;
        const byGroup = (groups?.length ?? 0) > 0 || total === undefined || users === undefined || total > users;
        const [mine, theirs] = await Promise.all([
          list(id, 'user', users ?? total),
          byGroup ? list(id, 'group', total !== undefined && users !== undefined && total > users ? total - users : undefined) : Promise.resolve([]),
        ]);
        direct[id] = idsOf(mine, 'group');
        viaGroup[id] = idsOf(theirs, 'user');
      }),
    );
    return { direct, viaGroup, memberGroups };
  }
}
