// The example users/ folder: valid with no warnings, realistic, and every fact positioned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadConfig, loadDesired } from '../../src/desired/index.js';

test('users/ validates with zero errors and zero warnings', async () => {
  const config = await loadConfig('provision.yaml');
  const state = await loadDesired([], config);
  assert.deepEqual(state.issues, []);
  assert.deepEqual(state.failedFiles, []);
  assert.deepEqual(state.files, ['users/contractors.csv', 'users/sales.yaml', 'users/support.yaml']);
  assert.equal(state.users.length, 25);
  assert.match(state.digest, /^[0-9a-f]{64}$/);
});

test('the example covers the fields the planner works with', async () => {
  const state = await loadDesired([], await loadConfig('provision.yaml'));
  const by = new Map(state.users.map((u) => [u.email, u]));
  assert.equal(by.get('tom.becker@acme.com')?.state, 'inactive');
  assert.deepEqual(by.get('ola.lind@acme.com')?.roles?.find((r) => r.role === 'Supervisor'), { role: 'Supervisor', division: 'Support' });
  // A manager chain across files: contractors.csv → support.yaml, sales.yaml → support.yaml.
  assert.equal(by.get('ana.silva@partners.acme.com')?.manager, 'nina.berg@acme.com');
  assert.equal(by.get('rachel.stone@acme.com')?.manager, 'grace.holloway@acme.com');
  for (const field of ['skills', 'languages', 'queues', 'groups', 'locations', 'roles', 'division', 'phones'] as const) {
    assert.ok(state.users.some((u) => u[field] !== undefined), field);
  }
  for (const file of ['users/support.yaml', 'users/sales.yaml']) {
    assert.match(readFileSync(file, 'utf8'), /^# yaml-language-server: \$schema=\.\.\/schemas\/users\.schema\.json\n/);
  }
});

test('at points at the exact name in the file', async () => {
  const state = await loadDesired(['users/support.yaml'], await loadConfig('provision.yaml'));
  const lines = readFileSync('users/support.yaml', 'utf8').split('\n');
  const text = (s: { line: number; column?: number }, length: number): string => lines[s.line - 1]!.slice(s.column! - 1, s.column! - 1 + length);
  const priya = state.users.find((u) => u.email === 'priya.raman@acme.com')!;
  assert.equal(text(priya.at['skills/Billing']!, 7), 'Billing');
  assert.equal(text(priya.at['queues/Support - Tier 1']!, 16), 'Support - Tier 1');
  assert.equal(text(priya.at['manager']!, 18), 'nina.berg@acme.com');
  // Inherited from the file's defaults: positioned in the defaults block.
  assert.equal(text(priya.at['division']!, 7), 'Support');
  assert.equal(text(priya.at['roles/employee']!, 8), 'employee');
  assert.equal(text(priya.at['languages/English']!, 7), 'English');
  const ola = state.users.find((u) => u.email === 'ola.lind@acme.com')!;
  assert.equal(text(ola.at['roles/Supervisor']!, 10), 'Supervisor');
  assert.equal(text(ola.at['roles/Supervisor@Support']!, 7), 'Support');
});

test('the digest changes with the bytes and not with the order paths are given in', async () => {
  const config = await loadConfig('provision.yaml');
  const a = await loadDesired(['users/sales.yaml', 'users/support.yaml'], config);
  const b = await loadDesired(['users/support.yaml', 'users/sales.yaml'], config);
  const c = await loadDesired(['users/support.yaml'], config);
  assert.equal(a.digest, b.digest);
  assert.notEqual(a.digest, c.digest);
});
