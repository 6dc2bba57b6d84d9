// Executes the plan, apply and drift workflows' steps against the sandbox, as a runner would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, demoSeed } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import type { Plan } from '../../src/model/index.js';
import { REPO, loadWorkflow, runJob, writeStandIns } from './harness.js';
import type { JobContext, JobResult } from './harness.js';
import { readGhState } from './gh-stand-in.js';

const DRIFT_TITLE = 'Drift: the org differs from users/';
const HEAD_SHA = 'feedfacefeedfacefeedfacefeedfacefeedface';

let root: string;
let workspace: string;
let ghState: string;
let sandbox: RunningSandbox;
let run = 0;

/** Files a previous run left in the workspace, which a fresh checkout would not have. */
const RUN_FILES = ['plan.json', 'plan.md', 'comment.md', 'drift.md', 'apply.txt', 'apply-journal.jsonl'];

function context(eventName: JobContext['eventName'], secrets: Record<string, string>, headRepo = 'acme/org-users'): JobContext {
  for (const file of RUN_FILES) rmSync(join(workspace, file), { force: true });
  run += 1;
  return {
    workspace,
    binDirs: [join(root, 'bin')],
    eventName,
    event:
      eventName === 'pull_request'
        ? { number: 17, pull_request: { number: 17, head: { sha: HEAD_SHA, ref: 'feature/more-agents', repo: { full_name: headRepo } }, title: 'Add two agents' } }
        : { repository: { default_branch: 'main' } },
    secrets,
    vars: { GENESYS_ENVIRONMENT: sandbox.url },
    runnerTemp: join(root, `runner-${run}`),
    extraEnv: { NO_COLOR: '1' },
  };
}

function planSecrets(): Record<string, string> {
  const client = sandbox.clients[0];
  assert.ok(client, 'the sandbox has a client');
  return { GENESYS_PLAN_CLIENT_ID: client.id, GENESYS_PLAN_CLIENT_SECRET: client.secret };
}

function applySecrets(): Record<string, string> {
  const client = sandbox.clients[0];
  assert.ok(client, 'the sandbox has a client');
  return { GENESYS_APPLY_CLIENT_ID: client.id, GENESYS_APPLY_CLIENT_SECRET: client.secret };
}

function step(result: JobResult, id: string) {
  const found = result.steps.find((candidate) => candidate.id === id || candidate.name === id);
  assert.ok(found, `no step ${id}`);
  return found;
}

function explain(result: JobResult): string {
  return result.steps.map((s) => `--- ${s.name}: ${s.outcome} (${s.exitCode ?? '-'})\n${s.stdout}${s.stderr}`).join('\n');
}

async function planJob(secrets: Record<string, string> = planSecrets(), headRepo?: string): Promise<JobResult> {
  return runJob(loadWorkflow('plan.yml'), 'plan', context('pull_request', secrets, headRepo));
}

async function applyJob(): Promise<JobResult> {
  return runJob(loadWorkflow('apply.yml'), 'apply', context('push', applySecrets()));
}

async function driftJob(): Promise<JobResult> {
  return runJob(loadWorkflow('drift.yml'), 'drift', context('schedule', planSecrets()));
}

describe('the workflows, run against the sandbox', () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'provision-workflows-'));
    workspace = join(root, 'workspace');
    mkdirSync(workspace);
    for (const entry of ['provision.yaml', 'users', 'schemas']) cpSync(join(REPO, entry), join(workspace, entry), { recursive: true });
    ghState = join(root, 'gh-state.json');
    writeStandIns(join(root, 'bin'), ghState);
    sandbox = await startSandbox({ port: 0, seed: await demoSeed(join(workspace, 'users')), searchLagMs: 0 });
  });

  after(async () => {
    await sandbox?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('a pull request gets the plan in the job summary, one sticky comment and a JSON artifact', async () => {
    const result = await planJob();
    assert.ok(result.success, explain(result));
    assert.equal(step(result, 'plan').outputs.outcome, 'changes');

    const artifact = result.actions.find((call) => call.action === 'actions/upload-artifact');
    assert.ok(artifact?.file, 'plan.json was uploaded');
    const plan = JSON.parse(artifact.file) as Plan;
    assert.equal(plan.formatVersion, 1);
    assert.ok(plan.changes.length > 0);

    const comments = result.actions.filter((call) => call.action === 'marocchino/sticky-pull-request-comment');
    assert.equal(comments.length, 1);
    assert.equal(comments[0]?.with.header, 'provision-plan');
    assert.ok(comments[0]?.file?.includes(`Plan for ${HEAD_SHA}`));
    for (const change of plan.changes) {
      assert.ok(result.summary.includes(change.email), `the summary shows ${change.email}`);
      assert.ok(comments[0]?.file?.includes(change.email), `the comment shows ${change.email}`);
    }
  });

  test('a bad users file fails validation with an annotation on its file and line, and no plan', async () => {
    cpSync(join(REPO, 'test/workflows/fixtures/bad-auto-answer.yaml'), join(workspace, 'users/zz-bad.yaml'));
    try {
      const result = await planJob();
      assert.equal(result.success, false);
      assert.equal(step(result, 'Validate users/').outcome, 'failure');
      assert.match(result.log, /^::error file=users\/zz-bad\.yaml,line=6\b/m, explain(result));
      assert.equal(step(result, 'plan').outcome, 'skipped');
      const comments = result.actions.filter((call) => call.action === 'marocchino/sticky-pull-request-comment');
      assert.equal(comments.length, 1, 'the sticky comment no longer shows a stale plan');
      assert.match(comments[0]?.file ?? '', /users\/ is invalid/);
      assert.match(comments[0]?.file ?? '', /users\/zz-bad\.yaml\n\s+6:\d+\s+error/);
    } finally {
      rmSync(join(workspace, 'users/zz-bad.yaml'));
    }
  });

  test('a pull request from a fork (no secrets) still validates and explains that the plan needs a maintainer', async () => {
    const result = await planJob({}, 'someone/org-users-fork');
    assert.ok(result.success, explain(result));
    assert.equal(step(result, 'Validate users/').outcome, 'success');
    assert.equal(step(result, 'plan').outputs.outcome, 'no-secrets');
    assert.match(result.summary, /waiting for a maintainer/);
    assert.deepEqual(result.actions.filter((call) => call.action !== 'actions/checkout' && call.action !== 'actions/setup-node'), []);
  });

  test('a plan blocked by a safety threshold posts its comment, then fails the check', async () => {
    const config = join(workspace, 'provision.yaml');
    const original = readFileSync(config, 'utf8');
    writeFileSync(config, original.replace('prune: false', 'prune: true').replace('maxDeactivations: 10', 'maxDeactivations: 0'));
    try {
      const result = await planJob();
      assert.equal(step(result, 'plan').outputs.outcome, 'blocked', explain(result));
      const comment = result.actions.find((call) => call.action === 'marocchino/sticky-pull-request-comment');
      assert.ok(comment?.file?.includes('temp.agent@'), 'the comment shows the blocked deactivation');
      assert.equal(step(result, 'Fail when the plan is blocked or failed').outcome, 'failure');
      assert.match(result.log, /^::error title=Plan blocked by a safety threshold::/m);
      assert.equal(result.success, false);
    } finally {
      writeFileSync(config, original);
    }
  });

  test('apply on merge converges: the journal is uploaded and the next plan has no changes', async () => {
    const result = await applyJob();
    assert.ok(result.success, explain(result));
    assert.match(result.summary, /### provision apply: applied/);
    const journal = result.actions.find((call) => call.action === 'actions/upload-artifact');
    assert.equal(journal?.with.name, 'provision-apply-journal');
    assert.ok(journal?.file && journal.file.trim().split('\n').length > 0, 'the journal has records');
    for (const line of journal.file.trim().split('\n')) JSON.parse(line);
    assert.doesNotMatch(journal.file + result.summary + result.log, new RegExp(sandbox.clients[0]?.secret ?? 'x'), 'no secret in the outputs');

    const next = await planJob();
    assert.ok(next.success, explain(next));
    assert.equal(step(next, 'plan').outputs.outcome, 'no-changes');
  });

  test('drift: none, then an out-of-band change opens one issue, updates it, and closes it once applied', async () => {
    const quiet = await driftJob();
    assert.ok(quiet.success, explain(quiet));
    assert.equal(step(quiet, 'plan').outputs.drift, 'false');
    assert.deepEqual(readGhState(ghState).issues, []);

    const email = 'nina.berg@acme.com';
    const user = sandbox.org.liveUserByEmail(email);
    assert.ok(user, `${email} exists after apply`);
    sandbox.org.updateUser(user.id, (u) => {
      u.title = 'Changed outside git';
    });

    const first = await driftJob();
    assert.ok(first.success, explain(first));
    assert.equal(step(first, 'plan').outputs.drift, 'true');
    let state = readGhState(ghState);
    assert.equal(state.issues.length, 1);
    assert.equal(state.issues[0]?.title, DRIFT_TITLE);
    assert.equal(state.issues[0]?.state, 'open');
    assert.ok(state.issues[0]?.body.includes(email), 'the issue shows the drifted user');
    assert.ok(state.issues[0]?.body.includes('Changed outside git'));
    assert.match(first.summary, new RegExp(email.replace(/\./g, '\\.')));

    const second = await driftJob();
    assert.ok(second.success, explain(second));
    state = readGhState(ghState);
    assert.equal(state.issues.length, 1, 'one issue, updated rather than duplicated');
    assert.deepEqual(state.calls.at(-1)?.args.slice(0, 3), ['issue', 'edit', '1']);

    const applied = await applyJob();
    assert.ok(applied.success, explain(applied));
    const cleared = await driftJob();
    assert.ok(cleared.success, explain(cleared));
    assert.equal(step(cleared, 'plan').outputs.drift, 'false');
    state = readGhState(ghState);
    assert.equal(state.issues[0]?.state, 'closed');
    assert.match(state.issues[0]?.comments[0] ?? '', /matches users\/ again/);
    assert.deepEqual(
      state.calls.map((call) => call.args.slice(0, 2).join(' ')),
      ['issue list', 'issue list', 'issue create', 'issue list', 'issue edit', 'issue list', 'issue close'],
    );
  });
});
