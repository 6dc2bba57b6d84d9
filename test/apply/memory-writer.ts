// An in-memory OrgWriter that records every call, for unit tests of apply's ordering, batching and locking rules.
import { ApiError } from '../../src/model/index.js';
import type { IdLevel, MediaType, MediaUtilization, NewUser, OrgRoleGrant, OrgUser, OrgWriter, UserPatch, UserState, UtilizationKept, VoicemailPolicy, WebrtcPhoneSpec } from '../../src/model/index.js';

export interface Call {
  method: keyof OrgWriter;
  args: unknown[];
}

/** Throws `error` instead of running the call when it returns one; return undefined to let it through. */
export type Interceptor = (call: Call, writer: MemoryWriter) => ApiError | undefined | 'after';

export function apiError(status: number, code: string, message: string, outcomeUnknown = false, retryAfterMs?: number): ApiError {
  return new ApiError({ status, code, message, method: 'X', path: '/api/v2/test', contextId: `ctx-${status}-${code}`, outcomeUnknown, retryAfterMs });
}

export class MemoryWriter implements OrgWriter {
  readonly users = new Map<string, OrgUser>();
  readonly queues = new Map<string, Set<string>>();
  readonly groups = new Map<string, { version: number; members: Set<string> }>();
  readonly divisions = new Map<string, string>();
  readonly calls: Call[] = [];
  /** Users visible to search (search lags behind writes when a test says so). */
  readonly searchable = new Set<string>();
  searchLagCalls = 0;
  /** Copies `getUser` answers with before the user itself, one per read (a read that lags the writes, as in a real org). */
  readonly staleReads = new Map<string, OrgUser[]>();
  inFlight = 0;
  maxInFlight = 0;
  private nextId = 1;
  interceptors: Interceptor[] = [];

  seed(user: Partial<OrgUser> & { id: string; email: string }): OrgUser {
    const full: OrgUser = { version: 1, name: user.email, state: 'active', phones: [], ...user };
    this.users.set(full.id, full);
    this.searchable.add(full.id);
    return full;
  }

  private async run<T>(method: keyof OrgWriter, args: unknown[], body: () => T): Promise<T> {
    const call = { method, args };
    this.calls.push(call);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      let after = false;
      for (const intercept of this.interceptors) {
        const verdict = intercept(call, this);
        if (verdict === 'after') after = true;
        else if (verdict) throw verdict;
      }
      const result = body();
      if (after) throw apiError(504, 'gateway.timeout', 'The request timed out.', true);
      return result;
    } finally {
      this.inFlight -= 1;
    }
  }

  callsOf(method: keyof OrgWriter): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  byEmail(email: string): OrgUser[] {
    return [...this.users.values()].filter((u) => u.email === email);
  }

  private user(id: string): OrgUser {
    const user = this.users.get(id);
    if (!user) throw apiError(404, 'not.found', `User ${id} not found`);
    return user;
  }

  private checkVersion(user: OrgUser, version: number): void {
    if (user.version !== version) throw apiError(409, 'general.conflict', 'The version number of the modified resource must match the version number in the database.');
  }

  createUser(user: NewUser): Promise<{ id: string; version: number }> {
    return this.run('createUser', [user], () => {
      if ([...this.users.values()].some((u) => u.email === user.email)) throw apiError(400, 'general.conflict', 'conflicting users: the email is in use');
      const id = `u${this.nextId++}`;
      const created: OrgUser = {
        id, version: 1, email: user.email, name: user.name, state: user.state ?? 'active', title: user.title, department: user.department,
        divisionId: user.divisionId ?? 'home', phones: user.phones ?? [], skills: {}, languages: {}, roleGrants: [], groupIds: [],
      };
      this.users.set(id, created);
      if (this.searchLagCalls === 0) this.searchable.add(id);
      return { id, version: 1 };
    });
  }

  findUserByEmail(email: string): Promise<OrgUser | undefined> {
    return this.run('findUserByEmail', [email], () => {
      if (this.searchLagCalls > 0) {
        this.searchLagCalls -= 1;
        if (this.searchLagCalls === 0) for (const id of this.users.keys()) this.searchable.add(id);
        return undefined;
      }
      const found = [...this.users.values()].find((u) => u.email === email && this.searchable.has(u.id));
      return found ? structuredClone(found) : undefined;
    });
  }

  /** Genesys hides a deleted user from a plain read: 404 unless `state: 'deleted'` is asked for. */
  getUser(id: string, state?: 'deleted'): Promise<OrgUser> {
    return this.run('getUser', [id], () => {
      const stale = this.staleReads.get(id)?.shift();
      const user = stale ?? this.user(id);
      if ((user.state === 'deleted') !== (state === 'deleted')) throw apiError(404, 'not.found', `User ${id} not found`);
      return structuredClone(user);
    });
  }

  /** The next `n` reads of the user answer it as it is now, whatever is written meanwhile. */
  lagReads(id: string, n: number): void {
    const now = structuredClone(this.user(id));
    this.staleReads.set(id, Array.from({ length: n }, () => structuredClone(now)));
  }

  patchUser(id: string, version: number, patch: UserPatch): Promise<number> {
    return this.run('patchUser', [id, version, patch], () => {
      const user = this.user(id);
      this.checkVersion(user, version);
      if (user.state === 'deleted') throw apiError(404, 'not.found', `User ${id} not found`);
      if (patch.name !== undefined) user.name = patch.name;
      if (patch.title !== undefined) user.title = patch.title ?? undefined;
      if (patch.department !== undefined) user.department = patch.department ?? undefined;
      if (patch.managerId !== undefined) {
        if (patch.managerId !== null) this.user(patch.managerId);
        user.managerId = patch.managerId ?? undefined;
      }
      if (patch.phones !== undefined) user.phones = patch.phones;
      if (patch.otherEmails !== undefined) user.otherEmails = patch.otherEmails;
      if (patch.acdAutoAnswer !== undefined) user.acdAutoAnswer = patch.acdAutoAnswer;
      if (patch.profileSkills !== undefined) user.profileSkills = patch.profileSkills;
      if (patch.certifications !== undefined) user.certifications = patch.certifications;
      if (patch.employerInfo !== undefined) user.employerInfo = patch.employerInfo ?? undefined;
      if (patch.locationIds !== undefined) user.locationIds = patch.locationIds;
      user.version += 1;
      return user.version;
    });
  }

  setAutoAnswer(users: Array<{ id: string; acdAutoAnswer: boolean }>): Promise<Map<string, number>> {
    return this.run('setAutoAnswer', [users], () => {
      if (users.length > 50) throw apiError(400, 'bad.request', 'at most 50 users per call');
      const found = users.map((u) => ({ user: this.user(u.id), value: u.acdAutoAnswer }));
      if (found.some((f) => f.user.state === 'deleted')) throw apiError(404, 'not.found', 'a user is not found');
      const versions = new Map<string, number>();
      for (const { user, value } of found) {
        user.acdAutoAnswer = value;
        user.version += 1;
        versions.set(user.id, user.version);
      }
      return versions;
    });
  }

  setUserState(id: string, version: number, state: UserState): Promise<number> {
    return this.run('setUserState', [id, version, state], () => {
      const user = this.user(id);
      this.checkVersion(user, version);
      user.state = state;
      user.version += 1;
      return user.version;
    });
  }

  moveUsersToDivision(divisionId: string, userIds: string[]): Promise<void> {
    return this.run('moveUsersToDivision', [divisionId, userIds], () => {
      for (const id of userIds) this.user(id).divisionId = divisionId;
    });
  }

  grantRoles(userId: string, grants: OrgRoleGrant[]): Promise<void> {
    return this.run('grantRoles', [userId, grants], () => {
      const user = this.user(userId);
      user.roleGrants = [...(user.roleGrants ?? []), ...grants];
    });
  }

  /** The home division apply batches grants in; none by default, so every grant goes per user. */
  home: string | undefined;

  homeDivisionId(): Promise<string | undefined> {
    return Promise.resolve(this.home);
  }

  grantRoleToUsers(roleId: string, userIds: string[]): Promise<void> {
    return this.run('grantRoleToUsers', [roleId, userIds], () => {
      if (userIds.length > 50) throw apiError(400, 'bad.request', 'at most 50 users per call');
      const users = userIds.map((id) => this.user(id));
      for (const user of users) if (!(user.roleGrants ?? []).some((g) => g.roleId === roleId && g.divisionId === this.home)) user.roleGrants = [...(user.roleGrants ?? []), { roleId, divisionId: this.home ?? '' }];
    });
  }

  revokeRoles(userId: string, grants: OrgRoleGrant[]): Promise<void> {
    return this.run('revokeRoles', [userId, grants], () => {
      const user = this.user(userId);
      user.roleGrants = (user.roleGrants ?? []).filter((g) => !grants.some((r) => r.roleId === g.roleId && r.divisionId === g.divisionId));
    });
  }

  setSkills(userId: string, skills: IdLevel[]): Promise<void> {
    return this.run('setSkills', [userId, skills], () => {
      if (skills.length > 50) throw apiError(400, 'bad.request', 'at most 50 skills per call');
      const user = this.user(userId);
      user.skills = { ...user.skills, ...Object.fromEntries(skills.map((s) => [s.id, s.level])) };
    });
  }

  setUtilization(userId: string, media: Partial<Record<MediaType, MediaUtilization>>, kept?: UtilizationKept): Promise<void> {
    return this.run('setUtilization', [userId, media, kept], () => {
      this.user(userId).utilization = kept ? { media, kept } : { media };
    });
  }

  resetUtilization(userId: string): Promise<void> {
    return this.run('resetUtilization', [userId], () => {
      this.user(userId).utilization = 'org-default';
    });
  }

  setVoicemailPolicy(userId: string, policy: VoicemailPolicy): Promise<void> {
    return this.run('setVoicemailPolicy', [userId, policy], () => {
      const user = this.user(userId);
      user.voicemail = { ...user.voicemail, ...policy };
    });
  }

  /** WebRTC phones by user id, with the station each brought (visible at once here). */
  readonly phones = new Map<string, { id: string; version: number; name: string; spec: WebrtcPhoneSpec; stationId: string }>();
  readonly defaultStations = new Map<string, string>();

  createWebrtcPhone(userId: string, spec: WebrtcPhoneSpec): Promise<{ id: string; version: number }> {
    return this.run('createWebrtcPhone', [userId, spec], () => {
      this.user(userId);
      const id = `phone-${userId}`;
      this.phones.set(userId, { id, version: 1, name: spec.name, spec, stationId: `station-${userId}` });
      return { id, version: 1 };
    });
  }

  findWebrtcPhone(userId: string): Promise<{ id: string; version: number; name: string } | undefined> {
    return this.run('findWebrtcPhone', [userId], () => {
      const phone = this.phones.get(userId);
      return phone ? { id: phone.id, version: phone.version, name: phone.name } : undefined;
    });
  }

  updateWebrtcPhone(userId: string, phone: { id: string; version: number; name: string }, spec: WebrtcPhoneSpec): Promise<number> {
    return this.run('updateWebrtcPhone', [userId, phone, spec], () => {
      const held = this.phones.get(userId);
      if (!held) throw new Error('no phone');
      held.spec = spec;
      held.version += 1;
      return held.version;
    });
  }

  deleteWebrtcPhone(phoneId: string): Promise<void> {
    return this.run('deleteWebrtcPhone', [phoneId], () => {
      for (const [userId, phone] of this.phones) if (phone.id === phoneId) this.phones.delete(userId);
    });
  }

  findStation(userId: string): Promise<string | undefined> {
    return this.run('findStation', [userId], () => this.phones.get(userId)?.stationId);
  }

  setDefaultStation(userId: string, stationId: string): Promise<void> {
    return this.run('setDefaultStation', [userId, stationId], () => {
      this.defaultStations.set(userId, stationId);
    });
  }

  removeSkill(userId: string, skillId: string): Promise<void> {
    return this.run('removeSkill', [userId, skillId], () => {
      delete this.user(userId).skills?.[skillId];
    });
  }

  setLanguages(userId: string, languages: IdLevel[]): Promise<void> {
    return this.run('setLanguages', [userId, languages], () => {
      if (languages.length > 50) throw apiError(400, 'bad.request', 'at most 50 languages per call');
      const user = this.user(userId);
      user.languages = { ...user.languages, ...Object.fromEntries(languages.map((s) => [s.id, s.level])) };
    });
  }

  removeLanguage(userId: string, languageId: string): Promise<void> {
    return this.run('removeLanguage', [userId, languageId], () => {
      delete this.user(userId).languages?.[languageId];
    });
  }

  private group(id: string): { version: number; members: Set<string> } {
    const group = this.groups.get(id) ?? { version: 1, members: new Set<string>() };
    this.groups.set(id, group);
    return group;
  }

  getGroupVersion(groupId: string): Promise<number> {
    return this.run('getGroupVersion', [groupId], () => this.group(groupId).version);
  }

  addGroupMembers(groupId: string, version: number, userIds: string[]): Promise<void> {
    return this.run('addGroupMembers', [groupId, version, userIds], () => {
      const group = this.group(groupId);
      if (group.version !== version) throw apiError(409, 'general.conflict', 'stale group version');
      if (userIds.length > 50) throw apiError(400, 'bad.request', 'at most 50 members per call');
      for (const id of userIds) group.members.add(id);
      group.version += 1;
    });
  }

  removeGroupMembers(groupId: string, userIds: string[]): Promise<void> {
    return this.run('removeGroupMembers', [groupId, userIds], () => {
      if (userIds.length > 50) throw apiError(400, 'bad.request', 'at most 50 members per call');
      const group = this.group(groupId);
      for (const id of userIds) group.members.delete(id);
      group.version += 1;
    });
  }

  addQueueMembers(queueId: string, userIds: string[]): Promise<void> {
    return this.run('addQueueMembers', [queueId, userIds], () => {
      if (userIds.length > 100) throw apiError(400, 'bad.request', 'at most 100 members per call');
      const queue = this.queues.get(queueId) ?? new Set<string>();
      for (const id of userIds) queue.add(id);
      this.queues.set(queueId, queue);
    });
  }

  removeQueueMembers(queueId: string, userIds: string[]): Promise<void> {
    return this.run('removeQueueMembers', [queueId, userIds], () => {
      if (userIds.length > 100) throw apiError(400, 'bad.request', 'at most 100 members per call');
      const queue = this.queues.get(queueId) ?? new Set<string>();
      for (const id of userIds) queue.delete(id);
    });
  }

  apiCalls(): number {
    return this.calls.length;
  }
}
