// Reads the org in few calls: look-ups once each, users 500 a page with expands, then only what the request needs.
import type platformClient from 'purecloud-platform-client-v2';
import type { InheritedGrant, Named, OrgLookups, OrgReader, OrgRoleGrant, OrgState, OrgTarget, OrgUser, ReadRequest } from '../model/org.js';
import { ApiError, ProvisionError } from '../model/errors.js';
import { guarded, type Apis } from './apis.js';
import type { Redactor } from './errors.js';
import { callScope } from './http.js';
import { EXPAND, normalizeEmail, orgUserOf } from './normalize.js';
import { allPages, limiter } from './paging.js';

/** Largest page sizes the endpoints accept. */
export const PAGE_SIZE = {
  users: 500,
  lookups: 500,
  queueMembers: 100,
  search: 100,
  divisionGrants: 100,
} as const;

/** Emails per search request (`values` of one EXACT criterion). */
export const SEARCH_BATCH = 100;

/** Requests in flight at once during a read; the pacer decides the rate. */
const READ_CONCURRENCY = 6;

const count = (n: number): string => n.toLocaleString('en-US');

function named(items: Array<{ id?: string; name?: string }>): Named[] {
  return items.filter((i) => i.id).map((i) => ({ id: i.id as string, name: i.name ?? '' }));
}

export class GenesysReader implements OrgReader {
  constructor(
    private readonly apis: Apis,
    private readonly redactor: Redactor,
    private readonly environment: string,
    private readonly remember: (target: OrgTarget) => void,
  ) {}

  readOrg(request: ReadRequest, progress?: (message: string) => void): Promise<OrgState> {
    const scope = { calls: 0 };
    return callScope.run(scope, async () => {
      const state = await this.read(request, progress ?? (() => undefined));
      return { ...state, apiCalls: scope.calls };
    });
  }

  private guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    return guarded(this.redactor, what, run);
  }

  private async read(request: ReadRequest, progress: (message: string) => void): Promise<OrgState> {
    const run = limiter(READ_CONCURRENCY);
    const { apis } = this;
    const size = PAGE_SIZE.lookups;

    const orgPromise = run(() => this.guard('read the organization', () => apis.organization.getOrganizationsMe()));
    const lookup = <T extends { id?: string; name?: string }>(what: string, fetch: (pageNumber: number) => Promise<{ entities?: T[]; pageCount?: number; total?: number }>) =>
      allPages((n) => this.guard(`list ${what}`, () => fetch(n)), run);
    const skillsP = lookup('skills', (pageNumber) => apis.routing.getRoutingSkills({ pageSize: size, pageNumber }));
    const languagesP = lookup('languages', (pageNumber) => apis.routing.getRoutingLanguages({ pageSize: size, pageNumber }));
    const queuesP = lookup('queues', (pageNumber) => apis.routing.getRoutingQueues({ pageSize: size, pageNumber }));
    const groupsP = lookup('groups', (pageNumber) => apis.groups.getGroups({ pageSize: size, pageNumber }));
    const rolesP = lookup('roles', (pageNumber) => apis.authorization.getAuthorizationRoles({ pageSize: size, pageNumber }));
    const divisionsP = lookup('divisions', (pageNumber) => apis.authorization.getAuthorizationDivisions({ pageSize: size, pageNumber }));
    const locationsP = lookup('locations', (pageNumber) => apis.locations.getLocations({ pageSize: size, pageNumber }));
    // Awaited below, after the users: one that fails meanwhile (a 403 for a missing permission) must not
    // go unhandled until then, or Node ends the process with a stack trace instead of the typed error.
    for (const early of [orgPromise, skillsP, languagesP, queuesP, groupsP, rolesP, divisionsP, locationsP]) early.catch(() => undefined);

    // Users: active and inactive listed apart, because `state=any` also walks every deleted user
    // the org ever had (deleted users stay forever); deleted ones are searched for by email below.
    const totals = { active: 0, inactive: 0 };
    const loaded = { active: 0, inactive: 0 };
    let lastReport = 0;
    const report = (force = false) => {
      const now = Date.now();
      if (!force && now - lastReport < 500) return;
      lastReport = now;
      progress(`users ${count(loaded.active + loaded.inactive)}/${count(totals.active + totals.inactive)}`);
    };
    const listUsers = (state: 'active' | 'inactive') =>
      allPages(
        (pageNumber) => this.guard(`list ${state} users`, () => apis.users.getUsers({ pageSize: PAGE_SIZE.users, pageNumber, state, expand: EXPAND })),
        run,
        (done, total) => {
          loaded[state] = done;
          totals[state] = total;
          if (totals.active + totals.inactive > PAGE_SIZE.users) report();
        },
      );
    const [activeUsers, inactiveUsers] = await Promise.all([listUsers('active'), listUsers('inactive')]);
    if (totals.active + totals.inactive > PAGE_SIZE.users) report(true);

    const [org, skills, languages, queues, groups, roles, divisions, locations] = await Promise.all([orgPromise, skillsP, languagesP, queuesP, groupsP, rolesP, divisionsP, locationsP]);
    let homeDivisionId = divisions.find((d) => d.homeDivision)?.id;
    if (!homeDivisionId) {
      const home = await run(() => this.guard('read the home division', () => apis.authorization.getAuthorizationDivisionsHome()));
      homeDivisionId = home.id;
    }
    if (!homeDivisionId) throw new ProvisionError('no-home-division', 'The org reported no home division.');

    const users = new Map<string, OrgUser>();
    for (const raw of [...activeUsers, ...inactiveUsers]) {
      const user = orgUserOf(raw);
      if (user.id) users.set(user.id, user);
    }

    const liveEmails = new Set([...users.values()].map((u) => u.email));
    const missing = [...new Set(request.emails.map(normalizeEmail))].filter((e) => !liveEmails.has(e));
    const deleted = missing.length > 0 ? await this.deletedUsers(missing, run, progress) : [];
    for (const user of deleted) if (!users.has(user.id)) users.set(user.id, user);

    if (request.roles) await this.roleGrants([...users.values()], request, named(divisions), homeDivisionId, groups, run, progress);

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

    const target: OrgTarget = { environment: this.environment, orgId: org.id ?? '', orgName: org.name ?? '' };
    this.remember(target);
    return {
      target,
      users: [...users.values()],
      lookups,
      homeDivisionId,
      queueMembers: membership.direct,
      queueGroupMembers: membership.viaGroup,
      queueMemberGroups: membership.memberGroups,
      apiCalls: 0,
    };
  }

  /**
   * Deleted users for declared emails absent among live users, by search (`values` batches of 100):
   * ceil(missing / 100) calls, where listing `state=deleted` would cost one call per 500 users ever
   * deleted. Search is eventually consistent: a user deleted moments ago may not be found yet.
   */
  private async deletedUsers(emails: string[], run: <T>(task: () => Promise<T>) => Promise<T>, progress: (message: string) => void): Promise<OrgUser[]> {
    if (emails.length > SEARCH_BATCH * 5) progress(`searching ${count(emails.length)} undeclared-in-org emails for deleted users`);
    const batches: string[][] = [];
    for (let i = 0; i < emails.length; i += SEARCH_BATCH) batches.push(emails.slice(i, i + SEARCH_BATCH));
    const wanted = new Set(emails);
    const found = await Promise.all(
      batches.map((values) =>
        allPages(
          (pageNumber) =>
            this.guard('search deleted users', () =>
              this.apis.users.postUsersSearch({
                pageSize: PAGE_SIZE.search,
                pageNumber,
                expand: EXPAND,
                query: [
                  { type: 'EXACT', fields: ['email'], values },
                  { type: 'EXACT', fields: ['state'], values: ['deleted'] },
                ],
              }),
            ),
          run,
        ),
      ),
    );
    // An email deleted more than once keeps the latest deletion (the one a restore would bring back).
    const byEmail = new Map<string, OrgUser>();
    for (const raw of found.flat()) {
      const user = orgUserOf(raw);
      if (user.state !== 'deleted' || !wanted.has(user.email)) continue;
      const seen = byEmail.get(user.email);
      if (!seen || (user.dateDeleted ?? '') > (seen.dateDeleted ?? '')) byEmail.set(user.email, user);
    }
    return [...byEmail.values()];
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
    const holders = users.filter((u) => u.state !== 'deleted' && (u.roleIds ?? []).length > 0);
    for (const user of users) {
      if (user.state === 'deleted' || (user.roleIds ?? []).length > 0) continue;
      user.roleGrants = [];
      user.inheritedGrants = [];
    }
    if (holders.length === 0) return;
    // Groups may hold roles unless they say otherwise (Models.Group.rolesEnabled; Terraform defaults it to true).
    const roleGroups = new Set(groups.filter((g) => g.id && g.rolesEnabled !== false).map((g) => g.id as string));
    const ownOnly = (u: OrgUser): boolean => u.groupIds !== undefined && !u.groupIds.some((id) => roleGroups.has(id));
    if (divisions.length <= 1 && !request.wildcardGrants && holders.every(ownOnly)) {
      for (const user of holders) {
        user.roleGrants = (user.roleIds ?? []).map((roleId) => ({ roleId, divisionId: homeDivisionId }));
        user.inheritedGrants = [];
      }
      return;
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
      }
      return;
    }
    const declared = new Set((request.roleEmails ?? request.emails).map(normalizeEmail));
    const needed = holders.filter((u) => declared.has(u.email));
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
        }),
      ),
    );
  }

  /** Every grant of every division, or undefined when the server lacks the per-division listing. */
  private async divisionGrants(divisions: Named[], run: <T>(task: () => Promise<T>) => Promise<T>): Promise<Array<OrgRoleGrant & { subjectId: string }> | undefined> {
    const list = (division: Named) =>
      allPages(
        (pageNumber) => this.guard('list division grants', () => this.apis.authorization.getAuthorizationDivisionGrants(division.id, { pageSize: PAGE_SIZE.divisionGrants, pageNumber })),
        run,
      );
    const [first, ...rest] = divisions;
    if (!first) return [];
    let firstGrants: platformClient.Models.AuthzGrant[];
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
      const subjectId = grant.subjectId;
      const roleId = grant.role?.id;
      const divisionId = grant.division?.id;
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
    const wanted = names && new Set(names.map((n) => n.trim().toLowerCase()));
    const targets = queues.filter((q) => q.id && (!wanted || wanted.has((q.name ?? '').trim().toLowerCase())));
    if (targets.length > 10) progress(`members of ${count(targets.length)} queues`);
    const direct: Record<string, string[]> = {};
    const viaGroup: Record<string, string[]> = {};
    const memberGroups: Record<string, string[]> = {};
    const list = (id: string, memberBy: 'user' | 'group', known: number | undefined) =>
      allPages(
        (pageNumber) => this.guard('list queue members', () => this.apis.routing.getRoutingQueueMembers(id, { pageSize: PAGE_SIZE.queueMembers, pageNumber, memberBy })),
        run,
        undefined,
        known === undefined ? undefined : { total: known, pageSize: PAGE_SIZE.queueMembers },
      );
    const idsOf = (members: platformClient.Models.QueueMember[], other: 'user' | 'group') =>
      members.filter((m) => m.memberBy !== other).map((m) => m.id ?? m.user?.id ?? '').filter(Boolean);
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
