// The write port through the SDK against the sandbox: every operation apply drives, and how writes fail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type Connection } from '../../src/genesys/index.js';
import { ApiError } from '../../src/model/errors.js';
import { startSandbox, type RunningSandbox, type SeedOrg } from '../../src/sandbox/index.js';

const SECRET = 'writer-secret-0123456789';

const seed: SeedOrg = {
  org: { name: 'Writer Org' },
  divisions: [{ name: 'Home', home: true }, 'Support', 'Sales'],
  skills: ['Billing', 'Refunds', 'Escalations'],
  languages: ['English', 'Spanish'],
  roles: ['employee', 'Agent', 'Supervisor'],
  locations: ['Dublin', 'Remote'],
  queues: ['Support - Tier 1', 'Sales - Tier 1'],
  groups: ['Team Ada', 'Team Ben'],
  users: [
    { email: 'ola.lind@example.com', name: 'Ola Lind', title: 'Team Lead', roles: ['employee'] },
    { email: 'kim.sato@example.com', name: 'Kim Sato', state: 'deleted' },
    { email: 'ada.berg@example.com', name: 'Ada Berg', title: 'Agent', department: 'Support', manager: 'ola.lind@example.com', skills: { Billing: 2 }, languages: { English: 4 }, roles: ['Agent'], groups: ['Team Ada'], queues: ['Support - Tier 1'] },
  ],
};

describe('the write port', () => {
  let sb: RunningSandbox;
  let conn: Connection;
  const id = (email: string) => {
    const u = sb.org.liveUserByEmail(email);
    assert.ok(u, email);
    return u;
  };
  const named = (coll: { sorted(): Array<{ id: string; name: string }> }, name: string) => {
    const found = coll.sorted().find((x) => x.name === name);
    assert.ok(found, name);
    return found.id;
  };

  before(async () => {
    sb = await startSandbox({ seed, requestsPerMinute: 1_000_000, clients: [{ id: 'writer', secret: SECRET }] });
    conn = await connect({ environment: sb.url, clientId: 'writer', clientSecret: SECRET }, { retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRateLimited: 5 } });
  });
  after(() => sb.stop());

  it('creates a user in the home division unless told otherwise', async () => {
    const created = await conn.writer.createUser({ name: 'Nina Berg', email: 'nina.berg@example.com', title: 'Agent', phones: [{ type: 'work', number: '+13175550100', extension: '12', mediaType: 'PHONE' }] });
    const rec = sb.org.getUser(created.id);
    assert.ok(rec);
    assert.equal(rec.version, created.version);
    assert.equal(rec.divisionId, sb.org.homeDivision().id);
    assert.equal(rec.title, 'Agent');
    assert.deepEqual(rec.addresses.map((a) => [a.address, a.extension, a.type, a.mediaType]), [['+13175550100', '12', 'WORK', 'PHONE']]);
    const sales = named(sb.org.divisions, 'Sales');
    const other = await conn.writer.createUser({ name: 'Sam Silva', email: 'sam.silva@example.com', divisionId: sales });
    assert.equal(sb.org.getUser(other.id)?.divisionId, sales);
  });

  it('finds users by email in any state, deleted included', async () => {
    const live = await conn.writer.findUserByEmail('  ADA.Berg@example.com ');
    assert.equal(live?.id, id('ada.berg@example.com').id);
    assert.equal(live?.state, 'active');
    assert.deepEqual(live?.skills, { [named(sb.org.skills, 'Billing')]: 2 });
    const deleted = await conn.writer.findUserByEmail('kim.sato@example.com');
    assert.equal(deleted?.state, 'deleted');
    assert.equal(await conn.writer.findUserByEmail('nobody@example.com'), undefined);
  });

  it('patches every profile field and returns the new version', async () => {
    const ada = id('ada.berg@example.com');
    const ola = id('ola.lind@example.com');
    const dublin = named(sb.org.locations, 'Dublin');
    const version = await conn.writer.patchUser(ada.id, ada.version, {
      name: 'Ada Berg-Lind',
      title: 'Senior Agent',
      department: 'Billing',
      managerId: ola.id,
      phones: [
        { type: 'mobile', number: '+46701234567', mediaType: 'SMS' },
        { type: 'work', extension: '4411', mediaType: 'PHONE' },
      ],
      acdAutoAnswer: true,
      profileSkills: ['Mentoring'],
      certifications: ['ITIL'],
      employerInfo: { employeeId: 'E1', employeeType: 'Full-time', dateHire: '2020-02-01' },
      locationIds: [dublin],
    });
    const rec = sb.org.getUser(ada.id);
    assert.ok(rec);
    assert.equal(version, rec.version);
    assert.equal(rec.name, 'Ada Berg-Lind');
    assert.equal(rec.title, 'Senior Agent');
    assert.equal(rec.department, 'Billing');
    assert.equal(rec.managerId, ola.id);
    assert.equal(rec.acdAutoAnswer, true);
    assert.deepEqual(rec.profileSkills, ['Mentoring']);
    assert.deepEqual(rec.certifications, ['ITIL']);
    assert.deepEqual(rec.employerInfo, { employeeId: 'E1', employeeType: 'Full-time', dateHire: '2020-02-01' });
    assert.deepEqual(rec.locationIds, [dublin]);
    const read = await conn.writer.getUser(ada.id);
    assert.deepEqual(read.phones, [
      { type: 'mobile', number: '+46701234567', mediaType: 'SMS' },
      { type: 'work', extension: '4411', mediaType: 'PHONE' },
    ]);
    assert.deepEqual(read.locationIds, [dublin]);
  });

  it('clears the manager, text fields and employer info with null', async () => {
    const ada = id('ada.berg@example.com');
    await conn.writer.patchUser(ada.id, ada.version, { managerId: null, title: null, department: null, employerInfo: null, locationIds: [], phones: [] });
    const read = await conn.writer.getUser(ada.id);
    assert.equal(read.managerId, undefined);
    assert.equal(read.title, undefined);
    assert.equal(read.department, undefined);
    assert.equal(read.employerInfo, undefined);
    assert.deepEqual(read.locationIds, []);
    assert.deepEqual(read.phones, []);
  });

  it('refuses a stale version with a typed 409', async () => {
    const ada = id('ada.berg@example.com');
    await assert.rejects(conn.writer.patchUser(ada.id, ada.version - 1, { title: 'x' }), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 409);
      assert.equal(error.method, 'PATCH');
      assert.equal(error.outcomeUnknown, false);
      return true;
    });
  });

  it('deactivates, reactivates and restores', async () => {
    const ola = id('ola.lind@example.com');
    const v1 = await conn.writer.setUserState(ola.id, ola.version, 'inactive');
    assert.equal(sb.org.getUser(ola.id)?.state, 'inactive');
    await conn.writer.setUserState(ola.id, v1, 'active');
    assert.equal(sb.org.getUser(ola.id)?.state, 'active');
    const kim = sb.org.usersByEmail('kim.sato@example.com')[0];
    assert.ok(kim);
    await conn.writer.setUserState(kim.id, kim.version, 'active');
    assert.equal(sb.org.getUser(kim.id)?.state, 'active');
  });

  it('moves users between divisions', async () => {
    const support = named(sb.org.divisions, 'Support');
    const ids = [id('ada.berg@example.com').id, id('ola.lind@example.com').id];
    await conn.writer.moveUsersToDivision(support, ids);
    for (const u of ids) assert.equal(sb.org.getUser(u)?.divisionId, support);
  });

  it('grants and revokes roles per division', async () => {
    const ada = id('ada.berg@example.com');
    const supervisor = named(sb.org.roles, 'Supervisor');
    const agent = named(sb.org.roles, 'Agent');
    const sales = named(sb.org.divisions, 'Sales');
    const home = sb.org.homeDivision().id;
    await conn.writer.grantRoles(ada.id, [{ roleId: supervisor, divisionId: sales }]);
    assert.ok(sb.org.getUser(ada.id)?.grants.some((g) => g.roleId === supervisor && g.divisionId === sales));
    await conn.writer.revokeRoles(ada.id, [{ roleId: agent, divisionId: home }]);
    assert.ok(!sb.org.getUser(ada.id)?.grants.some((g) => g.roleId === agent));
  });

  it('sets and removes skills and languages', async () => {
    const ada = id('ada.berg@example.com');
    const billing = named(sb.org.skills, 'Billing');
    const refunds = named(sb.org.skills, 'Refunds');
    const spanish = named(sb.org.languages, 'Spanish');
    const english = named(sb.org.languages, 'English');
    await conn.writer.setSkills(ada.id, [{ id: billing, level: 5 }, { id: refunds, level: 1 }]);
    await conn.writer.removeSkill(ada.id, billing);
    assert.deepEqual(Object.fromEntries(sb.org.getUser(ada.id)?.skills ?? []), { [refunds]: 1 });
    await conn.writer.setLanguages(ada.id, [{ id: spanish, level: 3 }]);
    await conn.writer.removeLanguage(ada.id, english);
    assert.deepEqual(Object.fromEntries(sb.org.getUser(ada.id)?.languages ?? []), { [spanish]: 3 });
  });

  it('adds and removes group members with the group version; a stale one is a 409', async () => {
    const team = named(sb.org.groups, 'Team Ben');
    const ola = id('ola.lind@example.com').id;
    const version = await conn.writer.getGroupVersion(team);
    await conn.writer.addGroupMembers(team, version, [ola]);
    assert.ok(sb.org.groups.get(team)?.members.has(ola));
    await assert.rejects(conn.writer.addGroupMembers(team, version, [ola]), (e: unknown) => e instanceof ApiError && e.status === 409);
    await conn.writer.removeGroupMembers(team, [ola]);
    assert.ok(!sb.org.groups.get(team)?.members.has(ola));
  });

  it('adds and removes queue members, retrying a 5xx because the change is idempotent', async () => {
    const queue = named(sb.org.queues, 'Sales - Tier 1');
    const ids = [id('ola.lind@example.com').id, id('ada.berg@example.com').id];
    sb.script({ method: 'POST', path: '/api/v2/routing/queues/{id}/members', kind: '5xx', status: 503, body: 'html' });
    await conn.writer.addQueueMembers(queue, ids);
    assert.deepEqual([...(sb.org.queues.get(queue)?.members ?? [])].sort(), [...ids].sort());
    await conn.writer.removeQueueMembers(queue, [ids[0] as string]);
    assert.deepEqual([...(sb.org.queues.get(queue)?.members ?? [])], [ids[1]]);
  });

  it('does not resend a create after a 5xx and says the outcome is unknown', async () => {
    const before = sb.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/users').length;
    sb.script({ method: 'POST', path: '/api/v2/users', kind: '5xx', status: 500, body: 'empty' });
    await assert.rejects(conn.writer.createUser({ name: 'Theo Xu', email: 'theo.xu@example.com' }), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 500);
      assert.equal(error.outcomeUnknown, true);
      return true;
    });
    assert.equal(sb.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/users').length, before + 1);
  });

  it('a create whose answer is lost is found by email afterwards', async () => {
    sb.script({ method: 'POST', path: '/api/v2/users', kind: 'drop-after-commit' });
    await assert.rejects(conn.writer.createUser({ name: 'Uma Varga', email: 'uma.varga@example.com' }), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 0);
      assert.equal(error.outcomeUnknown, true);
      assert.ok(!JSON.stringify(error).includes(SECRET));
      return true;
    });
    const found = await conn.writer.findUserByEmail('uma.varga@example.com');
    assert.equal(found?.id, sb.org.liveUserByEmail('uma.varga@example.com')?.id);
  });

  it('counts its own calls, apart from reads on the same connection', async () => {
    const before = conn.writer.apiCalls();
    const read = await conn.reader.readOrg({ emails: [], queueNames: [], roles: false });
    assert.equal(conn.writer.apiCalls(), before);
    await conn.writer.getGroupVersion(named(sb.org.groups, 'Team Ada'));
    assert.equal(conn.writer.apiCalls(), before + 1);
    assert.ok(read.apiCalls > 0);
    assert.ok(conn.stats().calls >= read.apiCalls + conn.writer.apiCalls());
  });
});
