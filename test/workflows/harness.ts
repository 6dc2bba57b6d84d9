// Runs a workflow job's steps locally the way a GitHub runner would: run: steps with bash, uses: steps by stand-ins.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { condition, interpolate } from './expressions.js';
import type { ExpressionScope, Value } from './expressions.js';

/** The repository under test: where the workflows and the `provision` binary live. */
export const REPO = resolve('.');
export const WORKFLOWS = join(REPO, '.github', 'workflows');

export interface WorkflowStep {
  name?: string;
  id?: string;
  if?: string | boolean;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string | number | boolean>;
  shell?: string;
}

export interface WorkflowJob {
  name?: string;
  'runs-on'?: string;
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  concurrency?: unknown;
  environment?: string;
  env?: Record<string, string>;
  steps: WorkflowStep[];
  defaults?: { run?: { shell?: string } };
}

export interface Workflow {
  name: string;
  on: unknown;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  concurrency?: unknown;
  jobs: Record<string, WorkflowJob>;
}

/** A workflow of this repository's .github/workflows/, or any workflow file by absolute path. */
export function loadWorkflow(file: string): Workflow {
  return parse(readFileSync(isAbsolute(file) ? file : join(WORKFLOWS, file), 'utf8')) as Workflow;
}

/** The composite action at the repository root (action.yml). */
export interface CompositeAction {
  name: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: WorkflowStep[] };
}

export const ACTION_FILE = join(REPO, 'action.yml');

export function loadAction(): CompositeAction {
  return parse(readFileSync(ACTION_FILE, 'utf8')) as CompositeAction;
}

/** `uses:` values that mean provision's own action: the released reference `init` writes, or the local checkout. */
export function isProvisionAction(uses: string): boolean {
  return uses === './' || /^genesys-provision\/provision@/.test(uses);
}

/** What a `uses:` stand-in saw. */
export interface ActionCall {
  action: string;
  with: Record<string, string>;
  /** For actions that read a file (comment body, artifact), its content; undefined when absent. */
  file?: string;
}

export type StepOutcome = 'success' | 'failure' | 'skipped';

export interface StepRecord {
  name: string;
  id?: string;
  kind: 'run' | 'uses';
  outcome: StepOutcome;
  exitCode?: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface JobResult {
  steps: StepRecord[];
  success: boolean;
  /** The job's `if:` was false: no step ran. */
  skipped: boolean;
  /** The job's `outputs:`, evaluated after its steps. */
  outputs: Record<string, string>;
  summary: string;
  actions: ActionCall[];
  /** The concatenated stdout of every run step: where workflow commands (`::error …`) land. */
  log: string;
}

export interface JobContext {
  workspace: string;
  /** Directories put first on PATH (the npx, npm and gh stand-ins). */
  binDirs: string[];
  eventName: 'pull_request' | 'merge_group' | 'push' | 'schedule' | 'workflow_dispatch';
  event: Record<string, Value>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  /** Scratch space for the runner files (summary, outputs, env). */
  runnerTemp: string;
  /** Extra variables for every step (e.g. where the gh stand-in keeps its state). */
  extraEnv?: Record<string, string>;
  /** This run's id: artifacts are kept per run under `artifacts`. */
  runId?: string;
  /** Where uploaded artifacts are kept, `<runId>/<name>/…` (shared with the gh stand-in's `run download`). */
  artifacts?: string;
  /** The commit the run is for (github.sha); default a fixed fake SHA. */
  sha?: string;
  /** workflow_dispatch inputs. */
  inputs?: Record<string, string>;
  /** Results of the jobs this one needs. */
  needs?: Record<string, JobResult>;
  /** The workflow's name (github.workflow). */
  workflowName?: string;
  /** This leg's values of the job's matrix (`matrix.org`, …). */
  matrix?: Record<string, Value>;
}

/** Parses the GITHUB_OUTPUT / GITHUB_ENV file format: `k=v` lines and `k<<DELIM` heredocs. */
export function parseCommandFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key, delimiter] = heredoc as unknown as [string, string, string];
      const body: string[] = [];
      i += 1;
      while (i < lines.length && lines[i] !== delimiter) {
        body.push(lines[i] as string);
        i += 1;
      }
      if (i >= lines.length) throw new Error(`unterminated ${key}<<${delimiter} in a command file`);
      result[key] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`malformed command file line: ${line}`);
    result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}

function runBash(shell: string, script: string, cwd: string, env: Record<string, string>, file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  writeFileSync(file, script);
  const argv = shell.replace('{0}', file).split(/\s+/).filter(Boolean);
  return new Promise((done, fail) => {
    // Asynchronous on purpose: the sandbox serving the CLI lives in this very process.
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

function stringMap(record: Record<string, string | number | boolean> | undefined, scope: ExpressionScope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record ?? {})) out[key] = interpolate(String(value), scope);
  return out;
}

/** The files an upload-artifact `path:` names (one per line; relative to the workspace). */
function artifactFiles(paths: string, workspace: string): string[] {
  return paths
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => resolve(workspace, line))
    .filter((file) => existsSync(file));
}

/** Stands in for the actions the workflows use, reading the files they would read. */
function standIn(action: string, inputs: Record<string, string>, ctx: JobContext): { ok: boolean; call: ActionCall } {
  const name = action.replace(/@.*$/, '');
  const call: ActionCall = { action: name, with: inputs };
  const workspace = ctx.workspace;
  switch (name) {
    case 'actions/checkout':
    case 'actions/setup-node':
      // The test prepared the workspace and runs the Node.js it runs on.
      return { ok: true, call };
    case 'actions/upload-artifact': {
      const files = artifactFiles(inputs.path ?? '', workspace);
      if (files[0]) call.file = readFileSync(files[0], 'utf8');
      if (ctx.artifacts && files.length > 0) {
        // Files from one folder land at the artifact's root, as upload-artifact's least common ancestor rule gives.
        const into = join(ctx.artifacts, ctx.runId ?? '0', inputs.name ?? 'artifact');
        mkdirSync(into, { recursive: true });
        for (const file of files) cpSync(file, join(into, basename(file)));
      }
      return { ok: !(files.length === 0 && inputs['if-no-files-found'] === 'error'), call };
    }
    case 'actions/download-artifact': {
      const from = join(ctx.artifacts ?? '/nonexistent', ctx.runId ?? '0', inputs.name ?? '');
      if (!existsSync(from)) return { ok: false, call };
      const into = resolve(workspace, inputs.path ?? '.');
      mkdirSync(into, { recursive: true });
      cpSync(from, into, { recursive: true });
      return { ok: true, call };
    }
    case 'marocchino/sticky-pull-request-comment': {
      const path = resolve(workspace, inputs.path ?? '');
      if (!existsSync(path)) return { ok: false, call };
      call.file = readFileSync(path, 'utf8');
      return { ok: true, call };
    }
    default:
      throw new Error(`no stand-in for ${action}`);
  }
}

/** What the steps of one job share: the runner files, the env that GITHUB_ENV adds, what the actions saw, the log. */
interface JobState {
  ctx: JobContext;
  shell: string;
  summaryFile: string;
  github: Record<string, Value>;
  envFromSteps: Record<string, string>;
  records: StepRecord[];
  actions: ActionCall[];
  log: string;
  counter: number;
}

/** Runs `steps` in `scope` (a job's, or a composite action's), recording each; true when none failed. */
async function runSteps(stepsList: WorkflowStep[], scope: ExpressionScope, state: JobState, baseEnv: () => Record<string, string>, extra: Record<string, string>): Promise<boolean> {
  const { ctx } = state;
  const steps = scope.contexts.steps as Record<string, Value>;
  for (const [index, step] of stepsList.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    const env = { ...baseEnv(), ...extra };
    scope.contexts.env = env;
    if (!condition(step.if, scope)) {
      state.records.push({ name, id: step.id, kind: step.uses ? 'uses' : 'run', outcome: 'skipped', stdout: '', stderr: '', outputs: {} });
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const stepEnv = { ...env, ...stringMap(step.env, scope) };
    let record: StepRecord;
    if (step.uses && isProvisionAction(step.uses)) {
      const inputs = stringMap(step.with, { ...scope, contexts: { ...scope.contexts, env: stepEnv } });
      state.actions.push({ action: 'provision', with: inputs });
      const { ok, outputs } = await runComposite(inputs, scope, state, stepEnv);
      record = { name, id: step.id, kind: 'uses', outcome: ok ? 'success' : 'failure', stdout: '', stderr: '', outputs };
    } else if (step.uses) {
      const inputs = stringMap(step.with, { ...scope, contexts: { ...scope.contexts, env: stepEnv } });
      const { ok, call } = standIn(step.uses, inputs, ctx);
      state.actions.push(call);
      record = { name, id: step.id, kind: 'uses', outcome: ok ? 'success' : 'failure', stdout: '', stderr: '', outputs: {} };
    } else {
      state.counter += 1;
      const n = state.counter;
      const outputFile = join(ctx.runnerTemp, `output-${n}`);
      const envFile = join(ctx.runnerTemp, `env-${n}`);
      const pathFile = join(ctx.runnerTemp, `path-${n}`);
      for (const file of [outputFile, envFile, pathFile]) writeFileSync(file, '');
      const github = state.github;
      const runEnv: Record<string, string> = {
        PATH: [...ctx.binDirs, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
        HOME: process.env.HOME ?? ctx.runnerTemp,
        LANG: 'C.UTF-8',
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: ctx.workspace,
        GITHUB_STEP_SUMMARY: state.summaryFile,
        GITHUB_OUTPUT: outputFile,
        GITHUB_ENV: envFile,
        GITHUB_PATH: pathFile,
        GITHUB_EVENT_NAME: ctx.eventName,
        GITHUB_REPOSITORY: String(github.repository),
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: String(github.run_id),
        GITHUB_SHA: String(github.sha),
        GITHUB_REF: String(github.ref),
        GITHUB_WORKFLOW: String(github.workflow),
        RUNNER_TEMP: ctx.runnerTemp,
        ...(typeof github.action_path === 'string' ? { GITHUB_ACTION_PATH: github.action_path } : {}),
        ...ctx.extraEnv,
        ...stepEnv,
      };
      const result = await runBash(step.shell ?? state.shell, step.run ?? '', ctx.workspace, runEnv, join(ctx.runnerTemp, `step-${n}.sh`));
      state.log += result.stdout;
      Object.assign(state.envFromSteps, parseCommandFile(readFileSync(envFile, 'utf8')));
      record = {
        name,
        id: step.id,
        kind: 'run',
        outcome: result.code === 0 ? 'success' : 'failure',
        exitCode: result.code,
        stdout: result.stdout,
        stderr: result.stderr,
        outputs: parseCommandFile(readFileSync(outputFile, 'utf8')),
      };
    }
    state.records.push(record);
    if (step.id) steps[step.id] = { outputs: record.outputs, outcome: record.outcome, conclusion: record.outcome };
    if (record.outcome === 'failure') scope.failed = true;
  }
  return !scope.failed;
}

/** Runs provision's composite action (action.yml) as a step would: its own inputs and steps contexts, the step's env, GITHUB_ACTION_PATH. */
async function runComposite(given: Record<string, string>, outer: ExpressionScope, state: JobState, stepEnv: Record<string, string>): Promise<{ ok: boolean; outputs: Record<string, string> }> {
  const action = loadAction();
  const inputs: Record<string, Value> = {};
  for (const [key, spec] of Object.entries(action.inputs ?? {})) {
    const value = given[key] ?? (spec.default === undefined ? '' : interpolate(spec.default, outer));
    if (spec.required && value === '') throw new Error(`the action needs input ${key}`);
    inputs[key] = value;
  }
  for (const key of Object.keys(given)) if (!(key in inputs)) throw new Error(`the action has no input ${key}`);
  const github = { ...state.github, action_path: REPO };
  const scope: ExpressionScope = { contexts: { ...outer.contexts, github, inputs, steps: {} }, failed: outer.failed, workspace: outer.workspace };
  const saved = state.github;
  state.github = github;
  try {
    const ok = await runSteps(action.runs.steps, scope, state, () => ({ ...(outer.contexts.env as Record<string, string>), ...state.envFromSteps }), stepEnv);
    const outputs: Record<string, string> = {};
    for (const [key, spec] of Object.entries(action.outputs ?? {})) outputs[key] = interpolate(spec.value, scope);
    return { ok, outputs };
  } finally {
    state.github = saved;
  }
}

/** Runs one job of a workflow, step by step, and reports what each step did. */
export async function runJob(workflow: Workflow, jobId: string, ctx: JobContext): Promise<JobResult> {
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId}`);
  mkdirSync(ctx.runnerTemp, { recursive: true });
  const summaryFile = join(ctx.runnerTemp, 'step-summary.md');
  writeFileSync(summaryFile, '');
  const github: Record<string, Value> = {
    event_name: ctx.eventName,
    event: ctx.event,
    repository: 'acme/org-users',
    repository_owner: 'acme',
    sha: ctx.sha ?? '0123456789abcdef0123456789abcdef01234567',
    ref: 'refs/heads/main',
    run_id: ctx.runId ?? '4242',
    server_url: 'https://github.com',
    workspace: ctx.workspace,
    token: 'ghs_stand-in-token',
    workflow: ctx.workflowName ?? workflow.name,
  };
  const needs: Record<string, Value> = {};
  for (const [id, result] of Object.entries(ctx.needs ?? {})) needs[id] = { outputs: result.outputs, result: result.skipped ? 'skipped' : result.success ? 'success' : 'failure' };
  const scope: ExpressionScope = {
    contexts: { github, secrets: ctx.secrets, vars: ctx.vars, steps: {}, env: {}, matrix: ctx.matrix ?? {}, needs, inputs: ctx.inputs ?? {}, runner: { os: 'Linux', temp: ctx.runnerTemp } },
    failed: false,
    workspace: ctx.workspace,
  };
  if (job.if !== undefined && !condition(job.if, scope)) {
    return { steps: [], success: true, skipped: true, outputs: {}, summary: '', actions: [], log: '' };
  }
  const workflowEnv = stringMap(workflow.env, scope);
  const jobEnv = stringMap(job.env, { ...scope, contexts: { ...scope.contexts, env: workflowEnv } });
  const state: JobState = {
    ctx,
    shell: job.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? 'bash -e {0}',
    summaryFile,
    github,
    envFromSteps: {},
    records: [],
    actions: [],
    log: '',
    counter: 0,
  };
  await runSteps(job.steps, scope, state, () => ({ ...workflowEnv, ...jobEnv, ...state.envFromSteps }), {});
  const outputs = stringMap(job.outputs, scope);
  return { steps: state.records, success: !scope.failed, skipped: false, outputs, summary: readFileSync(summaryFile, 'utf8'), actions: state.actions, log: state.log };
}

/** Writes the npx, npm and gh stand-ins into `dir`: `npx provision` runs this repository's binary. */
export function writeStandIns(dir: string, ghState: string, artifacts = join(dirname(ghState), 'artifacts')): void {
  mkdirSync(dir, { recursive: true });
  const bin = join(REPO, 'bin', 'provision.js');
  const files: Record<string, string> = {
    npx: [
      '#!/usr/bin/env bash',
      '# Stand-in for npx: only `npx provision …` exists here, and it runs the repository under test.',
      'if [[ "${1:-}" != provision ]]; then echo "npx stand-in: only provision is installed" >&2; exit 127; fi',
      'shift',
      `exec node ${JSON.stringify(bin)} "$@"`,
      '',
    ].join('\n'),
    npm: [
      '#!/usr/bin/env bash',
      '# Stand-in for npm: the test runs against the repository already built, so `npm ci` and the build have nothing to do.',
      'if [[ "${1:-}" == ci ]]; then echo "npm ci: stood in by the workflow test"; exit 0; fi',
      'if [[ "${1:-} ${2:-}" == "run build:release" ]]; then echo "npm run build:release: stood in (dist/ is built)"; exit 0; fi',
      'echo "npm stand-in: only npm ci and npm run build:release are available" >&2; exit 127',
      '',
    ].join('\n'),
    gh: [
      '#!/usr/bin/env node',
      "// Stand-in for the GitHub CLI's issue commands: keeps issues in a JSON file and records every call.",
      `import(${JSON.stringify(pathToFileURL(join(REPO, 'dist', 'test', 'workflows', 'gh-stand-in.js')).href)}).then((m) => m.main(${JSON.stringify(ghState)}, ${JSON.stringify(artifacts)}));`,
      '',
    ].join('\n'),
  };
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, content);
    chmodSync(path, 0o755);
  }
}
