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

test('every permission is a domain:entity:action name (or admin) the API reference lists or the API checks', () => {
  for (const endpoint of ENDPOINTS) {
    for (const permission of [...endpoint.permissions, ...(endpoint.grant ? [endpoint.grant] : [])]) {
      assert.match(permission, /^([a-z]+:[a-zA-Z]+:[a-zA-Z]+|admin)$/, `${endpoint.method} ${endpoint.path}: ${permission}`);
    }
    assert.equal(endpoint.requires === 'none', endpoint.permissions.length === 0, `${endpoint.method} ${endpoint.path}: requires ${endpoint.requires}`);
    // An ALL list is granted whole: the catalogue grants one permission per call, so such lists hold one.
    if (endpoint.requires === 'all') assert.equal(endpoint.permissions.length, 1, `${endpoint.method} ${endpoint.path}`);
    if (endpoint.permissions.length > 0) {
      assert.ok(endpoint.grant && endpoint.permissions.includes(endpoint.grant), `${endpoint.method} ${endpoint.path} grants one of its listed permissions`);
      assert.equal(endpoint.note, undefined);
    }
    if (endpoint.permissions.length === 0 && endpoint.grant) assert.ok(endpoint.note, `${endpoint.method} ${endpoint.path} says why it needs ${endpoint.grant}`);
  }
});

test('the plan client is read-only whatever the fields', () => {
  const plan = permissionsFor('plan', MANAGED_FIELDS);
  // `voicemail:userPolicy:viewOther` is how VoicemailApi.md names the view of other users' policies; the phones and
  // phone base listings list telephony:plugin:all alone (TelephonyProvidersEdgeApi.md), so a plan of webrtcPhone needs it.
  for (const need of plan.permissions) assert.match(need.permission, /:(view|readonly|viewOther)$|^telephony:plugin:all$/, need.permission);
  for (const endpoint of [...plan.permissions.flatMap((need) => need.endpoints), ...plan.unrestricted]) {
    assert.ok(endpoint.method === 'GET' || endpoint.path.endsWith('/search'), `${endpoint.method} ${endpoint.path} is not a read`);
  }
});

test('the apply client can read everything the plan client reads (it plans afresh)', () => {
  const plan = new Set(granted('plan', [...MANAGED_FIELDS]));
  const apply = new Set(granted('apply', [...MANAGED_FIELDS]));
  // A read that accepts several permissions may be covered for apply by another it holds (utilization reads by
  // routing:utilization:manage, which its writes need): every such read must accept one apply holds.
  const reads = permissionsFor('plan', MANAGED_FIELDS).permissions;
  for (const permission of plan) {
    if (apply.has(permission)) continue;
    const endpoints = reads.find((need) => need.permission === permission)?.endpoints ?? [];
    assert.ok(endpoints.length > 0 && endpoints.every((e) => e.permissions.some((p) => apply.has(p))), permission);
  }
});

// What managing one more field adds to the apply client, beyond the users-only baseline. Every
// look-up is read on every run, so their view permissions are in the baseline.
const BASELINE = ['authorization:role:view', 'directory:user:add', 'directory:user:edit', 'directory:user:view', 'routing:queue:view', 'routing:skill:view'];
const ADDS: [ManagedField, string[]][] = [
  ['title', []],
  ['manager', []],
  ['phones', ['telephony:extension:assign', 'telephony:extensionPool:view']],
  ['otherEmails', ['telephony:extension:assign']],
  ['employerInfo', []],
  ['division', []],
  ['state', ['authorization:grant:view']],
  ['skills', ['routing:skill:assign']],
  ['languages', ['routing:language:assign']],
  ['queues', ['routing:queueMember:manage']],
  ['groups', ['directory:group:edit']],
  ['roles', ['authorization:grant:add', 'authorization:grant:delete', 'authorization:grant:view']],
  ['utilization', ['routing:utilization:manage']],
  ['voicemail', ['voicemail:userPolicy:viewOther']],
];

test('a users-only repository needs the directory permissions and the look-ups\' views', () => {
  assert.deepEqual(granted('apply', ['name']), BASELINE);
  assert.deepEqual(granted('plan', ['name']), ['authorization:role:view', 'directory:user:view', 'routing:queue:view', 'routing:skill:view']);
});

for (const [field, adds] of ADDS) {
  test(`managing ${field} adds ${adds.join(', ') || 'nothing'} to the apply client`, () => {
    assert.deepEqual(granted('apply', ['name', field]), [...BASELINE, ...adds].sort());
  });
}

test('export reads every field with the plan client\'s kind of permissions: views only, no search', () => {
  const exportNeeds = permissionsFor('export', MANAGED_FIELDS);
  assert.deepEqual(
    exportNeeds.permissions.map((need) => need.permission),
    ['authorization:grant:view', 'authorization:role:view', 'directory:user:view', 'directory:userProfile:view', 'routing:queue:view', 'routing:skill:view', 'routing:utilization:view', 'telephony:otherStationAssociation:view', 'telephony:plugin:all', 'telephony:sites:view'],
  );
  assert.ok(exportNeeds.permissions.flatMap((need) => need.endpoints).every((endpoint) => endpoint.method === 'GET'));
  // The plan client also checks extension-only lines against the extension pools; export has nothing to check.
  assert.deepEqual(granted('plan', [...MANAGED_FIELDS]), [...exportNeeds.permissions.map((need) => need.permission), 'telephony:extensionPool:view'].sort());
});

test('scope.prune reads role grants (the last admin check), as managing state does', () => {
  assert.deepEqual(managedFields([user({})], { prune: true }), ['name', 'state']);
  assert.ok(granted('plan', managedFields([user({})], { prune: true })).includes('authorization:grant:view'));
});

test('a call that accepts several permissions is covered by one another call needs: no redundant grant', () => {
  assert.deepEqual(granted('apply', ['name', 'skills', 'languages']), [...BASELINE, 'routing:skill:assign'].sort());
  const skills = permissionsFor('apply', ['name', 'skills', 'languages']).permissions.find((need) => need.permission === 'routing:skill:assign');
  assert.ok(skills?.endpoints.some((endpoint) => endpoint.path === '/api/v2/users/{userId}/routinglanguages/bulk'));
  // Queue member reads accept routing:queue:view, which the queue look-up needs anyway.
  assert.deepEqual(granted('plan', ['name', 'queues']), granted('plan', ['name']));
});

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
  const json = JSON.parse(renderJson(report)) as { clients: { role: string; permissions: { permission: string; endpoints: { path: string; doc: string }[] }[] }[] };
  const apply = json.clients.find((client) => client.role === 'apply');
  assert.deepEqual(apply?.permissions.map((need) => need.permission), [...BASELINE, 'directory:group:edit'].sort());
  assert.ok(apply?.permissions.every((need) => need.endpoints.every((endpoint) => /^\w+Api\.md#\w+$/.test(endpoint.doc))));
  assert.deepEqual(json.clients.map((client) => client.role), ['plan', 'apply', 'export']);
  // Export reads every field, so it needs more than this repository's plan client: it gets its own section.
  assert.match(text, /Export \(provision export reads every field/);
  for (const need of apply?.permissions ?? []) assert.ok(text.includes(`  ${need.permission}\n`), need.permission);
  assert.match(text, /the fields users\/ manages \(2 users\): name, groups\./);
  assert.match(text, /\[1\] The API reference lists no permission, but users are division-aware/);
  assert.match(text, /\[2\] The API reference lists no permission for this call; grant directory:group:edit/);
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
    assert.deepEqual(apply, [...BASELINE, 'routing:skill:assign'].sort());
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

test('the catalogue and the sandbox read the same facts: each call cites its SDK method, with the permissions the sandbox enforces', async () => {
  const { ROUTE_PERMISSIONS } = await import('../../src/sandbox/api/permissions.js');
  const sdkApi = resolve('node_modules/purecloud-platform-client-v2/src/purecloud-platform-client-v2/api');
  for (const endpoint of ENDPOINTS) {
    const [file, method] = endpoint.doc.split('#') as [string, string];
    const source = readFileSync(join(sdkApi, file.replace(/\.md$/, '.js')), 'utf8');
    const found = new RegExp(`\\n\\t${method}\\([^)]*\\) \\{[\\s\\S]*?callApi\\(\\s*'([^']+)',\\s*'([A-Z]+)'`).exec(source);
    assert.ok(found, `${endpoint.doc} is an SDK method`);
    const pattern = new RegExp(`^${(found[1] as string).replace(/\{\w+\}/g, '[^/]+')}$`);
    assert.ok(found[2] === endpoint.method && pattern.test(endpoint.path), `${endpoint.method} ${endpoint.path} is ${endpoint.doc} (${found[2]} ${found[1]})`);
    const route = Object.entries(ROUTE_PERMISSIONS).find(([, declared]) => declared.doc === endpoint.doc)?.[1];
    assert.ok(route, `the sandbox declares ${endpoint.doc}`);
    const listed = endpoint.requires === 'all' ? route.all : endpoint.requires === 'any' ? route.any : undefined;
    assert.deepEqual(listed ?? [], endpoint.permissions, `${endpoint.doc}: the same ${endpoint.requires} list`);
  }
});
