// The workflow files themselves (ci.yml, the action, and the consumer workflows `provision init` writes): schema-valid, shellcheck-clean, pinned, least-privileged, no untrusted interpolation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_FILE, REPO, WORKFLOWS, loadAction, loadWorkflow } from './harness.js';
import type { Workflow, WorkflowStep } from './harness.js';

const STRICT_SHELL = 'bash --noprofile --norc -euo pipefail {0}';
/** The one way to run the suite without shellcheck: set to 1, the check is reported as skipped. */
const SKIP_SHELLCHECK = 'PROVISION_SKIP_SHELLCHECK';
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
/** Third-party actions: a full commit SHA and the version it is, in a comment. */
const PINNED = /^\s*(?:-\s+)?uses:\s+([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$/;
/** provision's own action in the consumer workflows: the release this package is. */
const OWN_ACTION = `genesys-provision/provision@v${VERSION}`;

let generated: string;
/** Every workflow file checked: the repository's own and the ones init writes. */
let files: string[];

interface Located {
  where: string;
  step: WorkflowStep;
}

function workflowSteps(file: string): Located[] {
  const workflow = loadWorkflow(file);
  return Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
    job.steps.map((step, index) => ({ where: `${file} ${jobId} step ${index + 1} (${step.name ?? step.uses})`, step })),
  );
}

function actionSteps(): Located[] {
  return loadAction().runs.steps.map((step, index) => ({ where: `action.yml step ${index + 1} (${step.name ?? step.uses})`, step }));
}

function allSteps(): Located[] {
  return [...files.flatMap(workflowSteps), ...actionSteps()];
}

function generatedWorkflow(name: string): Workflow {
  return loadWorkflow(join(generated, '.github', 'workflows', `provision-${name}.yml`));
}

describe('the workflows and the action', () => {
  before(() => {
    generated = mkdtempSync(join(tmpdir(), 'provision-static-'));
    const init = spawnSync(process.execPath, [join(REPO, 'bin', 'provision.js'), 'init'], { cwd: generated, encoding: 'utf8' });
    assert.equal(init.status, 0, init.stderr);
    const own = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml')).sort();
    const consumer = readdirSync(join(generated, '.github', 'workflows')).sort();
    files = [...own.map((f) => join(WORKFLOWS, f)), ...consumer.map((f) => join(generated, '.github', 'workflows', f))];
  });

  after(() => {
    if (generated) rmSync(generated, { recursive: true, force: true });
  });

  test('the repository keeps only its own CI and mutation testing; init writes the plan, apply and drift workflows', () => {
    assert.deepEqual(readdirSync(WORKFLOWS).sort(), ['ci.yml', 'mutation.yml']);
    assert.deepEqual(readdirSync(join(generated, '.github', 'workflows')).sort(), ['provision-apply.yml', 'provision-drift.yml', 'provision-plan.yml']);
  });

  test('every workflow, generated ones included, and action.yml validate against their schemas (action-validator)', () => {
    for (const file of [...files, ACTION_FILE]) {
      const run = spawnSync(join(REPO, 'node_modules', '.bin', 'action-validator'), [file], { encoding: 'utf8' });
      assert.equal(run.error, undefined, `action-validator could not start: ${run.error?.message}`);
      assert.equal(run.status, 0, `${file}\n${run.stdout}\n${run.stderr}`);
    }
  });

  test('every run: script of the workflows and the action passes shellcheck', (t) => {
    // Required: a missing shellcheck fails, so the check never vanishes unnoticed. Only the named variable skips it.
    if (process.env[SKIP_SHELLCHECK] === '1') {
      t.skip(`${SKIP_SHELLCHECK}=1: the run: scripts were not checked`);
      return;
    }
    const probe = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    assert.equal(
      probe.error,
      undefined,
      `shellcheck could not start (${probe.error?.message}): install it (Debian package "shellcheck"; .ci/run does), or set ${SKIP_SHELLCHECK}=1 to skip this check knowingly`,
    );
    assert.equal(probe.status, 0, probe.stderr);
    const dir = mkdtempSync(join(tmpdir(), 'provision-shellcheck-'));
    try {
      const problems: string[] = [];
      let checked = 0;
      for (const [index, { where, step }] of allSteps().entries()) {
        if (step.run === undefined) continue;
        const script = join(dir, `step-${index}.sh`);
        writeFileSync(script, `#!/usr/bin/env bash\n${step.run}`);
        const run = spawnSync('shellcheck', ['-s', 'bash', '-f', 'gcc', script], { encoding: 'utf8' });
        checked += 1;
        if (run.status !== 0) problems.push(`${where}:\n${run.stdout}${run.stderr}`);
      }
      assert.deepEqual(problems, []);
      assert.ok(checked >= 10, `${checked} scripts checked`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no run: script interpolates an expression: values reach the shell through env only', () => {
    for (const { where, step } of allSteps()) {
      if (step.run !== undefined) assert.doesNotMatch(step.run, /\$\{\{/, `${where} interpolates an expression into its script`);
    }
  });

  test('every script runs bash with -euo pipefail and without profiles', () => {
    for (const file of files) {
      assert.equal(loadWorkflow(file).defaults?.run?.shell, STRICT_SHELL, file);
      for (const { where, step } of workflowSteps(file)) assert.equal(step.shell, undefined, `${where} overrides the shell`);
    }
    for (const { where, step } of actionSteps()) if (step.run !== undefined) assert.equal(step.shell, STRICT_SHELL, where);
  });

  test('every third-party action is pinned to a full commit SHA with its version in a comment; provision to its release', () => {
    for (const file of [...files, ACTION_FILE]) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!/^\s*(?:-\s+)?uses:/.test(line)) continue;
        if (line.includes('genesys-provision/provision@')) {
          assert.equal(line.trim().replace(/^-\s+/, ''), `uses: ${OWN_ACTION}`, `${file}: ${line}`);
          continue;
        }
        assert.match(line, PINNED, `${file}: ${line}`);
      }
    }
  });

  test('the same third-party action is pinned to the same commit everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of [...files, ACTION_FILE]) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const m = PINNED.exec(line);
        if (m) pins.set(m[1] as string, (pins.get(m[1] as string) ?? new Set()).add(m[2] as string));
      }
    }
    for (const [action, shas] of pins) assert.equal(shas.size, 1, `${action} is pinned to ${[...shas].join(' and ')}`);
    assert.ok(pins.has('actions/checkout') && pins.has('actions/setup-node') && pins.has('actions/upload-artifact') && pins.has('actions/download-artifact'));
  });

  test('secrets are read only into env: of the steps that need them, never into an action input or a script', () => {
    for (const file of files) {
      for (const { where, step } of workflowSteps(file)) {
        for (const value of Object.values(step.env ?? {}).map(String).filter((v) => v.includes('secrets.'))) {
          assert.match(value, /^\$\{\{ secrets\.GENESYS_(PLAN|APPLY)_CLIENT_(ID|SECRET) \}\}$/, where);
        }
        for (const value of Object.values(step.with ?? {}).map(String)) assert.doesNotMatch(value, /secrets\./, `${where} passes a secret to an action`);
      }
    }
    for (const { where, step } of [...allSteps()]) {
      if (step.run) assert.doesNotMatch(step.run, /echo[^\n]*GENESYS_CLIENT_SECRET|set -x|xtrace/, `${where} may print a secret`);
    }
  });

  test('the action runs only its own build of provision: never npx or the repository\'s node_modules', () => {
    const runs = actionSteps().map(({ step }) => step.run ?? '').join('\n');
    assert.doesNotMatch(runs, /\bnpx\b/);
    assert.match(runs, /cd "\$\{GITHUB_ACTION_PATH\}" \|\| exit 1\n\s*#[^\n]*\n\s*npm ci --ignore-scripts/);
    for (const line of runs.split('\n').filter((l) => /\bnode "/.test(l))) assert.match(line, /node "\$\{PROVISION_BIN\}"/, line);
    const setup = actionSteps().find(({ step }) => step.uses?.startsWith('actions/setup-node@'));
    assert.ok([22, 24].includes(Number(setup?.step.with?.['node-version'])), 'Node.js 22 or 24');
  });

  test('permissions are declared per workflow and least-privileged', () => {
    const expected: Record<string, Record<string, string>> = {
      'ci.yml': { contents: 'read' },
      'mutation.yml': { contents: 'read' },
      'provision-plan.yml': { contents: 'read', 'pull-requests': 'write' },
      'provision-apply.yml': { contents: 'read', actions: 'read', 'pull-requests': 'write' },
      'provision-drift.yml': { contents: 'read', issues: 'write' },
    };
    for (const file of files) assert.deepEqual(loadWorkflow(file).permissions, expected[file.split('/').at(-1) ?? ''], file);
  });

  test('the plan check always reports: every pull request and merge group, no path filter, a stable job name, the read-only client', () => {
    const plan = generatedWorkflow('plan');
    assert.deepEqual(plan.on, { pull_request: null, merge_group: null });
    assert.equal(plan.jobs.plan?.name, 'Validate and plan');
    const step = plan.jobs.plan?.steps.find((s) => s.uses === OWN_ACTION);
    assert.equal(step?.with?.command, 'plan');
    assert.equal(step?.env?.GENESYS_CLIENT_ID, '${{ secrets.GENESYS_PLAN_CLIENT_ID }}');
    const checkout = plan.jobs.plan?.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    assert.equal(checkout?.with?.['fetch-depth'], 0, 'the base commit is there to compare');
  });

  test('apply: plan and compare with the read-only client, then apply in the production environment only when allowed; apply and drift share one group', () => {
    const apply = generatedWorkflow('apply');
    const drift = generatedWorkflow('drift');
    assert.deepEqual(apply.concurrency, { group: 'provision-org', 'cancel-in-progress': false });
    assert.deepEqual(drift.concurrency, apply.concurrency);
    const on = apply.on as { push: { branches: string[]; paths: string[] }; workflow_dispatch: { inputs: Record<string, { required: boolean }> } };
    assert.deepEqual(on.push, { branches: ['main'], paths: ['users/**', 'provision.yaml'] });
    assert.equal(on.workflow_dispatch.inputs['plan-checksum']?.required, true);
    const planJob = apply.jobs.plan;
    const applyJob = apply.jobs.apply;
    assert.equal(planJob?.environment, undefined);
    assert.equal(planJob?.steps.find((s) => s.uses === OWN_ACTION)?.env?.GENESYS_CLIENT_SECRET, '${{ secrets.GENESYS_PLAN_CLIENT_SECRET }}');
    assert.equal(applyJob?.environment, 'production');
    assert.equal(applyJob?.needs, 'plan');
    assert.equal(applyJob?.if, "needs.plan.outputs.verdict == 'apply'");
    assert.equal(applyJob?.steps.find((s) => s.uses === OWN_ACTION)?.env?.GENESYS_CLIENT_SECRET, '${{ secrets.GENESYS_APPLY_CLIENT_SECRET }}');
  });

  test('drift runs nightly and by hand', () => {
    const on = generatedWorkflow('drift').on as { schedule: { cron: string }[]; workflow_dispatch: unknown };
    assert.equal(on.schedule.length, 1);
    assert.match(on.schedule[0]?.cron ?? '', /^\d+ \d+ \* \* \*$/);
    assert.ok('workflow_dispatch' in on);
  });

  test('mutation testing runs weekly and by hand on Node.js 20, and keeps the HTML reports whatever the score', () => {
    const mutation = loadWorkflow('mutation.yml');
    const on = mutation.on as { schedule: { cron: string }[]; workflow_dispatch: { inputs: Record<string, { required: boolean }> } };
    assert.equal(on.schedule.length, 1);
    assert.match(on.schedule[0]?.cron ?? '', /^\d+ \d+ \* \* \d$/, 'once a week');
    assert.equal(on.workflow_dispatch.inputs.group?.required, false);
    const steps = mutation.jobs.mutate?.steps ?? [];
    assert.equal(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version'], 20);
    assert.ok(steps.some((s) => s.run?.includes('npm run mutate')));
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.equal(upload?.with?.path, 'reports/mutation/');
    assert.equal(upload?.if, '${{ !cancelled() }}', 'a score below the floor fails the run and still uploads its reports');
  });

  test('ci tests on Node.js 20, 22 and 24', () => {
    const ci = loadWorkflow('ci.yml') as unknown as { jobs: { test: { strategy: { matrix: { node: number[] } }; steps: { run?: string }[] } } };
    assert.deepEqual(ci.jobs.test.strategy.matrix.node, [20, 22, 24]);
    const runs = ci.jobs.test.steps.map((step) => step.run ?? '').join('\n');
    for (const command of ['npx tsc -p tsconfig.json --noEmit', 'npm run lint', 'npm test']) assert.ok(runs.includes(command), command);
  });
});
