// The config's defaults have one source: the loader uses it, and the schema, the README and the init template say the same values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_ADMIN_ROLES, DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_USERS_DIR, defaultApply, defaultSafety, defaultScope } from '../../src/rules/defaults.js';

/** Every key of provision.yaml that has a default, with it. */
const DEFAULTS: Record<string, unknown> = {
  usersDir: DEFAULT_USERS_DIR,
  'scope.divisions': defaultScope().divisions,
  'scope.emailDomains': defaultScope().emailDomains,
  'scope.prune': defaultScope().prune,
  'safety.maxDeactivations': defaultSafety().maxDeactivations,
  'safety.maxDeactivationPercent': defaultSafety().maxDeactivationPercent,
  'safety.protectedUsers': defaultSafety().protectedUsers,
  'safety.adminRoles': defaultSafety().adminRoles,
  'apply.concurrency': defaultApply().concurrency,
  requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE,
};

/** A value as the docs write it: `[a, b]` for lists. */
function shown(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

test('the defaults are the values the README and the safety rules were written for', () => {
  assert.deepEqual(defaultSafety(), { maxDeactivations: 10, maxDeactivationPercent: 10, protectedUsers: [], adminRoles: ['Master Admin', 'admin'] });
  assert.deepEqual(DEFAULT_ADMIN_ROLES, ['Master Admin', 'admin']);
  assert.deepEqual(defaultScope(), { divisions: [], emailDomains: [], prune: false });
  assert.deepEqual(defaultApply(), { concurrency: 8 });
});

test('each call gives fresh lists: changing one config cannot change the defaults', () => {
  const safety = defaultSafety();
  safety.adminRoles.push('Changed');
  safety.protectedUsers.push('x@acme.com');
  defaultScope().divisions.push('Changed');
  assert.deepEqual(defaultSafety().adminRoles, ['Master Admin', 'admin']);
  assert.deepEqual(defaultSafety().protectedUsers, []);
  assert.deepEqual(defaultScope().divisions, []);
});

test('the README table of provision.yaml states every default', () => {
  const readme = readFileSync('README.md', 'utf8');
  for (const [key, value] of Object.entries(DEFAULTS)) {
    const row = readme.split('\n').find((line) => line.startsWith('| ') && line.split('|')[1]?.includes(`\`${key}\``));
    assert.ok(row, `a README row for ${key}`);
    assert.equal(row.split('|')[2]?.trim(), `\`${shown(value)}\``, key);
  }
});

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
}

test('the config schema states every default that is not empty, as the loader has it', () => {
  const schema = JSON.parse(readFileSync('schemas/config.schema.json', 'utf8')) as SchemaNode;
  for (const [key, value] of Object.entries(DEFAULTS)) {
    const node = key.split('.').reduce<SchemaNode | undefined>((n, part) => n?.properties?.[part], schema);
    assert.ok(node?.description, `a description for ${key}`);
    const stated = /Default (`[^`]*`|[^ .:]+)/.exec(node.description)?.[1]?.replace(/`/g, '');
    if (Array.isArray(value) && value.length === 0) assert.equal(stated, undefined, `${key} states no default`);
    else assert.equal(stated, shown(value), key);
  }
});

test('provision init writes the defaults where its template shows a setting', () => {
  const template = parse(readFileSync('templates/provision.yaml', 'utf8')) as Record<string, Record<string, unknown>>;
  assert.deepEqual(template.safety, {
    maxDeactivations: DEFAULTS['safety.maxDeactivations'],
    maxDeactivationPercent: DEFAULTS['safety.maxDeactivationPercent'],
    protectedUsers: DEFAULTS['safety.protectedUsers'],
    adminRoles: DEFAULTS['safety.adminRoles'],
  });
  assert.deepEqual(template.apply, { concurrency: DEFAULTS['apply.concurrency'] });
  assert.equal(template.requestsPerMinute, DEFAULTS.requestsPerMinute);
});
