// The workflows `provision init --org test --org prod` writes, run through the harness against two sandbox orgs: a plan per org, applies in promotion order, drift per org.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSeed, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { REPO, loadWorkflow, runJob, writeStandIns } from './harness.js';
import type { JobContext, JobResult } from './harness.js';
import { readGhState, writeGhState } from './gh-stand-in.js';

const REPOSITORY = 'acme/org-users';
const ORGS = ['test', 'prod'] as const;
type Org = (typeof ORGS)[number];

let root: string;
let workspace: string;
let ghState: string;
let artifacts: string;
let runs = 2000;
const sandboxes = {} as Record<Org, RunningSandbox>;
const clients: Record<Org, { plan: { id: string; secret: string }; apply: { id: string; secret: string } }> = {
  test: { plan: { id: 'test-plan', secret: 'test-plan-secret' }, apply: { id: 'test-apply', secret: 'test-apply-secret' } },
  prod: { plan: { id: 'prod-plan', secret: 'prod-plan-secret' }, apply: { id: 'prod-apply', secret: 'prod-apply-secret' } },
};

function git(...args: string[]): string {
  const run = spawnSync('git', args, { cwd: workspace, encoding: 'utf8' });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
}

function commit(message: string): string {
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', message);
  return git('rev-parse', 'HEAD');
}

/** The repository secrets of every org's plan client, as the README tells to name them. */
function planSecrets(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const org of ORGS) {
    out[`GENESYS_PLAN_CLIENT_ID_${org.toUpperCase()}`] = clients[org].plan.id;
    out[`GENESYS_PLAN_CLIENT_SECRET_${org.toUpperCase()}`] = clients[org].plan.secret;
  }
  return out;
}

function context(eventName: JobContext['eventName'], event: JobContext['event'], sha: string, extra: Partial<JobContext> = {}): JobContext {
  runs += 1;
  return { workspace, binDirs: [join(root, 'bin')], eventName, event, sha, secrets: planSecrets(), vars: {}, runnerTemp: join(root, `runner-${runs}`), extraEnv: { NO_COLOR: '1' }, runId: String(runs), artifacts, ...extra };
}

function explain(result: JobResult): string {
  return result.steps.map((s) => `--- ${s.name}: ${s.outcome} (${s.exitCode ?? '-'})\n${s.stdout}${s.stderr}`).join('\n');
}

const users = (org: Org) => sandboxes[org].org.listUsers('any');

describe('the workflows init writes for two orgs, run against two sandbox orgs', () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'provision-orgs-workflows-'));
    workspace = join(root, 'workspace');
    mkdirSync(workspace);
    const init = spawnSync(process.execPath, [join(REPO, 'bin', 'provision.js'), 'init', '--org', 'test', '--org', 'prod'], { cwd: workspace, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(init.status, 0, init.stderr);
    const seed = await demoSeed(join(workspace, 'users'));
    for (const org of ORGS) {
      // Two real orgs: their own ids and names, their own OAuth clients (a plan and an apply client each).
      sandboxes[org] = await startSandbox({ seed: { ...seed, org: { name: `Acme ${org}` } }, clients: [clients[org].plan, clients[org].apply] });
    }
    // Each org's region is its environment: here, each sandbox's URL.
    const config = readFileSync(join(workspace, 'provision.yaml'), 'utf8');
    let edited = config;
    for (const org of ORGS) edited = edited.replace(`  ${org}:\n    environment: mypurecloud.com`, `  ${org}:\n    environment: ${sandboxes[org].url}`);
    assert.notEqual(edited, config);
    writeFileSync(join(workspace, 'provision.yaml'), edited);
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'ci@example.com');
    git('config', 'user.name', 'CI');
    commit('provision init --org test --org prod');
    ghState = join(root, 'gh-state.json');
    artifacts = join(root, 'artifacts');
    writeStandIns(join(root, 'bin'), ghState, artifacts);
  });

  after(async () => {
    for (const org of ORGS) await sandboxes[org]?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('a pull request gets a plan per org (one sticky comment each); the merge applies test, then prod, each with its own client; drift is per org', async () => {
    const base = git('rev-parse', 'HEAD');
    // A shared change (every org) and a user for the test org alone.
    const example = join(workspace, 'users', 'example.yaml');
    writeFileSync(example, readFileSync(example, 'utf8').replace('title: Support Agent', 'title: Senior Support Agent'));
    writeFileSync(join(workspace, 'orgs', 'test', 'test.yaml'), readFileSync(join(workspace, 'orgs', 'test', 'test.yaml'), 'utf8').replace('users: []', 'users:\n  - email: pilot.agent@example.com\n    name: Pilot Agent\n'));
    const head = commit('Senior agents, and a pilot agent in test');
    const event = { number: 7, pull_request: { number: 7, head: { sha: head, ref: 'feature/7', repo: { full_name: REPOSITORY } }, base: { sha: base, ref: 'main' } } };

    const plans = {} as Record<Org, JobResult>;
    for (const org of ORGS) {
      plans[org] = await runJob(loadWorkflow(join(workspace, '.github/workflows/provision-plan.yml')), 'plan', context('pull_request', event, head, { matrix: { org, key: org.toUpperCase() } }));
      assert.ok(plans[org].success, explain(plans[org]));
      const comment = plans[org].actions.find((a) => a.action === 'marocchino/sticky-pull-request-comment');
      assert.equal(comment?.with.header, `provision-plan-${org}`, 'one sticky comment per org');
      assert.match(comment?.file ?? '', new RegExp(`### provision plan for org ${org}: Acme ${org}`));
      assert.match(comment?.file ?? '', new RegExp(`Plan for org ${org}: ${org === 'test' ? 2 : 1} to create`));
    }
    assert.match(plans.test.actions.find((a) => a.action === 'marocchino/sticky-pull-request-comment')?.file ?? '', /pilot\.agent@example\.com/);
    assert.doesNotMatch(plans.prod.actions.find((a) => a.action === 'marocchino/sticky-pull-request-comment')?.file ?? '', /pilot\.agent@example\.com/);

    // The merge: the apply workflow's jobs in the order GitHub runs them (each apply after its plan, prod's after test's).
    const state = readGhState(ghState);
    state.api = { ...state.api, [`repos/${REPOSITORY}/commits/${head}/pulls`]: [{ number: 7, merged_at: '2026-01-01T00:00:00Z', head: { sha: head }, base: { sha: base } }] };
    writeGhState(ghState, state);
    const wf = loadWorkflow(join(workspace, '.github/workflows/provision-apply.yml'));
    const ctx = context('push', { after: head, repository: { default_branch: 'main' } }, head);
    const done: Record<string, JobResult> = {};
    for (const org of ORGS) {
      done[`plan-${org}`] = await runJob(wf, `plan-${org}`, ctx);
      assert.equal(done[`plan-${org}`]!.outputs.verdict, 'apply', explain(done[`plan-${org}`]!));
      // The org's GitHub environment gives its apply client under the same secret names.
      const applySecrets = { GENESYS_APPLY_CLIENT_ID: clients[org].apply.id, GENESYS_APPLY_CLIENT_SECRET: clients[org].apply.secret };
      done[`apply-${org}`] = await runJob(wf, `apply-${org}`, { ...ctx, runnerTemp: `${ctx.runnerTemp}-apply-${org}`, secrets: applySecrets, needs: done });
      assert.ok(done[`apply-${org}`]!.success && !done[`apply-${org}`]!.skipped, explain(done[`apply-${org}`]!));
      assert.match(done[`apply-${org}`]!.summary, new RegExp(`### provision apply to org ${org}: applied`));
    }
    assert.equal(wf.jobs['apply-prod']?.environment, 'prod');
    assert.deepEqual(wf.jobs['apply-prod']?.needs, ['plan-prod', 'apply-test']);
    assert.ok(users('test').some((u) => u.email === 'pilot.agent@example.com'));
    assert.ok(!users('prod').some((u) => u.email === 'pilot.agent@example.com'), 'a user of the test org only never reaches prod');

    // Drift: a change made by hand in prod opens prod's issue only.
    const someone = users('prod').find((u) => u.state === 'active' && u.email.endsWith('@example.com'));
    assert.ok(someone);
    sandboxes.prod.org.updateUser(someone.id, (u) => {
      u.title = 'Changed by hand';
    });
    const drift = {} as Record<Org, JobResult>;
    for (const org of ORGS) {
      drift[org] = await runJob(loadWorkflow(join(workspace, '.github/workflows/provision-drift.yml')), 'drift', context('schedule', {}, head, { matrix: { org, key: org.toUpperCase() } }));
      assert.ok(drift[org].success, explain(drift[org]));
    }
    const issues = (readGhState(ghState).issues ?? []).filter((i) => i.state === 'open').map((i) => i.title);
    assert.deepEqual(issues, ['Drift: org prod differs from the users files']);
  });

  test("a run by hand approves one org's plan by its checksum: only that org is planned and applied, the org before it skipped", async () => {
    // The drift the previous test left in prod (a title changed by hand) is undone by approving prod's plan.
    const head = git('rev-parse', 'HEAD');
    const wf = loadWorkflow(join(workspace, '.github/workflows/provision-apply.yml'));
    const dispatch = (checksum: string): JobContext => context('workflow_dispatch', { inputs: { org: 'prod', 'plan-checksum': checksum }, ref: 'refs/heads/main' }, head, { inputs: { org: 'prod', 'plan-checksum': checksum } });
    const refused = await runJob(wf, 'plan-prod', dispatch('0'.repeat(64)));
    assert.equal(refused.outputs.verdict, 'refused', explain(refused));
    const checksum = refused.steps.find((st) => st.id === 'provision')?.outputs.checksum ?? '';
    assert.match(checksum, /^[0-9a-f]{64}$/);
    const ctx = dispatch(checksum);
    const skipped = await runJob(wf, 'plan-test', ctx);
    assert.ok(skipped.skipped, 'the test org is not planned when prod is approved');
    const applyTest = await runJob(wf, 'apply-test', { ...ctx, needs: { 'plan-test': skipped } });
    assert.ok(applyTest.skipped);
    const plan = await runJob(wf, 'plan-prod', ctx);
    assert.equal(plan.outputs.verdict, 'apply', explain(plan));
    const apply = await runJob(wf, 'apply-prod', {
      ...ctx,
      runnerTemp: `${ctx.runnerTemp}-apply`,
      secrets: { GENESYS_APPLY_CLIENT_ID: clients.prod.apply.id, GENESYS_APPLY_CLIENT_SECRET: clients.prod.apply.secret },
      needs: { 'plan-prod': plan, 'apply-test': applyTest },
    });
    assert.ok(apply.success && !apply.skipped, explain(apply));
    assert.ok(!users('prod').some((u) => u.title === 'Changed by hand'), 'the change by hand is undone');
  });
});
