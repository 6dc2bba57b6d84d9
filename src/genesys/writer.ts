// The write port over the SDK: one method per Genesys write that apply drives; every failure is an ApiError.
import type platformClient from 'purecloud-platform-client-v2';
import type { IdLevel, NewUser, OrgWriter, UserPatch, WebrtcPhoneSpec } from '../model/apply.js';
import type { MediaType, MediaUtilization, UserState, VoicemailPolicy } from '../model/desired.js';
import type { ExpandedField, OrgRoleGrant, OrgUser, UtilizationKept } from '../model/org.js';
import { ApiError } from '../model/errors.js';
import { normalEmail, userForEmail } from '../rules/identity.js';
import { guarded, type Apis } from './apis.js';
import type { Redactor } from './errors.js';
import { callScope } from './http.js';
import { findPhone, findStation, phoneBody } from './phones.js';
import { createBody, utilizationBody, EXPAND, EXPAND_OF, fillUnknown, isUnknown, levelsOf, markKnown, needsRegion, orgUserOf, phoneInRegion, updateBody } from './normalize.js';
import { allPages } from './paging.js';

/** Runs a task as it comes (apply's own pool bounds how many run). */
const inline = <T>(task: () => Promise<T>): Promise<T> => task();

export class GenesysWriter implements OrgWriter {
  private readonly scope = { calls: 0 };
  /** The org's default country, read once and only when a re-read user has a number in national display form. */
  private region: Promise<string | undefined> | undefined;

  constructor(
    private readonly apis: Apis,
    private readonly redactor: Redactor,
    /** The home division, for creates that name none (Genesys requires one) and for batched grants; the connection memoises it. */
    private readonly homeDivision: () => Promise<string | undefined>,
  ) {}

  /** Every write runs in this writer's call scope so `apiCalls()` counts its requests alone. */
  private call<T>(what: string, run: () => Promise<T>): Promise<T> {
    return callScope.run(this.scope, () => guarded(this.redactor, what, run));
  }

  apiCalls(): number {
    return this.scope.calls;
  }

  /** The home division (the connection asks Genesys once, if the read did not already know it), counted as this writer's call when it is one. */
  homeDivisionId(): Promise<string | undefined> {
    return callScope.run(this.scope, () => this.homeDivision());
  }

  async createUser(user: NewUser): Promise<{ id: string; version: number }> {
    const home = user.divisionId ? undefined : await this.homeDivisionId();
    const created = await this.call('create user', () => this.apis.users.postUsers(createBody(user, home)));
    return { id: created.id ?? '', version: created.version };
  }

  /**
   * The user with this email, in any state, read by id. Search finds them (eventually consistent, and
   * without expands: `/users/search` takes none of the fields users/ manages); the details, and the
   * version to write with, come from `GET /users/{id}` (`?state=deleted` for a deleted user, as
   * Terraform reads a user to restore).
   */
  async findUserByEmail(email: string): Promise<OrgUser | undefined> {
    const wanted = normalEmail(email);
    const found = await this.call('search user', () =>
      this.apis.users.postUsersSearch({
        pageSize: 25,
        pageNumber: 1,
        query: [
          { type: 'EXACT', fields: ['email'], value: wanted },
          { type: 'EXACT', fields: ['state'], values: ['active', 'inactive', 'deleted'] },
        ],
      }),
    );
    const users = await Promise.all((found.results ?? []).map((u) => orgUserOf(u)).filter((u) => u.email === wanted && u.id).map((u) => this.inRegion(u)));
    // The user the plan would match among those sharing the email.
    const pick = userForEmail(users);
    if (!pick) return undefined;
    // The state may have moved since search saw it: read as it said, then the other way.
    const order: Array<'deleted' | undefined> = pick.state === 'deleted' ? ['deleted', undefined] : [undefined, 'deleted'];
    for (const state of order) {
      try {
        return await this.getUser(pick.id, state);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
    }
    return undefined;
  }

  /**
   * A user with every field users/ manages. Expand is best effort at Genesys: what it leaves out is
   * read again through the dedicated endpoints (skills, languages, profile skills) or one more user
   * read; what is still missing stays in `unknown`, never read as empty.
   */
  async getUser(id: string, state?: 'deleted'): Promise<OrgUser> {
    const read = (expand: string[]) => this.call('read user', () => this.apis.users.getUser(id, state ? { expand, state } : { expand }));
    const user = orgUserOf(await read(EXPAND));
    const missing = (): ExpandedField[] => (user.unknown ?? []).filter((f) => f !== 'roles');
    if (missing().length === 0) return this.inRegion(user);
    if (state !== 'deleted') {
      if (isUnknown(user, 'skills')) {
        user.skills = levelsOf(await allPages((pageNumber) => this.call('read user skills', () => this.apis.users.getUserRoutingskills(id, { pageSize: 100, pageNumber })), inline));
        markKnown(user, 'skills');
      }
      if (isUnknown(user, 'languages')) {
        user.languages = levelsOf(await allPages((pageNumber) => this.call('read user languages', () => this.apis.users.getUserRoutinglanguages(id, { pageSize: 100, pageNumber })), inline));
        markKnown(user, 'languages');
      }
      if (isUnknown(user, 'profileSkills')) {
        user.profileSkills = [...(await this.call('read user profile skills', () => this.apis.users.getUserProfileskills(id)))];
        markKnown(user, 'profileSkills');
      }
    }
    // The rest has no read of its own: the user again, a few times, asking only for what is missing.
    for (let attempt = 0; attempt < 3 && missing().length > 0; attempt++) fillUnknown(user, orgUserOf(await read(missing().map((f) => EXPAND_OF[f]))));
    return this.inRegion(user);
  }

  /** A user's phones with national display forms read in the org's default country (as the reader does). */
  private async inRegion(user: OrgUser): Promise<OrgUser> {
    if (!needsRegion(user)) return user;
    this.region ??= this.call('read the organization', () => this.apis.organization.getOrganizationsMe()).then(
      (org) => org.defaultCountryCode,
      () => undefined,
    );
    const region = await this.region;
    return region ? { ...user, phones: user.phones.map((p) => phoneInRegion(p, region)) } : user;
  }

  async patchUser(id: string, version: number, patch: UserPatch): Promise<number> {
    const updated = await this.call('update user', () => this.apis.users.patchUser(id, updateBody(version, patch)));
    return updated.version;
  }

  /**
   * `PATCH /users/bulk` ("Update bulk acd autoanswer on users. Max 50 users can be updated at a time", UsersApi.md
   * `patchUsersBulk`): the body is a list of `{ id, acdAutoAnswer }`, with no version, and the answer the users.
   */
  async setAutoAnswer(users: Array<{ id: string; acdAutoAnswer: boolean }>): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    if (users.length === 0) return versions;
    const updated = await this.call('set ACD auto-answer', () => this.apis.users.patchUsersBulk(users.map((u) => ({ id: u.id, acdAutoAnswer: u.acdAutoAnswer }))));
    for (const user of updated?.entities ?? []) if (user.id !== undefined && user.version !== undefined) versions.set(user.id, user.version);
    return versions;
  }

  async setUserState(id: string, version: number, state: UserState): Promise<number> {
    // With `state` present Genesys changes nothing else, so it travels alone.
    const updated = await this.call('change user state', () => this.apis.users.patchUser(id, { version, state }));
    return updated.version;
  }

  async moveUsersToDivision(divisionId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.call('move users to division', () => this.apis.authorization.postAuthorizationDivisionObject(divisionId, 'USER', userIds));
  }

  private grants(grants: OrgRoleGrant[]): platformClient.Models.RoleDivisionGrants {
    return { grants: grants.map((g) => ({ roleId: g.roleId, divisionId: g.divisionId })) };
  }

  /**
   * A role or division created moments ago answers 404 here until Genesys's authorization cache has it; apply waits
   * that out with its one retry policy (`src/apply/steps.ts`, `grantTrouble`), so this is one call.
   */
  async grantRoles(userId: string, grants: OrgRoleGrant[]): Promise<void> {
    if (grants.length === 0) return;
    await this.call('grant roles', () => this.apis.authorization.postAuthorizationSubjectBulkadd(userId, this.grants(grants), { subjectType: 'PC_USER' }));
  }

  /**
   * One role in the home division for up to 50 users: `PUT /authorization/roles/{roleId}/users/add`, the call
   * Genesys's user-provisioning guide grants a role to a list of users with (AuthorizationApi.md, body "List of user IDs").
   */
  async grantRoleToUsers(roleId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.call('grant a role to users', () => this.apis.authorization.putAuthorizationRoleUsersAdd(roleId, userIds));
  }

  /**
   * `bulkremove` fails as a whole when any listed role or division no longer exists (deleted since the
   * plan was read): "the bulk remove API returns failure if any roles/divisions no longer exist. Work
   * around by removing all grants individually and ignore 404s" (Terraform, same file). So after a 400 or
   * 404 each grant goes with its own DELETE, and a 404 there means that grant is gone already.
   */
  async revokeRoles(userId: string, grants: OrgRoleGrant[]): Promise<void> {
    if (grants.length === 0) return;
    try {
      await this.call('revoke roles', () => this.apis.authorization.postAuthorizationSubjectBulkremove(userId, this.grants(grants)));
      return;
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 400)) throw error;
    }
    for (const grant of grants) {
      try {
        await this.call('revoke role', () => this.apis.authorization.deleteAuthorizationSubjectDivisionRole(userId, grant.divisionId, grant.roleId));
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) throw error;
      }
    }
  }

  async setSkills(userId: string, skills: IdLevel[]): Promise<void> {
    if (skills.length === 0) return;
    await this.call('set skills', () => this.apis.users.patchUserRoutingskillsBulk(userId, skills.map((s) => ({ id: s.id, proficiency: s.level }))));
  }

  async removeSkill(userId: string, skillId: string): Promise<void> {
    await this.call('remove skill', () => this.apis.users.deleteUserRoutingskill(userId, skillId));
  }

  /** PUT replaces the whole value; label utilizations go back as the plan read them (RoutingApi.md putRoutingUserUtilization). */
  async setUtilization(userId: string, media: Partial<Record<MediaType, MediaUtilization>>, kept?: UtilizationKept): Promise<void> {
    await this.call('set utilization', () => this.apis.routing.putRoutingUserUtilization(userId, utilizationBody(media, kept)));
  }

  /** "Delete the user's max utilization settings and revert to the organization-wide default" (RoutingApi.md deleteRoutingUserUtilization). */
  async resetUtilization(userId: string): Promise<void> {
    await this.call('reset utilization', () => this.apis.routing.deleteRoutingUserUtilization(userId));
  }

  /** The starting guide's createWebRTCPhone (TelephonyProvidersEdgeApi.md postTelephonyProvidersEdgesPhones). */
  async createWebrtcPhone(userId: string, spec: WebrtcPhoneSpec): Promise<{ id: string; version: number }> {
    const phone = await this.call('create phone', () => this.apis.telephony.postTelephonyProvidersEdgesPhones(phoneBody(userId, spec)));
    return { id: phone.id ?? '', version: phone.version ?? 1 };
  }

  findWebrtcPhone(userId: string): Promise<{ id: string; version: number; name: string } | undefined> {
    return this.call('find phone', () => findPhone(this.apis, userId));
  }

  /** The whole phone at its version (putTelephonyProvidersEdgesPhone); a stale version is refused like any versioned write. */
  async updateWebrtcPhone(userId: string, phone: { id: string; version: number; name: string }, spec: WebrtcPhoneSpec): Promise<number> {
    const updated = await this.call('update phone', () => this.apis.telephony.putTelephonyProvidersEdgesPhone(phone.id, phoneBody(userId, { ...spec, name: phone.name }, phone.version)));
    return updated.version ?? phone.version + 1;
  }

  async deleteWebrtcPhone(phoneId: string): Promise<void> {
    await this.call('delete phone', () => this.apis.telephony.deleteTelephonyProvidersEdgesPhone(phoneId));
  }

  findStation(userId: string): Promise<string | undefined> {
    return this.call('find station', () => findStation(this.apis, userId));
  }

  async setDefaultStation(userId: string, stationId: string): Promise<void> {
    await this.call('set default station', () => this.apis.users.putUserStationDefaultstationStationId(userId, stationId));
  }

  async setVoicemailPolicy(userId: string, policy: VoicemailPolicy): Promise<void> {
    await this.call('set voicemail policy', () => this.apis.voicemail.patchVoicemailUserpolicy(userId, { ...policy }));
  }

  async setLanguages(userId: string, languages: IdLevel[]): Promise<void> {
    if (languages.length === 0) return;
    await this.call('set languages', () => this.apis.users.patchUserRoutinglanguagesBulk(userId, languages.map((l) => ({ id: l.id, proficiency: l.level }))));
  }

  async removeLanguage(userId: string, languageId: string): Promise<void> {
    await this.call('remove language', () => this.apis.users.deleteUserRoutinglanguage(userId, languageId));
  }

  async getGroupVersion(groupId: string): Promise<number> {
    const group = await this.call('read group', () => this.apis.groups.getGroup(groupId));
    return group.version ?? 0;
  }

  async addGroupMembers(groupId: string, version: number, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.call('add group members', () => this.apis.groups.postGroupMembers(groupId, { memberIds: userIds, version }));
  }

  async removeGroupMembers(groupId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.call('remove group members', () => this.apis.groups.deleteGroupMembers(groupId, userIds.join(',')));
  }

  async addQueueMembers(queueId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.call('add queue members', () => this.apis.routing.postRoutingQueueMembers(queueId, userIds.map((id) => ({ id }))));
  }

  async removeQueueMembers(queueId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.call('remove queue members', () => this.apis.routing.postRoutingQueueMembers(queueId, userIds.map((id) => ({ id })), { _delete: true }));
  }
}
