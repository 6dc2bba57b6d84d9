// Several orgs from one repository, end to end: two sandbox orgs of one region (one URL, a client each) planned and applied through the built binary and the SDK.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../src/model/index.js';
import { startSandboxOrgs } from '../../src/sandbox/index.js';
import type { RunningOrgs, RunningSandbox, SeedOrg } from '../../src/sandbox/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const clean: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(clean)) if (name.startsWith('GENESYS') || name.startsWith('PROVISION')) delete clean[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...clean, ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
    });
  });
}

const explain = (r: Run): string => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** Both orgs know Billing and "Support"; only test has the queue "Beta Queue" (a pilot not yet in production). */
function seed(name: string, queues: string[]): SeedOrg {
  return {
    org: { name },
    divisions: [{ name: 'Home', home: true }],
    skills: ['Billing'],
    roles: ['employee'],
    queues,
    users: [
      { email: 'ana@acme.com', name: 'Ana', title: 'Agent' },
      // In scope (acme.com) and declared nowhere: pruned only where the org's own scope says so.
      { email: 'old@acme.com', name: 'Old Agent' },
    ],
  };
}

const CONFIG = (url: string): string => `# two orgs of one region: the same environment, a client each
environment: ${url}
usersDir: users/shared
scope:
  emailDomains: [acme.com]
safety:
  maxDeactivations: 5
orgs:
  test:
    credentials: { clientId: TEST_ID, clientSecret: TEST_SECRET }
    usersDir: [users/shared, users/test]
    scope:
      prune: true
  prod:
    credentials: { clientId: PROD_ID, clientSecret: PROD_SECRET }
    usersDir: [users/shared, users/prod]
    safety:
      maxDeactivations: 0
`;

const SHARED = `users:
  - email: ana@acme.com
    name: Ana
    title: Senior Agent
    skills: { Billing: 3 }
    queues: [Support]
`;

describe('several orgs from one repository', () => {
  let dir: string;
  let region: RunningOrgs;
  let testOrg: RunningSandbox;
  let prodOrg: RunningSandbox;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    region = await startSandboxOrgs([
      { name: 'test', seed: seed('Acme Test', ['Support', 'Beta Queue']), clients: [{ id: 'test-client', secret: 'test-secret' }] },
      { name: 'prod', seed: seed('Acme Production', ['Support']), clients: [{ id: 'prod-client', secret: 'prod-secret' }] },
    ]);
    testOrg = region.orgs[0]!;
    prodOrg = region.orgs[1]!;
    dir = mkdtempSync(path.join(tmpdir(), 'provision-orgs-'));
    for (const sub of ['users/shared', 'users/test', 'users/prod']) mkdirSync(path.join(dir, sub), { recursive: true });
    writeFileSync(path.join(dir, 'provision.yaml'), CONFIG(region.url));
    writeFileSync(path.join(dir, 'users/shared/agents.yaml'), SHARED);
    writeFileSync(path.join(dir, 'users/test/pilot.yaml'), 'users:\n  - email: tess@acme.com\n    name: Tess\n    queues: [Beta Queue]\n');
    writeFileSync(path.join(dir, 'users/prod/leads.yaml'), 'users:\n  - email: pete@acme.com\n    name: Pete\n    queues: [Support]\n');
    env = { TEST_ID: 'test-client', TEST_SECRET: 'test-secret', PROD_ID: 'prod-client', PROD_SECRET: 'prod-secret' };
  });

  after(async () => {
    await region.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks which org when several are named, and suggests the closest name for an unknown one', async () => {
    const none = await run(dir, ['plan'], env);
    assert.equal(none.status, 1, explain(none));
    assert.match(none.stderr, /org-required .*2 orgs \(test, prod\).*--all/);
    const typo = await run(dir, ['plan', '--org', 'prd'], env);
    assert.equal(typo.status, 1, explain(typo));
    assert.match(typo.stderr, /unknown-org .*no org "prd"\. Did you mean "prod"\?/);
    assert.equal(testOrg.requests.length + prodOrg.requests.length, 0, 'no call before the org is known');
  });

  it('validates each org with its own folders, a section each', async () => {
    const r = await run(dir, ['validate', '--all'], env);
    assert.equal(r.status, 0, explain(r));
    assert.match(r.stdout, /=== org test ===\n[^=]*2 valid users in 2 files/);
    assert.match(r.stdout, /=== org prod ===\n[^=]*2 valid users in 2 files/);
  });

  it('plans each org with its own scope and safety: test prunes, prod is blocked by its own threshold only when it would deactivate', async () => {
    const t = await run(dir, ['plan', '--org', 'test', '--format', 'json'], env);
    assert.equal(t.status, 0, explain(t));
    const plan = JSON.parse(t.stdout) as Plan;
    assert.equal(plan.org, 'test');
    assert.equal(plan.target.orgName, 'Acme Test');
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.email}`),
      ['create tess@acme.com', 'update ana@acme.com', 'deactivate old@acme.com'],
    );
    const p = await run(dir, ['plan', '--org', 'prod'], env);
    assert.equal(p.status, 0, explain(p));
    assert.match(p.stdout, /provision will make these changes to org prod, "Acme Production"/);
    assert.match(p.stdout, /Plan for org prod: 1 to create, 1 to update, 0 to restore, 0 to deactivate\. 0 unchanged, 1 not declared/);
    assert.doesNotMatch(p.stdout, /old@acme\.com.*deactivate/);
  });

  it('plans every org at once, each through its own client; a name one org lacks is an error for that org only, at file:line', async () => {
    writeFileSync(path.join(dir, 'users/shared/agents.yaml'), SHARED.replace('queues: [Support]', 'queues: [Support, Beta Queue]'));
    try {
      const before = { test: testOrg.requests.length, prod: prodOrg.requests.length };
      const r = await run(dir, ['plan', '--all', '--markdown-file', 'comment-{org}.md'], env);
      assert.equal(r.status, 1, explain(r));
      assert.match(readFileSync(path.join(dir, 'comment-prod.md'), 'utf8'), /### provision plan for org prod: no plan was made\n\n1 reference in users\/ do not match org prod/);
      assert.match(readFileSync(path.join(dir, 'comment-test.md'), 'utf8'), /### provision plan for org test: Acme Test/);
      assert.match(r.stdout, /=== org test ===\n\nprovision will make these changes to org test, "Acme Test"/);
      assert.match(r.stdout, /=== org prod ===\n\nNo plan was made for org prod/);
      assert.match(r.stderr, /users\/shared\/agents\.yaml:6:\d+ error unknown-queue/);
      assert.match(r.stderr, /unresolved-references {2}org prod: 1 reference in users\/ do not match org prod \("Acme Production"\)/);
      assert.ok(testOrg.requests.length > before.test && prodOrg.requests.length > before.prod, 'each org read, through its own client');
      const tokens = new Set(testOrg.requests.slice(before.test).map((e) => e.path));
      assert.ok(tokens.has('/oauth/token'));
    } finally {
      writeFileSync(path.join(dir, 'users/shared/agents.yaml'), SHARED);
    }
  });

  it('plan --all writes a file per org with {org}, prints JSON per org, and refuses an --out without {org} before any call', async () => {
    const calls = testOrg.requests.length + prodOrg.requests.length;
    const refused = await run(dir, ['plan', '--all', '--out', 'plan.json'], env);
    assert.equal(refused.status, 1, explain(refused));
    assert.match(refused.stderr, /output-needs-org .*--out plan\.json/);
    assert.equal(testOrg.requests.length + prodOrg.requests.length, calls, 'no call made');

    mkdirSync(path.join(dir, 'plans'), { recursive: true });
    const r = await run(dir, ['plan', '--all', '--format', 'json', '--detailed-exitcode', '--out', 'plans/{org}.json', '--markdown-file', 'plans/{org}.md'], env);
    assert.equal(r.status, 2, explain(r));
    const printed = JSON.parse(r.stdout) as { orgs: { org: string; plan: Plan }[] };
    assert.deepEqual(printed.orgs.map((o) => [o.org, o.plan.org]), [['test', 'test'], ['prod', 'prod']]);
    for (const org of ['test', 'prod']) {
      assert.deepEqual(JSON.parse(readFileSync(path.join(dir, `plans/${org}.json`), 'utf8')), printed.orgs.find((o) => o.org === org)!.plan);
      assert.match(readFileSync(path.join(dir, `plans/${org}.md`), 'utf8'), new RegExp(`### provision plan for org ${org}: `));
    }
  });

  it('export, permissions and review paths take the org; validate of given paths needs none', async () => {
    const exported = await run(dir, ['export', '--org', 'test', '--dry-run'], env);
    assert.equal(exported.status, 0, explain(exported));
    assert.match(exported.stdout, /would write {2}users\/test\//, 'into the org\'s own folder');
    const permissions = await run(dir, ['permissions', '--org', 'prod', '--format', 'json'], env);
    assert.equal(permissions.status, 0, explain(permissions));
    assert.equal((JSON.parse(permissions.stdout) as { users: number }).users, 2);
    const unknown = await run(dir, ['permissions', '--org', 'qa'], env);
    assert.match(unknown.stderr, /unknown-org/);
    const paths = await run(dir, ['review', 'paths'], env);
    assert.equal(paths.stdout, 'provision.yaml\nusers/shared\nusers/test\nusers/prod\n');
    const testPaths = await run(dir, ['review', 'paths'], { ...env, PROVISION_ORG: 'test' });
    assert.equal(testPaths.stdout, 'provision.yaml\nusers/shared\nusers/test\n');
    const given = await run(dir, ['validate', 'users/shared/agents.yaml'], env);
    assert.equal(given.status, 0, explain(given));
  });

  it('saves a plan that names its org, refuses it for another org, applies it to its own and converges', async () => {
    const saved = await run(dir, ['plan', '--org', 'prod', '--out', 'prod.json', '--detailed-exitcode'], env);
    assert.equal(saved.status, 2, explain(saved));
    assert.equal((JSON.parse(readFileSync(path.join(dir, 'prod.json'), 'utf8')) as Plan).org, 'prod');

    const writesBefore = testOrg.requests.filter((e) => e.method !== 'GET').length;
    const refused = await run(dir, ['apply', 'prod.json', '--org', 'test', '--auto-approve'], env);
    assert.equal(refused.status, 1, explain(refused));
    assert.match(refused.stderr, /plan-org-mismatch {2}prod\.json was made for org prod, not org test: nothing was applied\./);
    assert.match(refused.stderr, /hint: Apply it with --org prod/);
    assert.equal(testOrg.requests.filter((e) => e.method !== 'GET').length, writesBefore, 'nothing sent to test');

    const journal = path.join(dir, 'prod.jsonl');
    const applied = await run(dir, ['apply', 'prod.json', '--auto-approve', '--journal', journal], env);
    assert.equal(applied.status, 0, explain(applied));
    assert.match(applied.stdout, /Apply complete \(org prod\): 1 created, 1 updated/);
    assert.match(applied.stderr, /Applying \d+ operations to org prod/);
    const lines = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { org: string });
    assert.ok(lines.length > 0 && lines.every((l) => l.org === 'prod'));
    assert.ok(prodOrg.org.listUsers('any').some((u) => u.email === 'pete@acme.com'));
    assert.ok(!testOrg.org.listUsers('any').some((u) => u.email === 'pete@acme.com'), 'the test org never sees prod-only users');

    const again = await run(dir, ['plan', '--org', 'prod', '--detailed-exitcode'], env);
    assert.equal(again.status, 0, explain(again));
    assert.match(again.stdout, /No changes\. The org prod matches users\//);
  });

  it('applies the test org with its own scope (prune) and leaves prod alone', async () => {
    const applied = await run(dir, ['apply', '--org', 'test', '--auto-approve'], env);
    assert.equal(applied.status, 0, explain(applied));
    assert.match(applied.stdout, /Apply complete \(org test\): 1 created, 1 updated, 0 restored, 1 deactivated/);
    assert.equal(testOrg.org.listUsers('any').find((u) => u.email === 'old@acme.com')?.state, 'inactive');
    assert.equal(prodOrg.org.listUsers('any').find((u) => u.email === 'old@acme.com')?.state, 'active');
  });

  it("refuses credentials that reach another org than the one's orgId", async () => {
    const config = readFileSync(path.join(dir, 'provision.yaml'), 'utf8');
    try {
      writeFileSync(path.join(dir, 'provision.yaml'), config.replace('  prod:\n', `  prod:\n    orgId: ${prodOrg.org.id}\n`));
      // The test org's client in prod's variables (the job of one org given another org's secrets): same host, other org.
      const written = (): string => `${prodOrg.requests.length} ${testOrg.org.listUsers('any').map((u) => `${u.email}:${u.version}:${u.state}`).join(',')}`;
      const writes = written();
      const wrong = await run(dir, ['apply', '--org', 'prod', '--auto-approve'], { ...env, PROD_ID: 'test-client', PROD_SECRET: 'test-secret' });
      assert.equal(wrong.status, 1, explain(wrong));
      assert.match(wrong.stderr, /org-id-mismatch {2}The credentials of org prod reach "Acme Test"/);
      assert.equal(written(), writes, 'nothing written anywhere, nothing asked of prod');
      const right = await run(dir, ['plan', '--org', 'prod'], env);
      assert.equal(right.status, 0, explain(right));
    } finally {
      writeFileSync(path.join(dir, 'provision.yaml'), config);
    }
  });

  it("one org's token never reaches the other's data, though both share the URL", async () => {
    const token = async (id: string, secret: string): Promise<string> => {
      const answer = await fetch(`${region.url}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      return ((await answer.json()) as { access_token: string }).access_token;
    };
    const get = async (path: string, bearer: string) => fetch(`${region.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    const testToken = await token('test-client', 'test-secret');
    const me = (await (await get('/api/v2/organizations/me', testToken)).json()) as { id: string };
    assert.equal(me.id, testOrg.org.id);
    const listed = (await (await get('/api/v2/users?pageSize=100', testToken)).json()) as { entities: { email: string }[] };
    assert.ok(!listed.entities.some((u) => u.email === 'pete@acme.com'), "prod's users are not listed to test's token");
    const prodUser = prodOrg.org.listUsers('any').find((u) => u.email === 'pete@acme.com')!;
    assert.equal((await get(`/api/v2/users/${prodUser.id}`, testToken)).status, 404, "a prod user's id is unknown to test's token");
    assert.equal((await get('/api/v2/organizations/me', 'forged')).status, 401);
    const unknown = await fetch(`${region.url}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('nobody:x').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    assert.equal(unknown.status, 401);
  });

  it('names the missing variables of an org', async () => {
    const r = await run(dir, ['plan', '--org', 'test'], { PROD_ID: 'x' });
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /missing-credentials {2}TEST_ID, TEST_SECRET are not set for org "test"\./);
  });
});
