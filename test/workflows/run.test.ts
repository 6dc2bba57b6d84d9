// Runs the consumer workflows that `provision init` writes, and the action's steps, against the sandbox: a git repository of users, pull requests, merges.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, demoSeed } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import type { Plan } from '../../src/model/index.js';
import { GITHUB_COMMENT_LIMIT } from '../../src/render/index.js';
import { REPO, loadWorkflow, runJob, writeStandIns } from './harness.js';

/** The line of the example users file that holds `text` first (the example grows; its lines move). */
const lineOf = (file: string, text: string): number => readFileSync(join(REPO, file), 'utf8').split('\n').findIndex((line) => line.includes(text)) + 1;
import type { JobContext, JobResult, Workflow } from './harness.js';
import { readGhState, writeGhState } from './gh-stand-in.js';

const DRIFT_TITLE = 'Drift: the org differs from the users files';
const REPOSITORY = 'acme/org-users';

let root: string;
let workspace: string;
let ghState: string;
let artifacts: string;
let sandbox: RunningSandbox;
let runs = 1000;
/** The default branch's commit: pull requests are made on it, merges move it (fast-forward). */
let main: string;

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

/** Drops a pull request that is not merged: the workspace is the default branch again. */
function abandon(): void {
  git('reset', '-q', '--hard', main);
  git('clean', '-q', '-fd');
}

function edit(file: string, from: string, to: string): void {
  const path = join(workspace, file);
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${file} contains ${from}`);
  writeFileSync(path, text.replace(from, to));
}

function workflow(name: 'plan' | 'apply' | 'drift'): Workflow {
  return loadWorkflow(join(workspace, '.github', 'workflows', `provision-${name}.yml`));
}

function secrets(kind: 'PLAN' | 'APPLY'): Record<string, string> {
  const client = sandbox.clients[0];
  assert.ok(client, 'the sandbox has a client');
  return { [`GENESYS_${kind}_CLIENT_ID`]: client.id, [`GENESYS_${kind}_CLIENT_SECRET`]: client.secret };
}

function context(eventName: JobContext['eventName'], event: JobContext['event'], sha: string, extra: Partial<JobContext> = {}): JobContext {
  runs += 1;
  return {
    workspace,
    binDirs: [join(root, 'bin')],
    eventName,
    event,
    sha,
    secrets: {},
    vars: { GENESYS_ENVIRONMENT: sandbox.url },
    runnerTemp: join(root, `runner-${runs}`),
    extraEnv: { NO_COLOR: '1' },
    runId: String(runs),
    artifacts,
    ...extra,
  };
}

function step(result: JobResult, id: string) {
  const found = result.steps.find((candidate) => candidate.id === id || candidate.name === id);
  assert.ok(found, `no step ${id}`);
  return found;
}

function explain(result: JobResult): string {
  return result.steps.map((s) => `--- ${s.name}: ${s.outcome} (${s.exitCode ?? '-'})\n${s.stdout}${s.stderr}`).join('\n');
}

interface PullRequest {
  number: number;
  head: string;
  base: string;
}

/** Commits the workspace's changes as a pull request's head, on the default branch. */
function openPullRequest(number: number, title: string): PullRequest {
  return { number, base: main, head: commit(title) };
}

async function planCheck(pr: PullRequest, options: { fork?: boolean; secrets?: Record<string, string> } = {}): Promise<JobResult> {
  const event = {
    number: pr.number,
    pull_request: {
      number: pr.number,
      head: { sha: pr.head, ref: `feature/${pr.number}`, repo: { full_name: options.fork ? 'someone/org-users' : REPOSITORY } },
      base: { sha: pr.base, ref: 'main' },
    },
  };
  return runJob(workflow('plan'), 'plan', context('pull_request', event, pr.head, { secrets: options.secrets ?? secrets('PLAN') }));
}

interface ApplyRun {
  plan: JobResult;
  apply: JobResult;
}

/** The apply workflow's two jobs in one run: plan and compare, then (when allowed) apply. */
async function applyRun(eventName: 'push' | 'workflow_dispatch', sha: string, inputs: Record<string, string> = {}): Promise<ApplyRun> {
  const wf = workflow('apply');
  const ctx = context(eventName, eventName === 'push' ? { after: sha, repository: { default_branch: 'main' } } : { inputs, ref: 'refs/heads/main' }, sha, { secrets: secrets('PLAN'), inputs });
  const plan = await runJob(wf, 'plan', ctx);
  const apply = await runJob(wf, 'apply', { ...ctx, runnerTemp: `${ctx.runnerTemp}-apply`, secrets: secrets('APPLY'), needs: { plan } });
  return { plan, apply };
}

/** Merges the pull request (fast-forward) and runs the apply workflow on the push, as GitHub would. */
async function merge(pr: PullRequest): Promise<ApplyRun> {
  main = pr.head;
  const state = readGhState(ghState);
  state.api = { ...state.api, [`repos/${REPOSITORY}/commits/${pr.head}/pulls`]: [{ number: pr.number, merged_at: '2026-01-01T00:00:00Z', head: { sha: pr.head }, base: { sha: pr.base } }] };
  writeGhState(ghState, state);
  return applyRun('push', pr.head);
}

async function driftJob(): Promise<JobResult> {
  return runJob(workflow('drift'), 'drift', context('schedule', {}, main, { secrets: secrets('PLAN') }));
}

function comments(result: JobResult): string[] {
  return result.actions.filter((call) => call.action === 'marocchino/sticky-pull-request-comment').map((call) => call.file ?? '');
}

function prComments(number: number): string[] {
  return (readGhState(ghState).prComments ?? []).filter((c) => c.number === number).map((c) => c.body);
}

function artifact(run: string, name: string): string | undefined {
  const dir = join(artifacts, run, name);
  return existsSync(dir) ? dir : undefined;
}

/** Every <details> closed, summaries paired: the comment is valid HTML for GitHub. */
function assertBalanced(markdown: string): void {
  let depth = 0;
  for (const m of markdown.matchAll(/<(\/?)details[ >]/g)) {
    depth += m[1] ? -1 : 1;
    assert.ok(depth >= 0 && depth <= 1);
  }
  assert.equal(depth, 0);
  assert.equal(markdown.split('<summary>').length, markdown.split('</summary>').length);
}

/**
 * Makes the org match the default branch's users files, as the merges before this pull request would have
 * left it: `provision apply` with the apply client, in the test's own workspace.
 */
async function converge(): Promise<void> {
  const client = sandbox.clients[0];
  assert.ok(client, 'the sandbox has a client');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('GENESYS') || name === 'CI') delete env[name];
  Object.assign(env, { GENESYS_ENVIRONMENT: sandbox.url, GENESYS_CLIENT_ID: client.id, GENESYS_CLIENT_SECRET: client.secret });
  const r = await new Promise<{ status: number; out: string }>((resolve) => {
    execFile(process.execPath, [join(REPO, 'bin', 'provision.js'), 'apply', '--auto-approve', '--verify'], { cwd: workspace, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
  assert.equal(r.status, 0, r.out);
}

describe('the workflows provision init writes, run against the sandbox', () => {
  // Every test gets a repository, a GitHub stand-in and an org of its own: none reads what another left behind.
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'provision-workflows-'));
    workspace = join(root, 'workspace');
    mkdirSync(workspace);
    const init = spawnSync(process.execPath, [join(REPO, 'bin', 'provision.js'), 'init'], { cwd: workspace, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(init.status, 0, init.stderr);
    // The repository's example org: more users, a pruned scope and safety rules to break.
    rmSync(join(workspace, 'users'), { recursive: true });
    for (const entry of ['provision.yaml', 'users']) cpSync(join(REPO, entry), join(workspace, entry), { recursive: true });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'ci@example.com');
    git('config', 'user.name', 'CI');
    main = commit('provision init');
    ghState = join(root, 'gh-state.json');
    artifacts = join(root, 'artifacts');
    writeStandIns(join(root, 'bin'), ghState, artifacts);
    sandbox = await startSandbox({ port: 0, seed: await demoSeed(join(workspace, 'users')), searchLagMs: 0 });
  });

  afterEach(async () => {
    await sandbox?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('a pull request that touches no users data: the required check reports success without planning', async () => {
    writeFileSync(join(workspace, 'README.md'), '# Our users\n');
    const pr = openPullRequest(11, 'Add a README');
    const result = await planCheck(pr);
    assert.ok(result.success, explain(result));
    assert.equal(step(result, 'changed').outputs.changed, 'false');
    assert.equal(step(result, 'plan').outcome, 'skipped');
    assert.match(result.summary, /no users data changed/);
    assert.match(result.summary, /touches none of `provision\.yaml` `users` : nothing to plan/);
    assert.deepEqual(comments(result), []);
    main = pr.head;
  });

  test('in a merge queue the check plans the merge group, with no comment and no saved plan', async () => {
    edit('users/sales.yaml', 'name:', 'name: ');
    const head = commit('Queued');
    try {
      const event = { merge_group: { base_sha: main, head_sha: head, head_ref: `refs/heads/gh-readonly-queue/main/pr-12-${head}` } };
      const result = await runJob(workflow('plan'), 'plan', context('merge_group', event, head, { secrets: secrets('PLAN') }));
      assert.ok(result.success, explain(result));
      assert.equal(step(result, 'changed').outputs.changed, 'true');
      assert.equal(step(result, 'plan').outputs.outcome, 'changes');
      assert.match(result.summary, /### provision plan for /);
      assert.deepEqual(comments(result), []);
      assert.equal(artifact(String(runs), `provision-plan-${head}`), undefined);
    } finally {
      abandon();
    }
  });

  test('happy path: the plan is commented and saved; the merge applies exactly it and comments the outcome', async () => {
    edit('users/support.yaml', 'title: Team Lead, Tier 1', 'title: Team Lead, Tier 1 and Escalations');
    const pr = openPullRequest(17, 'Nina leads escalations');
    const check = await planCheck(pr);
    assert.ok(check.success, explain(check));
    assert.equal(step(check, 'plan').outputs.outcome, 'changes');
    const [comment] = comments(check);
    assert.ok(comment, 'one sticky comment');
    assert.ok(comment.length < GITHUB_COMMENT_LIMIT);
    assert.match(comment, new RegExp(`^<!-- provision-plan -->\\n<sub>Plan of ${pr.head} · \\[run\\]`));
    assert.match(comment, /Team Lead, Tier 1 <ins>and Escalations<\/ins>|and Escalations/);
    // file:line references link to the pull request's head commit.
    assert.match(comment, new RegExp(`\\]\\(https://github\\.com/${REPOSITORY}/blob/${pr.head}/users/support\\.yaml#L${lineOf('users/support.yaml', 'email: nina.berg@acme.com')}\\)`));
    assert.ok(check.summary.includes('nina.berg@acme.com'));

    const saved = artifact(String(runs), `provision-plan-${pr.head}`);
    assert.ok(saved, 'the plan is saved as an artifact named after the head commit');
    assert.deepEqual(readdirSync(saved).sort(), ['plan.json', 'plan.md', 'review.json']);
    const review = JSON.parse(readFileSync(join(saved, 'review.json'), 'utf8')) as Record<string, unknown>;
    const reviewed = JSON.parse(readFileSync(join(saved, 'plan.json'), 'utf8')) as Plan;
    assert.equal(review.pullRequest, 17);
    assert.equal(review.headSha, pr.head);
    assert.equal(review.baseSha, pr.base);
    assert.equal(review.planChecksum, reviewed.checksum);

    const merged = await merge(pr);
    assert.ok(merged.plan.success, explain(merged.plan));
    assert.equal(merged.plan.outputs.verdict, 'apply');
    assert.equal(merged.plan.outputs['pull-request'], '17');
    assert.ok(merged.apply.success, explain(merged.apply));
    assert.equal(sandbox.org.liveUserByEmail('nina.berg@acme.com')?.title, 'Team Lead, Tier 1 and Escalations');
    const outcome = prComments(17).at(-1) ?? '';
    assert.match(outcome, /### provision apply: applied/);
    assert.match(outcome, /Apply complete: \d+ created, \d+ updated, 1 restored, 0 deactivated, 0 failed\./);
    assert.match(outcome, new RegExp(`Plan ${reviewed.checksum}`), 'the applied plan is the reviewed plan');
    assert.ok(artifact(String(runs), 'provision-apply-journal'), 'the journal is uploaded');
    assert.doesNotMatch(merged.apply.summary + merged.apply.log + outcome, new RegExp(sandbox.clients[0]?.secret ?? 'x'), 'no secret in the outputs');

    const again = await planCheck(openPullRequest(18, 'Nothing else'));
    assert.equal(step(again, 'plan').outcome, 'skipped', 'an empty commit changes no users data');
  });

  test('a misspelled skill: an annotation on its line and the comment show it with the did-you-mean', async () => {
    edit('users/support.yaml', 'Billing: 4', 'Biling: 4');
    const pr = openPullRequest(19, 'Typo');
    try {
      const result = await planCheck(pr);
      assert.equal(result.success, false);
      assert.equal(step(result, 'validate').outcome, 'success', 'the name is only unknown to the org');
      assert.equal(step(result, 'plan').outputs.outcome, 'error');
      assert.match(result.log, new RegExp(`^::error file=users/support\\.yaml,line=${lineOf('users/support.yaml', 'Billing: 4')},col=\\d+,title=unknown-skill::Skill "Biling" does not exist in the org\\. Did you mean "Billing"\\?`, 'm'));
      const [comment] = comments(result);
      assert.match(comment ?? '', /no plan was made/);
      assert.match(comment ?? '', /Did you mean "Billing"\?/);
      assert.match(comment ?? '', new RegExp(`\\[users/support\\.yaml:${lineOf('users/support.yaml', 'Billing: 4')}:\\d+\\]\\(https://github\\.com/${REPOSITORY}/blob/${pr.head}/users/support\\.yaml#L${lineOf('users/support.yaml', 'Billing: 4')}\\)`));
      assert.doesNotMatch(comment ?? '', /see the run log/);
    } finally {
      abandon();
    }
  });

  test('the org edited between review and merge: apply refuses and posts the difference; a wrong approval is refused; the approved new plan is applied', async () => {
    await converge(); // the org as earlier merges left it
    edit('users/support.yaml', 'title: Team Lead, Tier 2', 'title: Team Lead, Tier 2 Escalations');
    const pr = openPullRequest(20, 'Marcus');
    const check = await planCheck(pr);
    assert.ok(check.success, explain(check));
    const priya = sandbox.org.liveUserByEmail('priya.raman@acme.com');
    assert.ok(priya);
    sandbox.org.updateUser(priya.id, (u) => {
      u.title = 'Edited in the admin UI';
    });

    const merged = await merge(pr);
    assert.equal(merged.plan.success, false, 'the plan job fails: nothing may be applied');
    assert.equal(merged.plan.outputs.verdict, 'refused');
    assert.equal(merged.apply.skipped, true, 'the apply job does not run');
    assert.equal(sandbox.org.liveUserByEmail('priya.raman@acme.com')?.title, 'Edited in the admin UI', 'the edit is not reverted');
    assert.equal(sandbox.org.liveUserByEmail('marcus.webb@acme.com')?.title, 'Team Lead, Tier 2');
    const difference = prComments(20).at(-1) ?? '';
    assert.match(difference, /the plan changed since it was reviewed, nothing was applied/);
    assert.match(difference, /\*\*New in the plan\*\* \(1\)\n\n- \*\*priya\.raman@acme\.com\*\*/);
    assert.ok(merged.plan.summary.includes('New in the plan'), 'the difference is in the job summary');
    const checksum = step(merged.plan, 'merge').outputs.checksum ?? '';
    assert.match(checksum, /^[0-9a-f]{64}$/);
    assert.ok(difference.includes(`plan-checksum=${checksum}`), 'the comment says how to approve the new plan');

    const wrong = await applyRun('workflow_dispatch', main, { 'plan-checksum': 'f'.repeat(64) });
    assert.equal(wrong.plan.outputs.verdict, 'refused');
    assert.equal(wrong.apply.skipped, true);
    assert.match(wrong.plan.summary, /The approval names plan `f{64}`, but the plan now is `[0-9a-f]{64}`/);

    const approved = await applyRun('workflow_dispatch', main, { 'plan-checksum': checksum });
    assert.equal(approved.plan.outputs.verdict, 'apply', explain(approved.plan));
    assert.ok(approved.apply.success, explain(approved.apply));
    assert.equal(sandbox.org.liveUserByEmail('marcus.webb@acme.com')?.title, 'Team Lead, Tier 2 Escalations');
    assert.equal(sandbox.org.liveUserByEmail('priya.raman@acme.com')?.title, 'Support Agent', 'the approved plan restores the declared title');
  });

  test('a plan larger than the comment limit: one cut by provision, deactivations and the summary kept, valid HTML', async () => {
    await converge(); // the org as earlier merges left it
    const rows = ['email,name', ...Array.from({ length: 1500 }, (_, i) => `new.agent${String(i).padStart(4, '0')}@acme.com,New Agent ${i} - Tier 1`)];
    writeFileSync(join(workspace, 'users/new-hires.csv'), `${rows.join('\n')}\n`);
    edit('users/support.yaml', 'title: Support Agent\n', 'title: Support Agent\n    state: inactive\n');
    const pr = openPullRequest(21, 'Many hires');
    try {
      const result = await planCheck(pr);
      assert.ok(result.success, explain(result));
      const [comment] = comments(result);
      assert.ok(comment);
      assert.ok(comment.length <= GITHUB_COMMENT_LIMIT - 100, `${comment.length} characters, with room for the sticky comment's marker`);
      assertBalanced(comment);
      assert.match(comment, /<summary><b>- Deactivate<\/b> \(1\)<\/summary>\n\n- \*\*priya\.raman@acme\.com\*\*/);
      assert.match(comment, /\*\*Plan: 1,500 to create, 0 to update, 0 to restore, 1 to deactivate\.[^*]*\*\*\n$/);
      assert.match(comment, /are not shown, to keep this comment under GitHub's 65,536-character limit\. The full plan is in the job summary of https:\/\/github\.com\/acme\/org-users\/actions\/runs\/\d+ and the artifact provision-plan-/);
      assert.equal(comment.split('<!-- provision-plan -->').length, 2, 'cut once: one marker, one header');
    } finally {
      abandon();
    }
  });

  test('a pull request from a fork (no secrets) is validated and told that the plan needs a maintainer', async () => {
    edit('users/support.yaml', 'title: Senior Support Agent', 'title: Lead Support Agent');
    const pr = openPullRequest(23, 'From a fork');
    try {
      const result = await planCheck(pr, { fork: true, secrets: {} });
      assert.ok(result.success, explain(result));
      assert.equal(step(result, 'plan').outputs.outcome, 'no-secrets');
      assert.match(result.summary, /waiting for a maintainer/);
      assert.deepEqual(comments(result), [], 'a fork gets no comment');
    } finally {
      abandon();
    }
  });

  test('a plan blocked by a safety rule fails the check, and its comment names the provision.yaml setting to change', async () => {
    edit('provision.yaml', 'prune: false', 'prune: true');
    edit('provision.yaml', 'maxDeactivations: 10', 'maxDeactivations: 0');
    const pr = openPullRequest(24, 'Prune');
    try {
      const result = await planCheck(pr);
      assert.equal(result.success, false);
      assert.equal(step(result, 'plan').outputs.outcome, 'blocked');
      const [comment] = comments(result);
      assert.match(comment ?? '', /change `safety\.maxDeactivations`[^\n]* in `provision\.yaml` in this pull request/);
      assert.doesNotMatch(comment ?? '', /--allow-unsafe/);
      assert.match(result.log, /^::error title=Plan blocked by a safety rule::/m);
    } finally {
      abandon();
    }
  });

  test('drift: none, then an out-of-band change opens one issue and updates it; approving the plan undoes it and closes the issue', async () => {
    await converge(); // the org as earlier merges left it
    const quiet = await driftJob();
    assert.ok(quiet.success, explain(quiet));
    assert.equal(step(quiet, 'drift').outputs.drift, 'false');
    assert.deepEqual(readGhState(ghState).issues, []);

    const user = sandbox.org.liveUserByEmail('nina.berg@acme.com');
    assert.ok(user);
    sandbox.org.updateUser(user.id, (u) => {
      u.title = 'Changed outside git';
    });
    const drifted = await driftJob();
    assert.ok(drifted.success, explain(drifted));
    assert.equal(step(drifted, 'drift').outputs.drift, 'true');
    let state = readGhState(ghState);
    assert.equal(state.issues.length, 1);
    assert.equal(state.issues[0]?.title, DRIFT_TITLE);
    assert.ok(state.issues[0]?.body.includes('Changed outside git'));
    const again = await driftJob();
    assert.ok(again.success);
    state = readGhState(ghState);
    assert.equal(state.issues.length, 1, 'one issue, updated rather than duplicated');

    // The drift issue shows the plan's checksum: approving it by hand undoes the change.
    const checksum = /plan checksum ([0-9a-f]{64})/.exec(state.issues[0]?.body ?? '')?.[1];
    assert.ok(checksum, 'the drift issue names the plan checksum');
    const undo = await applyRun('workflow_dispatch', main, { 'plan-checksum': checksum });
    assert.equal(undo.plan.outputs.verdict, 'apply', explain(undo.plan));
    assert.ok(undo.apply.success, explain(undo.apply));
    const cleared = await driftJob();
    assert.equal(step(cleared, 'drift').outputs.drift, 'false');
    state = readGhState(ghState);
    assert.equal(state.issues[0]?.state, 'closed');
    assert.match(state.issues[0]?.comments[0] ?? '', /matches the users files again/);
  });
  test('apply with a failure: the outcome on the pull request names the failed change with its contextId', async () => {
    edit('users/support.yaml', 'title: Senior Support Agent', 'title: Principal Support Agent');
    const pr = openPullRequest(22, 'Samuel');
    const check = await planCheck(pr);
    assert.ok(check.success, explain(check));
    const samuel = sandbox.org.liveUserByEmail('samuel.okafor@acme.com');
    assert.ok(samuel);
    sandbox.script({ method: 'PATCH', path: `/api/v2/users/${samuel.id}`, kind: '5xx', status: 400, body: 'json' });
    const merged = await merge(pr);
    assert.equal(merged.plan.outputs.verdict, 'apply', explain(merged.plan));
    assert.equal(merged.apply.success, false);
    const outcome = prComments(22).at(-1) ?? '';
    assert.match(outcome, /### provision apply: failed \(exit code 1\)/);
    assert.match(outcome, /1 failed\./);
    assert.match(outcome, /samuel\.okafor@acme\.com .*\(contextId [\w-]+\)/);
    assert.ok(artifact(String(runs), 'provision-apply-journal'));
  });
});
