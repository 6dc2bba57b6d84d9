// provision.yaml's orgs: inheritance of the top-level settings, positioned errors, and choosing the org of a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProvisionError } from '../../src/model/index.js';
import type { ProvisionConfig } from '../../src/model/index.js';
import { allOrgs, loadConfig, selectOrg } from '../../src/desired/index.js';

async function load(text: string): Promise<{ config?: ProvisionConfig; error?: ProvisionError; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-orgs-'));
  const file = path.join(dir, 'provision.yaml');
  writeFileSync(file, text);
  try {
    return { config: await loadConfig(file, { required: true }), dir };
  } catch (error) {
    if (error instanceof ProvisionError) return { error, dir };
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TWO = `environment: mypurecloud.ie
usersDir: users/shared
phoneRegion: IE
scope:
  divisions: [Support]
  emailDomains: [Acme.com]
safety:
  maxDeactivations: 5
  protectedUsers: [Boss@Acme.com]
orgs:
  test:
    usersDir: [users/shared, users/test]
    scope:
      prune: true
    users:
      create: false
  prod:
    environment: mypurecloud.de
    orgId: 2f3c-prod
    credentials: { clientId: PROD_ID, clientSecret: PROD_SECRET, environment: PROD_ENV }
    usersDir: users/prod
    safety:
      maxDeactivations: 0
`;

test('each org inherits the top-level settings and overrides scope, safety and users key by key', async () => {
  const { config, dir, error } = await load(TWO);
  assert.equal(error, undefined);
  const test = config!.orgs!.test!;
  assert.equal(test.org, 'test');
  assert.equal(test.environment, 'mypurecloud.ie');
  assert.equal(test.phoneRegion, 'IE');
  assert.deepEqual(test.usersDirs, [path.join(dir, 'users/shared'), path.join(dir, 'users/test')]);
  assert.equal(test.usersDir, path.join(dir, 'users/test'), 'its own folder, last: where export writes');
  assert.deepEqual(test.scope, { divisions: ['Support'], emailDomains: ['acme.com'], prune: true });
  assert.deepEqual(test.users, { create: false });
  assert.equal(test.safety.maxDeactivations, 5);
  assert.deepEqual(test.safety.protectedUsers, ['boss@acme.com']);
  assert.deepEqual(test.credentials, { clientId: 'GENESYS_CLIENT_ID', clientSecret: 'GENESYS_CLIENT_SECRET', environment: 'GENESYS_ENVIRONMENT' });
  const prod = config!.orgs!.prod!;
  assert.equal(prod.environment, 'mypurecloud.de');
  assert.equal(prod.orgId, '2f3c-prod');
  assert.deepEqual(prod.credentials, { clientId: 'PROD_ID', clientSecret: 'PROD_SECRET', environment: 'PROD_ENV' });
  assert.deepEqual(prod.usersDirs, [path.join(dir, 'users/prod')]);
  assert.equal(prod.safety.maxDeactivations, 0);
  assert.equal(prod.scope.prune, false);
  // The top level is left as it was: a run without --org on a file without orgs: reads it.
  assert.equal(config!.usersDir, path.join(dir, 'users/shared'));
  assert.equal(config!.org, undefined);
});

test('without orgs: the config is the one org, and --org is an error', async () => {
  const { config } = await load('usersDir: users\n');
  assert.equal(config!.orgs, undefined);
  assert.equal(selectOrg(config!, undefined), config);
  assert.deepEqual(allOrgs(config!), [config]);
  assert.throws(() => selectOrg(config!, 'prod'), (e: unknown) => e instanceof ProvisionError && e.code === 'unknown-org' && /names no orgs/.test(e.message));
});

test('with several orgs, --org is required (naming --all where allowed) and an unknown name gets a did-you-mean', async () => {
  const { config } = await load(TWO);
  assert.throws(() => selectOrg(config!, undefined), (e: unknown) => e instanceof ProvisionError && e.code === 'org-required' && !/--all/.test(e.message));
  assert.throws(() => selectOrg(config!, undefined, { allowAll: true }), (e: unknown) => e instanceof ProvisionError && /--all for every org/.test(e.message));
  assert.throws(() => selectOrg(config!, 'tset'), (e: unknown) => e instanceof ProvisionError && e.code === 'unknown-org' && /Did you mean "test"\?/.test(e.message));
  assert.equal(selectOrg(config!, 'prod').org, 'prod');
  assert.deepEqual(allOrgs(config!).map((c) => c.org), ['test', 'prod']);
});

test('one org alone needs no --org', async () => {
  const { config } = await load('orgs:\n  prod:\n    environment: mypurecloud.com\n');
  assert.equal(selectOrg(config!, undefined).org, 'prod');
});

test('bad orgs are errors at file:line:column, all at once', async () => {
  const { error } = await load(`orgs:
  Prod:
    environment: mypurecloud.com
  test:
    usersDirs: [users]
    phoneRegion: ZZ
    credentials: { clientId: "not a name" }
  eu:
    usersDir: [users, users/eu]
`);
  assert.equal(error?.code, 'invalid-config');
  const where = error!.issues.map((i) => `${i.line}:${i.column} ${i.code}`);
  assert.ok(where.some((w) => w.startsWith('2:')), `the bad name Prod at line 2: ${where.join(', ')}`);
  assert.ok(where.some((w) => w.startsWith('5:')), `the unknown key usersDirs at line 5: ${where.join(', ')}`);
  assert.ok(where.some((w) => w.startsWith('7:')), `the bad variable name at line 7: ${where.join(', ')}`);
  const nested = await load('orgs:\n  eu:\n    usersDir: [users, users/eu]\n    phoneRegion: ZZ\n');
  const codes = nested.error!.issues.map((i) => `${i.line}:${i.column} ${i.code}`);
  assert.ok(codes.includes('3:23 nested-users-dirs'), codes.join(', '));
  assert.ok(codes.some((c) => c.startsWith('4:') && c.endsWith('invalid-phone-region')), codes.join(', '));
});
