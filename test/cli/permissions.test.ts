// `provision permissions`: the least-privilege permission lists for the plan and apply OAuth clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENDPOINTS, MANAGED_FIELDS, permissionsFor } from '../../src/genesys/permissions.js';
import type { ManagedField } from '../../src/genesys/permissions.js';
import { buildReport, managedFields, renderJson, renderText } from '../../src/cli/permissions.js';
import type { DesiredUser } from '../../src/model/index.js';

const BIN = resolve('bin/provision.js');
const PROBE = resolve('dist/test/support/sdk-probe.js');

function granted(role: 'plan' | 'apply', fields: ManagedField[]): string[] {
  return permissionsFor(role, fields).permissions.map((need) => need.permission);
}

test('every permission is a domain:entity:action name the API reference lists or practice requires', () => {
  for (const endpoint of ENDPOINTS) {
    for (const permission of [...endpoint.anyOf, ...(endpoint.grant ? [endpoint.grant] : [])]) {
      assert.match(permission, /^[a-z]+:[a-zA-Z]+:[a-zA-Z]+$/, `${endpoint.method} ${endpoint.path}: ${permission}`);
    }
    if (endpoint.anyOf.length > 0) {
      assert.ok(endpoint.grant && endpoint.anyOf.includes(endpoint.grant), `${endpoint.method} ${endpoint.path} grants one of its listed permissions`);
      assert.equal(endpoint.note, undefined);
    }
    if (endpoint.anyOf.length === 0 && endpoint.grant) assert.ok(endpoint.note, `${endpoint.method} ${endpoint.path} says why it needs ${endpoint.grant}`);
  }
});

test('the plan client is read-only whatever the fields', () => {
  const plan = permissionsFor('plan', MANAGED_FIELDS);
  for (const need of plan.permissions) assert.match(need.permission, /:(view|readonly)$/, need.permission);
  for (const endpoint of [...plan.permissions.flatMap((need) => need.endpoints), ...plan.unrestricted]) {
    assert.ok(endpoint.method === 'GET' || endpoint.path.endsWith('/search'), `${endpoint.method} ${endpoint.path} is not a read`);
  }
});

test('the apply client can read everything the plan client reads (it plans afresh)', () => {
  const plan = new Set(granted('plan', [...MANAGED_FIELDS]));
  const apply = new Set(granted('apply', [...MANAGED_FIELDS]));
  for (const permission of plan) assert.ok(apply.has(permission), permission);
});

// What managing one more field adds to the apply client, beyond the users-only baseline.
const BASELINE = ['directory:user:add', 'directory:user:edit', 'directory:user:view'];
const ADDS: [ManagedField, string[]][] = [
  ['title', []],
  ['manager', []],
  ['phones', ['telephony:extension:assign', 'telephony:extensionPool:view']],
  ['otherEmails', ['telephony:extension:assign']],
  ['employerInfo', []],
  ['division', []],
  ['skills', ['routing:skill:assign']],
  ['languages', ['routing:language:assign']],
  ['queues', ['routing:queue:view', 'routing:queueMember:manage']],
  ['groups', ['directory:group:edit']],
  ['roles', ['authorization:grant:add', 'authorization:grant:delete', 'authorization:grant:view', 'authorization:role:view']],
];

test('a users-only repository needs only the directory permissions', () => {
  assert.deepEqual(granted('apply', ['name']), BASELINE);
  assert.deepEqual(granted('plan', ['name']), ['directory:user:view']);
});

for (const [field, adds] of ADDS) {
  test(`managing ${field} adds ${adds.join(', ') || 'nothing'} to the apply client`, () => {
    assert.deepEqual(granted('apply', ['name', field]), [...BASELINE, ...adds].sort());
  });
}

test('each permission lists the endpoints that need it', () => {
  const skills = permissionsFor('apply', ['name', 'skills']).permissions.find((need) => need.permission === 'routing:skill:assign');
  assert.deepEqual(
    skills?.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`),
    ['PATCH /api/v2/users/{userId}/routingskills/bulk', 'DELETE /api/v2/users/{userId}/routingskills/{skillId}'],
  );
});

function user(fields: Partial<DesiredUser>): DesiredUser {
  return { email: 'a@acme.com', name: 'A', source: { file: 'users/a.yaml', line: 1 }, at: {}, ...fields };
}

test('a field counts as managed when any user sets it, an empty list included', () => {
  assert.deepEqual(managedFields([user({ title: 'Agent' }), user({ queues: [] })]), ['name', 'title', 'queues']);
  assert.deepEqual(managedFields([]), ['name']);
});

test('the text and JSON renderings carry the same permissions', () => {
  const report = buildReport(['name', 'groups'], 'users', 2);
  const text = renderText(report);
  const json = JSON.parse(renderJson(report)) as { clients: { role: string; permissions: { permission: string; endpoints: { path: string }[] }[] }[] };
  const apply = json.clients.find((client) => client.role === 'apply');
  assert.deepEqual(
    apply?.permissions.map((need) => need.permission),
    ['directory:group:edit', 'directory:user:add', 'directory:user:edit', 'directory:user:view'],
  );
  for (const need of apply?.permissions ?? []) assert.ok(text.includes(`  ${need.permission}\n`), need.permission);
  assert.match(text, /the fields users\/ manages \(2 users\): name, groups\./);
  assert.match(text, /\[1\] The API reference lists no permission for this call/);
});

function inRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'provision-permissions-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

test('provision permissions reads users/ and lists only what its fields need, without the SDK', () => {
  const dir = inRepo({
    'provision.yaml': 'usersDir: users\n',
    'users/team.yaml': 'users:\n  - email: ana@acme.com\n    name: Ana\n    skills:\n      Billing: 3\n',
  });
  try {
    const run = spawnSync(process.execPath, ['--import', PROBE, BIN, 'permissions', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /SDK-LOADED/);
    const report = JSON.parse(run.stdout) as { fields: string[]; fieldsSource: string; users: number; clients: { role: string; permissions: { permission: string }[] }[] };
    assert.deepEqual(report.fields, ['name', 'skills']);
    assert.equal(report.fieldsSource, 'users');
    assert.equal(report.users, 1);
    const apply = report.clients.find((client) => client.role === 'apply')?.permissions.map((need) => need.permission);
    assert.deepEqual(apply, ['directory:user:add', 'directory:user:edit', 'directory:user:view', 'routing:skill:assign']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('provision permissions --all lists every field; a bad --format is a clear error', () => {
  const dir = inRepo({ 'provision.yaml': 'usersDir: users\n', 'users/team.yaml': 'users:\n  - email: ana@acme.com\n    name: Ana\n' });
  try {
    const all = spawnSync(process.execPath, [BIN, 'permissions', '--all'], { cwd: dir, encoding: 'utf8' });
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /every field provision can manage/);
    for (const permission of ['routing:queueMember:manage', 'authorization:grant:add', 'directory:group:edit']) assert.ok(all.stdout.includes(permission), permission);
    const bad = spawnSync(process.execPath, [BIN, 'permissions', '--format', 'xml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /bad-format/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `METHOD /path` of every SDK method the Genesys adapter calls, read from the sources (the SDK is not loaded). */
function adapterCalls(): { call: string; endpoint: string }[] {
  const sdkApi = resolve('node_modules/purecloud-platform-client-v2/src/purecloud-platform-client-v2/api');
  const sdkSources = readdirSync(sdkApi).map((file) => readFileSync(join(sdkApi, file), 'utf8'));
  const adapter = resolve('src/genesys');
  const methods = new Set<string>();
  for (const file of readdirSync(adapter).filter((name) => name.endsWith('.ts') && name !== 'permissions.ts')) {
    for (const match of readFileSync(join(adapter, file), 'utf8').matchAll(/\bapis\.\w+\.(\w+)\(/g)) methods.add(match[1] as string);
  }
  return [...methods].sort().map((method) => {
    const pattern = new RegExp(`\\n\\t${method}\\([^)]*\\) \\{[\\s\\S]*?callApi\\(\\s*'([^']+)',\\s*'([A-Z]+)'`);
    const found = sdkSources.map((source) => pattern.exec(source)).find(Boolean);
    assert.ok(found, `the SDK defines ${method}`);
    return { call: method, endpoint: `${found[2]} ${found[1]}` };
  });
}

test('every API call the Genesys adapter makes is in the permission catalogue', () => {
  const calls = adapterCalls();
  assert.ok(calls.length >= 10, `found the adapter's calls (${calls.length})`);
  for (const { call, endpoint } of calls) {
    const [method, path] = endpoint.split(' ') as [string, string];
    // An SDK path parameter matches the catalogue's parameter or a literal (objects/{objectType} vs objects/USER).
    const pattern = new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`);
    assert.ok(
      ENDPOINTS.some((candidate) => candidate.method === method && pattern.test(candidate.path)),
      `${call} (${endpoint}) has no entry in src/genesys/permissions.ts`,
    );
  }
});
