// Reads the org in few calls: look-ups once each, users 500 a page with expands, then only what the request needs.
import type platformClient from 'purecloud-platform-client-v2';
import type { Named, OrgLookups, OrgReader, OrgRoleGrant, OrgState, OrgTarget, OrgUser, ReadRequest } from '../model/org.js';
import { ApiError, ProvisionError } from '../model/errors.js';
import { guarded, type Apis } from './apis.js';
import type { Redactor } from './errors.js';
import { callScope } from './http.js';
import { EXPAND, normalizeEmail, orgUserOf } from './normalize.js';
import { allPages, limiter } from './paging.js';

/**
 * Page sizes per listing: the largest each accepts. The SDK docs give no maximum but for queue members
 * ("Max value is 100"); Genesys's Terraform provider reads users, skills, queues and groups 500 a page
 * and languages, roles, divisions and locations 100 a page (its `*_proxy.go` files), and the sandbox
 * holds each listing to that.
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

    const orgPromise = run(() => this.guard('read the organization', () => apis.organization.getOrganizationsMe()));
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

    if (request.roles) await this.roleGrants([...users.values()], request, named(divisions), homeDivisionId, run, progress);

    const lookups: OrgLookups = {
      skills: named(skills),
      languages: named(languages),
      queues: named(queues),
      groups: named(groups),
      roles: named(roles),
      divisions: named(divisions),
      locations: named(locations),
    };
    const queueMembers = await this.queueMembers(queues, request.allQueues ? undefined : request.queueNames, run, progress);

    const target: OrgTarget = { environment: this.environment, orgId: org.id ?? '', orgName: org.name ?? '' };
    this.remember(target);
    return {
      target,
      users: [...users.values()],
      lookups,
      homeDivisionId,
      queueMembers,
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
   * Role grants per division. The users listing (expand=authorization) already names each user's
   * roles, so with a single division every grant is in it (no extra call). Otherwise the grants are
   * listed per division (`GET /authorization/divisions/{id}/grants`, 100 a page): Σ ceil(grants in
   * division / 100) calls for every user at once. Where that route is missing (404), the grants of
   * the users whose roles are managed (`roleEmails`, else every declared email) and who hold a role
   * are read one `GET /authorization/subjects/{id}` each; the others keep only `roleIds`.
   */
  private async roleGrants(
    users: OrgUser[],
    request: ReadRequest,
    divisions: Named[],
    homeDivisionId: string,
    run: <T>(task: () => Promise<T>) => Promise<T>,
    progress: (message: string) => void,
  ): Promise<void> {
    // Deleted users have no readable grants (404); a restore brings theirs back as they were.
    const holders = users.filter((u) => u.state !== 'deleted' && (u.roleIds ?? []).length > 0);
    for (const user of users) if (user.state !== 'deleted' && (user.roleIds ?? []).length === 0) user.roleGrants = [];
    if (holders.length === 0) return;
    if (divisions.length <= 1) {
      for (const user of holders) user.roleGrants = (user.roleIds ?? []).map((roleId) => ({ roleId, divisionId: homeDivisionId }));
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
      for (const user of holders) user.roleGrants = bySubject.get(user.id) ?? [];
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
            subject = await this.guard('read role grants', () => this.apis.authorization.getAuthorizationSubject(user.id));
          } catch (error) {
            // Deleted while we read: its grants stay unknown (and so are not diffed).
            if (error instanceof ApiError && error.status === 404) return;
            throw error;
          }
          const grants: OrgRoleGrant[] = [];
          for (const grant of subject.grants ?? []) {
            const roleId = grant.role?.id;
            const divisionId = grant.division?.id;
            if (roleId && divisionId) grants.push({ roleId, divisionId });
          }
          user.roleGrants = grants;
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
   * Members of the queues the desired state names (case-insensitive), 100 a page. The listing has
   * no total, so the queue's `memberCount` from the look-up says how many pages to ask at once.
   */
  private async queueMembers(
    queues: platformClient.Models.Queue[],
    /** Queue names whose members to read; undefined reads every queue's. */
    names: string[] | undefined,
    run: <T>(task: () => Promise<T>) => Promise<T>,
    progress: (message: string) => void,
  ): Promise<Record<string, string[]>> {
    const wanted = names && new Set(names.map((n) => n.trim().toLowerCase()));
    const targets = queues.filter((q) => q.id && (!wanted || wanted.has((q.name ?? '').trim().toLowerCase())));
    if (targets.length > 10) progress(`members of ${count(targets.length)} queues`);
    const out: Record<string, string[]> = {};
    await Promise.all(
      targets.map(async (queue) => {
        const id = queue.id as string;
        const known = queue.userMemberCount ?? queue.memberCount;
        const members = await allPages(
          (pageNumber) => this.guard('list queue members', () => this.apis.routing.getRoutingQueueMembers(id, { pageSize: PAGE_SIZE.queueMembers, pageNumber })),
          run,
          undefined,
          known === undefined ? undefined : { total: known, pageSize: PAGE_SIZE.queueMembers },
        );
        out[id] = members.map((m) => m.id ?? m.user?.id ?? '').filter(Boolean);
      }),
    );
    return out;
  }
}
