// Writing to the terminal: results to stdout, logs to stderr, colour only where a person reads it.
import pc from 'picocolors';
import type { Issue } from '../model/index.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** Colour when the stream is a TTY and neither NO_COLOR nor --no-color says otherwise. */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env, forceOff = false): Colors {
  const noColor = forceOff || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== '';
  return pc.createColors(!noColor && (forced || stream.isTTY === true));
}

/** A one-line log on stderr. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** `file:line:column severity code  message` with its hint, compiler style. */
export function formatIssue(issue: Issue, c: Colors): string {
  const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}` : ''}${issue.line && issue.column ? `:${issue.column}` : ''} ` : '';
  const sev = issue.severity === 'error' ? c.red('error') : c.yellow('warning');
  const hint = issue.hint ? `\n    ${c.dim(`hint: ${issue.hint}`)}` : '';
  return `${where}${sev} ${c.bold(issue.code)}  ${issue.message}${hint}`;
}
