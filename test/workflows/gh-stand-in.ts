// Stand-in for the GitHub CLI: `gh issue list|create|edit|close`, `gh pr comment`, `gh api` (GET of canned answers) and `gh run download`.
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StandInIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  comments: string[];
}

export interface GhCall {
  args: string[];
  /** The body read from --body-file, when given. */
  body?: string;
}

export interface PrComment {
  number: number;
  body: string;
}

export interface GhState {
  issues: StandInIssue[];
  calls: GhCall[];
  /** Comments made with `gh pr comment`. */
  prComments?: PrComment[];
  /** Canned answers of `gh api <path>` (GET), by path. */
  api?: Record<string, unknown>;
}

export function readGhState(path: string): GhState {
  if (!existsSync(path)) return { issues: [], calls: [] };
  return JSON.parse(readFileSync(path, 'utf8')) as GhState;
}

export function writeGhState(path: string, state: GhState): void {
  writeFileSync(path, JSON.stringify(state, null, 2));
}

/** `gh run download --name N --dir D`: the newest run's artifact of that name (run ids are numbers), as gh picks the latest. */
function download(artifacts: string, name: string, dir: string): boolean {
  if (!existsSync(artifacts)) return false;
  const runs = readdirSync(artifacts)
    .filter((run) => existsSync(join(artifacts, run, name)))
    .sort((a, b) => Number(b) - Number(a));
  if (runs[0] === undefined) return false;
  cpSync(join(artifacts, runs[0], name), dir, { recursive: true });
  return true;
}

function fail(message: string, code = 1): never {
  process.stderr.write(`gh stand-in: ${message}\n`);
  process.exit(code);
}

/** `--flag value` pairs and positionals. */
function parseArgs(args: string[]): { flags: Record<string, string>; positionals: string[] } {
  const flags: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) fail(`flag ${arg} needs a value`);
    flags[arg.slice(2)] = value;
    i += 1;
  }
  return { flags, positionals };
}

/**
 * The one jq shape the workflow uses: `.[] | select(.FIELD == env.NAME) | .FIELD`. Anything else
 * fails loudly, so a workflow change cannot pass unnoticed against this stand-in.
 */
function applyJq(expression: string, rows: Record<string, unknown>[]): string {
  const match = /^\.\[\]\s*\|\s*select\(\.(\w+)\s*==\s*env\.(\w+)\)\s*\|\s*\.(\w+)$/.exec(expression.trim());
  if (!match) fail(`unsupported --jq expression: ${expression}`, 2);
  const [, field, variable, projection] = match as unknown as [string, string, string, string];
  const wanted = process.env[variable];
  return rows
    .filter((row) => row[field] === wanted)
    .map((row) => `${String(row[projection])}\n`)
    .join('');
}

export function main(statePath: string, artifacts: string): void {
  const args = process.argv.slice(2);
  if (!process.env.GH_TOKEN) fail('To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.', 4);
  const state = readGhState(statePath);
  const call: GhCall = { args };
  const [group, command, ...rest] = args;
  const record = (out: string): void => {
    state.calls.push(call);
    writeGhState(statePath, state);
    process.stdout.write(out);
  };
  if (group === 'api') {
    const path = command ?? '';
    if (rest.length > 0) fail(`only "gh api <path>" (a GET without flags) is stood in, not: ${args.join(' ')}`, 2);
    if (!state.api || !(path in state.api)) fail(`HTTP 404: Not Found (https://api.github.com/${path})`);
    record(`${JSON.stringify(state.api[path])}\n`);
    return;
  }
  if (group === 'run') {
    const { flags } = parseArgs(rest);
    if (command !== 'download' || flags.name === undefined || flags.dir === undefined) fail(`only "gh run download --name N --dir D" is stood in, not: ${args.join(' ')}`, 2);
    if (!download(artifacts, flags.name, flags.dir)) {
      state.calls.push(call);
      writeGhState(statePath, state);
      fail('no valid artifacts found to download');
    }
    record('');
    return;
  }
  if (group === 'pr') {
    const { flags, positionals } = parseArgs(rest);
    if (command !== 'comment' || flags['body-file'] === undefined || positionals.length !== 1) fail(`only "gh pr comment N --body-file F" is stood in, not: ${args.join(' ')}`, 2);
    call.body = readFileSync(flags['body-file'], 'utf8');
    state.prComments = [...(state.prComments ?? []), { number: Number(positionals[0]), body: call.body }];
    record(`https://github.com/${process.env.GH_REPO ?? 'owner/repo'}/pull/${positionals[0]}#issuecomment-${state.prComments.length}\n`);
    return;
  }
  if (group !== 'issue') fail(`only "gh issue", "gh pr comment", "gh api" and "gh run download" are stood in, not: ${args.join(' ')}`, 2);
  const { flags, positionals } = parseArgs(rest);
  if (flags['body-file'] !== undefined) call.body = readFileSync(flags['body-file'], 'utf8');
  const find = (): StandInIssue => {
    const issue = state.issues.find((candidate) => candidate.number === Number(positionals[0]));
    if (!issue) fail(`no issue ${positionals[0]}`);
    return issue;
  };
  let out = '';
  switch (command) {
    case 'list': {
      const wantedState = flags.state ?? 'open';
      const fields = (flags.json ?? 'number,title').split(',');
      const rows = state.issues
        .filter((issue) => wantedState === 'all' || issue.state === wantedState)
        .slice(0, Number(flags.limit ?? 30))
        .map((issue) => Object.fromEntries(fields.map((field) => [field, (issue as unknown as Record<string, unknown>)[field]])));
      out = flags.jq !== undefined ? applyJq(flags.jq, rows) : `${JSON.stringify(rows)}\n`;
      break;
    }
    case 'create': {
      if (!flags.title || call.body === undefined) fail('create needs --title and --body-file');
      const number = state.issues.reduce((max, issue) => Math.max(max, issue.number), 0) + 1;
      state.issues.push({ number, title: flags.title, body: call.body, state: 'open', comments: [] });
      out = `https://github.com/${process.env.GH_REPO ?? 'owner/repo'}/issues/${number}\n`;
      break;
    }
    case 'edit': {
      const issue = find();
      if (call.body !== undefined) issue.body = call.body;
      if (flags.title !== undefined) issue.title = flags.title;
      break;
    }
    case 'close': {
      const issue = find();
      issue.state = 'closed';
      if (flags.comment !== undefined) issue.comments.push(flags.comment);
      break;
    }
    default:
      fail(`"gh issue ${command}" is not stood in`, 2);
  }
  record(out);
}
