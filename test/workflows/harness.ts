// Runs a workflow job's steps locally the way a GitHub runner would: run: steps with bash, uses: steps by stand-ins.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  'runs-on'?: string;
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

export function loadWorkflow(file: string): Workflow {
  return parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;
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
  summary: string;
  actions: ActionCall[];
  /** The concatenated stdout of every run step: where workflow commands (`::error …`) land. */
  log: string;
}

export interface JobContext {
  workspace: string;
  /** Directories put first on PATH (the npx, npm and gh stand-ins). */
  binDirs: string[];
  eventName: 'pull_request' | 'push' | 'schedule' | 'workflow_dispatch';
  event: Record<string, Value>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  /** Scratch space for the runner files (summary, outputs, env). */
  runnerTemp: string;
  /** Extra variables for every step (e.g. where the gh stand-in keeps its state). */
  extraEnv?: Record<string, string>;
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

/** Stands in for the actions the workflows use, reading the files they would read. */
function standIn(action: string, inputs: Record<string, string>, workspace: string): { ok: boolean; call: ActionCall } {
  const name = action.replace(/@.*$/, '');
  const call: ActionCall = { action: name, with: inputs };
  switch (name) {
    case 'actions/checkout':
    case 'actions/setup-node':
      // The test prepared the workspace and runs the Node.js it runs on.
      return { ok: true, call };
    case 'actions/upload-artifact': {
      const path = join(workspace, inputs.path ?? '');
      if (existsSync(path)) call.file = readFileSync(path, 'utf8');
      const missing = call.file === undefined;
      return { ok: !(missing && inputs['if-no-files-found'] === 'error'), call };
    }
    case 'marocchino/sticky-pull-request-comment': {
      const path = join(workspace, inputs.path ?? '');
      if (!existsSync(path)) return { ok: false, call };
      call.file = readFileSync(path, 'utf8');
      return { ok: true, call };
    }
    default:
      throw new Error(`no stand-in for ${action}`);
  }
}

/** Runs one job of a workflow, step by step, and reports what each step did. */
export async function runJob(workflow: Workflow, jobId: string, ctx: JobContext): Promise<JobResult> {
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId}`);
  mkdirSync(ctx.runnerTemp, { recursive: true });
  const summaryFile = join(ctx.runnerTemp, 'step-summary.md');
  writeFileSync(summaryFile, '');
  const shell = job.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? 'bash -e {0}';
  const repository = 'acme/org-users';
  const github: Record<string, Value> = {
    event_name: ctx.eventName,
    event: ctx.event,
    repository,
    repository_owner: 'acme',
    sha: '0123456789abcdef0123456789abcdef01234567',
    ref: 'refs/heads/main',
    run_id: '4242',
    server_url: 'https://github.com',
    workspace: ctx.workspace,
    token: 'ghs_stand-in-token',
  };
  const steps: Record<string, Value> = {};
  const envFromSteps: Record<string, string> = {};
  const scope: ExpressionScope = { contexts: { github, secrets: ctx.secrets, vars: ctx.vars, steps, env: {}, matrix: {}, runner: { os: 'Linux', temp: ctx.runnerTemp } }, failed: false, workspace: ctx.workspace };
  const workflowEnv = stringMap(workflow.env, scope);
  const jobEnv = stringMap(job.env, { ...scope, contexts: { ...scope.contexts, env: workflowEnv } });
  const records: StepRecord[] = [];
  const actions: ActionCall[] = [];
  let log = '';

  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    const baseEnv = { ...workflowEnv, ...jobEnv, ...envFromSteps };
    scope.contexts.env = baseEnv;
    if (!condition(step.if, scope)) {
      records.push({ name, id: step.id, kind: step.uses ? 'uses' : 'run', outcome: 'skipped', stdout: '', stderr: '', outputs: {} });
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const stepEnv = { ...baseEnv, ...stringMap(step.env, scope) };
    let record: StepRecord;
    if (step.uses) {
      const inputs = stringMap(step.with, { ...scope, contexts: { ...scope.contexts, env: stepEnv } });
      const { ok, call } = standIn(step.uses, inputs, ctx.workspace);
      actions.push(call);
      record = { name, id: step.id, kind: 'uses', outcome: ok ? 'success' : 'failure', stdout: '', stderr: '', outputs: {} };
    } else {
      const outputFile = join(ctx.runnerTemp, `output-${index}`);
      const envFile = join(ctx.runnerTemp, `env-${index}`);
      const pathFile = join(ctx.runnerTemp, `path-${index}`);
      for (const file of [outputFile, envFile, pathFile]) writeFileSync(file, '');
      const env: Record<string, string> = {
        PATH: [...ctx.binDirs, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
        HOME: process.env.HOME ?? ctx.runnerTemp,
        LANG: 'C.UTF-8',
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: ctx.workspace,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_OUTPUT: outputFile,
        GITHUB_ENV: envFile,
        GITHUB_PATH: pathFile,
        GITHUB_EVENT_NAME: ctx.eventName,
        GITHUB_REPOSITORY: repository,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '4242',
        GITHUB_SHA: String(github.sha),
        GITHUB_REF: String(github.ref),
        RUNNER_TEMP: ctx.runnerTemp,
        ...ctx.extraEnv,
        ...stepEnv,
      };
      const result = await runBash(step.shell ?? shell, step.run ?? '', ctx.workspace, env, join(ctx.runnerTemp, `step-${index}.sh`));
      log += result.stdout;
      Object.assign(envFromSteps, parseCommandFile(readFileSync(envFile, 'utf8')));
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
    records.push(record);
    if (step.id) steps[step.id] = { outputs: record.outputs, outcome: record.outcome, conclusion: record.outcome };
    if (record.outcome === 'failure') scope.failed = true;
  }
  return { steps: records, success: !scope.failed, summary: readFileSync(summaryFile, 'utf8'), actions, log };
}

/** Writes the npx, npm and gh stand-ins into `dir`: `npx provision` runs this repository's binary. */
export function writeStandIns(dir: string, ghState: string): void {
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
      '# Stand-in for npm: the test runs against the repository already built, so `npm ci` has nothing to do.',
      'if [[ "${1:-}" == ci ]]; then echo "npm ci: stood in by the workflow test"; exit 0; fi',
      'echo "npm stand-in: only npm ci is available" >&2; exit 127',
      '',
    ].join('\n'),
    gh: [
      '#!/usr/bin/env node',
      "// Stand-in for the GitHub CLI's issue commands: keeps issues in a JSON file and records every call.",
      `import(${JSON.stringify(pathToFileURL(join(REPO, 'dist', 'test', 'workflows', 'gh-stand-in.js')).href)}).then((m) => m.main(${JSON.stringify(ghState)}));`,
      '',
    ].join('\n'),
  };
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, content);
    chmodSync(path, 0o755);
  }
}
