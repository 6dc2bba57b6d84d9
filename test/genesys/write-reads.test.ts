// The write port's reads through the SDK: users found by search without expands and read by id, expansions Genesys drops read again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect, type Connection } from '../../src/genesys/index.js';
import { orgUserOf } from '../../src/genesys/normalize.js';
import { startSandbox, type RunningSandbox, type SeedOrg } from '../../src/sandbox/index.js';

const CLIENT = { id: 'write-reads', secret: 'write-reads-secret-0123456789' };

const seed: SeedOrg = {
  org: { name: 'Write Reads Org' },
  divisions: [{ name: 'Home', home: true }],
  skills: ['Billing', 'Refunds'],
  languages: ['English'],
  roles: ['employee'],
  locations: ['Dublin'],
  groups: ['Team Ada'],
  users: [
    {
      email: 'ada@example.com',
      name: 'Ada',
      skills: { Billing: 2 },
      languages: { English: 4 },
      groups: ['Team Ada'],
      locations: ['Dublin'],
      profileSkills: ['Excel'],
      certifications: ['ITIL'],
      employerInfo: { employeeId: 'E7' },
      roles: ['employee'],
    },
    { email: 'kim@example.com', name: 'Kim Old', state: 'deleted', dateDeleted: '2025-01-01T00:00:00.000Z', version: 2 },
    { email: 'kim@example.com', name: 'Kim', state: 'deleted', dateDeleted: '2026-03-02T10:00:00.000Z', version: 6, skills: { Refunds: 3 } },
  ],
};

async function withWriter(options: { faults?: string; randomSeed?: number }, fn: (sb: RunningSandbox, conn: Connection) => Promise<void>): Promise<void> {
  const sb = await startSandbox({ seed, requestsPerMinute: 1_000_000, clients: [CLIENT], ...options });
  try {
    await fn(sb, await connect({ environment: sb.url, clientId: CLIENT.id, clientSecret: CLIENT.secret }, { retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRateLimited: 5 } }));
  } finally {
    await sb.stop();
  }
}

describe('the write port reads', () => {
  it('finds a user by search without expands, then reads it by id with every field', async () => {
    await withWriter({}, async (sb, conn) => {
      const since = sb.requests.length;
      const ada = await conn.writer.findUserByEmail('ADA@example.com');
      assert.equal(ada?.unknown, undefined);
      assert.deepEqual(Object.values(ada?.skills ?? {}), [2]);
      assert.deepEqual(ada?.profileSkills, ['Excel']);
      assert.deepEqual(ada?.employerInfo, { employeeId: 'E7' });
      const calls = sb.requests.slice(since).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, '{id}')}`);
      assert.deepEqual(calls, ['POST /api/v2/users/search', 'GET /api/v2/users/{id}']);
    });
  });

  it('reads a deleted user with state=deleted, the latest deletion of the email, with its version', async () => {
    await withWriter({}, async (sb, conn) => {
      const since = sb.requests.length;
      const kim = await conn.writer.findUserByEmail('kim@example.com');
      assert.equal(kim?.state, 'deleted');
      assert.equal(kim?.version, 6);
      assert.equal(kim?.name, 'Kim');
      assert.deepEqual(Object.values(kim?.skills ?? {}), [3]);
      const read = sb.requests.slice(since).find((r) => r.method === 'GET');
      assert.equal(new URLSearchParams(read?.query).get('state'), 'deleted');
      assert.equal((await conn.writer.getUser(kim?.id ?? '', 'deleted')).version, 6);
    });
  });

  it('reads again what Genesys left out: skills, languages and profile skills from their own endpoints, the rest by another read', async () => {
    // Every user read drops at least one of the expansions it asked for; the dedicated reads never do.
    await withWriter({ faults: 'drop-expand:1', randomSeed: 11 }, async (sb, conn) => {
      const rec = sb.org.liveUserByEmail('ada@example.com');
      assert.ok(rec);
      const since = sb.requests.length;
      const ada = await conn.writer.getUser(rec.id);
      const paths = sb.requests.slice(since).map((r) => r.path.replace(rec.id, '{id}'));
      // What it knows is right; what it does not know is listed, never read as empty.
      const known = (field: string) => !(ada.unknown ?? []).includes(field as never);
      assert.ok(known('skills') && known('languages') && known('profileSkills'));
      assert.deepEqual(Object.values(ada.skills ?? {}), [2]);
      assert.deepEqual(Object.values(ada.languages ?? {}), [4]);
      assert.deepEqual(ada.profileSkills, ['Excel']);
      if (known('groups')) assert.equal(ada.groupIds?.length, 1);
      if (known('locations')) assert.equal(ada.locationIds?.length, 1);
      if (known('certifications')) assert.deepEqual(ada.certifications, ['ITIL']);
      if (known('employerInfo')) assert.deepEqual(ada.employerInfo, { employeeId: 'E7' });
      for (const field of ['groups', 'locations', 'certifications', 'employerInfo'] as const) {
        if (!known(field)) assert.equal(field === 'groups' ? ada.groupIds : field === 'locations' ? ada.locationIds : ada[field], undefined, field);
      }
      assert.ok(paths.filter((p) => p === '/api/v2/users/{id}').length >= 2, 'the user read again');
      assert.ok(paths.filter((p) => p === '/api/v2/users/{id}').length <= 4, 'a few times at most');
    });
  });
});

describe('orgUserOf', () => {
  it('lists what the user lacks as unknown, and reads empty lists as none', () => {
    const bare = orgUserOf({ id: 'u1', email: 'A@x.com', name: 'A', state: 'active', version: 1 } as never);
    assert.deepEqual(bare.unknown, ['skills', 'languages', 'groups', 'locations', 'profileSkills', 'certifications', 'employerInfo', 'roles']);
    assert.equal(bare.skills, undefined);
    const empty = orgUserOf({
      id: 'u1',
      email: 'a@x.com',
      name: 'A',
      state: 'active',
      version: 1,
      skills: [],
      languages: [],
      groups: [],
      locations: [],
      profileSkills: [],
      certifications: [],
      employerInfo: {},
      authorization: { roles: [] },
    } as never);
    assert.equal(empty.unknown, undefined);
    assert.deepEqual([empty.skills, empty.languages, empty.groupIds, empty.locationIds, empty.profileSkills, empty.certifications, empty.roleIds], [{}, {}, [], [], [], [], []]);
    assert.equal(empty.employerInfo, undefined);
  });
});
