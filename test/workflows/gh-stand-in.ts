// Stand-in for the GitHub CLI (`gh issue list|create|edit|close`) used by the drift workflow test.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

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

export interface GhState {
  issues: StandInIssue[];
  calls: GhCall[];
}

export function readGhState(path: string): GhState {
  if (!existsSync(path)) return { issues: [], calls: [] };
  return JSON.parse(readFileSync(path, 'utf8')) as GhState;
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

export function main(statePath: string): void {
  const args = process.argv.slice(2);
  if (!process.env.GH_TOKEN) fail('To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.', 4);
  const state = readGhState(statePath);
  const call: GhCall = { args };
  const [group, command, ...rest] = args;
  if (group !== 'issue') fail(`only "gh issue" is stood in, not: ${args.join(' ')}`, 2);
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
  state.calls.push(call);
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  process.stdout.write(out);
}
