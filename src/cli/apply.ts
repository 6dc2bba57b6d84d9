// The work of `provision apply` (declared in commands.ts): plan (or read a saved plan), show it, confirm, apply with progress and a journal, report.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';
import type { OperationRecord, Plan, ProvisionConfig } from '../model/index.js';
import { EXIT } from './exit.js';
import { colorsFor, log } from './output.js';
import type { Colors } from './output.js';
import type { Opened } from './session.js';

export interface ApplyFlags {
  autoApprove?: boolean;
  journal?: string;
  verify?: boolean;
  sandbox?: boolean;
  allowUnsafe?: boolean;
  concurrency?: string;
  /** The org of provision.yaml's `orgs:` to apply to; a saved plan's own org by default. */
  org?: string;
}


function parseConcurrency(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new ProvisionError('invalid-concurrency', `--concurrency must be a whole number from 1 to 64, not "${raw}".`, { hint: 'The pacer keeps the request rate under the limit; 4 to 8 is plenty.' });
  }
  return n;
}

/**
 * Reads a saved plan as untrusted input: parseable, of the plan's JSON Schema, and not edited since it was made
 * (the checksum catches accidents; it proves no authorship, so `checkSavedPlan` re-checks it against the org).
 */
async function readSavedPlan(file: string): Promise<Plan> {
  const { readFile } = await import('node:fs/promises');
  const { verifyChecksum } = await import('../plan/index.js');
  const { parseSavedPlan } = await import('../desired/plan-file.js');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new ProvisionError('plan-unreadable', `Cannot read the plan file ${file} (${code}).`, { hint: 'Save a plan with `provision plan --out plan.json`.' });
  }
  const plan = parseSavedPlan(text, file);
  if (!verifyChecksum(plan)) {
    throw new ProvisionError('plan-checksum-mismatch', `${file} was changed after it was planned: its checksum does not match its content.`, {
      hint: 'A saved plan is applied exactly as reviewed or not at all. Plan again with `provision plan --out plan.json`.',
    });
  }
  return plan;
}

function isEmptyPlan(plan: Plan): boolean {
  return plan.changes.length === 0;
}

async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

function problemLine(p: OperationRecord): string {
  const status = p.status !== undefined && p.status > 0 ? ` HTTP ${p.status}` : p.status === 0 ? ' no answer' : '';
  const code = p.code ? ` ${p.code}` : '';
  const context = p.contextId ? ` (contextId ${p.contextId})` : '';
  return `  ${p.outcome.padEnd(8)} ${p.email}  ${p.operation}:${code}${status}${context}${p.message ? `  ${p.message}` : ''}`;
}

export async function runApply(program: Command, planFile: string | undefined, flags: ApplyFlags): Promise<void> {
  const globals = program.opts<{ config: string; color?: boolean; allowCustomEnvironment?: boolean }>();
  const allowCustomEnvironment = globals.allowCustomEnvironment === true;
  const c = colorsFor(process.stderr, process.env, globals.color === false);
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  const session = await import('./session.js');
  const configRequired = program.getOptionValueSource('config') === 'cli';
  const { renderPlan, summaryLine } = await import('../render/index.js');
  const { loadConfig, selectOrg } = await import('../desired/index.js');
  const loaded = await loadConfig(globals.config, { required: configRequired });
  // A saved plan names its org: it goes there unless --org says otherwise (and then checkPlanOrg refuses it).
  const saved = planFile !== undefined ? await readSavedPlan(planFile) : undefined;
  const config = selectOrg(loaded, flags.org ?? (loaded.orgs ? saved?.org : undefined));
  const concurrency = parseConcurrency(flags.concurrency, config.apply.concurrency);

  let plan: Plan;
  let opened: Opened;
  if (saved !== undefined) {
    const { checkPlanOrg } = await import('./orgs.js');
    checkPlanOrg(saved, config, planFile!);
    plan = saved;
    opened = await session.openTarget({ sandbox: flags.sandbox === true, config: globals.config, loaded: config, allowCustomEnvironment, log });
  } else {
    const made = await session.makePlan({ sandbox: flags.sandbox === true, config: globals.config, loaded: config, allowCustomEnvironment, noColor: globals.color === false, allowUnsafe: flags.allowUnsafe === true, log });
    plan = made.plan;
    opened = made;
  }
  const { connection, close } = opened;
  let abortHandler: (() => void) | undefined;
  let liveUserIds: Set<string> | undefined;
  try {
    if (planFile !== undefined) ({ plan, liveUserIds } = await checkSavedPlan(plan, opened, planFile, config, c, flags.allowUnsafe === true));

    process.stderr.write(`${renderPlan(plan, 'text', { color: c.isColorSupported })}\n`);
    if (plan.safety.blocked && !flags.allowUnsafe) {
      log(`${c.red('error')} ${c.bold('plan-blocked')}  The plan breaks a safety threshold; nothing was written.`);
      log(`    ${c.dim('hint: review the violations above; pass --allow-unsafe to apply anyway.')}`);
      process.exitCode = EXIT.blocked;
      return;
    }
    if (isEmptyPlan(plan)) {
      log(summaryLine(plan));
      log('Nothing to apply.');
      process.exitCode = EXIT.ok;
      return;
    }
    if (!flags.autoApprove) {
      if (!interactive) {
        throw new ProvisionError('approval-required', 'Refusing to apply without approval: not on a terminal and --auto-approve not given. Nothing was written.', {
          hint: 'Review the plan above, then run `provision apply --auto-approve` (CI) or run it in a terminal to be asked.',
        });
      }
      const question = config.org !== undefined ? `Apply ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to org ${config.org}?` : 'Apply these changes?';
      const yes = await confirm(`\n${c.bold(question)} Only 'yes' is accepted: `);
      if (!yes) {
        log('Apply cancelled; nothing was written.');
        process.exitCode = EXIT.error;
        return;
      }
    }

    const { applyPlan, expectedOperations } = await import('../apply/index.js');
    const { journalLine, openJournal } = await import('../apply/journal.js');
    const { progressWriter } = await import('../apply/progress.js');
    const journal = flags.journal ? openJournal(flags.journal) : undefined;
    const progress = progressWriter(process.stderr, process.stderr.isTTY === true);
    const controller = new AbortController();
    abortHandler = () => {
      if (controller.signal.aborted) {
        log('\nStopped at once (second Ctrl-C). In-flight requests may or may not have landed: run `provision apply` again to converge.');
        journal?.close();
        process.exit(130);
      }
      controller.abort();
      progress.finish();
      log('\nStopping: no new operations will start; waiting for those in flight (Ctrl-C again to exit at once).');
    };
    process.on('SIGINT', abortHandler);
    log(`Applying ${expectedOperations(plan)} operations${config.org !== undefined ? ` to org ${config.org}` : ''}, ${concurrency} at a time…`);
    let report;
    try {
      report = await applyPlan(plan, connection.writer, {
        concurrency,
        journal: journal ? (record) => journal.write(config.org !== undefined ? { ...record, org: config.org } : record) : undefined,
        progress: (event) => progress.update(event),
        signal: controller.signal,
        rateLimited: () => connection.stats().rateLimited,
        liveUserIds,
      });
    } finally {
      progress.finish();
      journal?.close();
    }

    const out = (line: string): void => {
      process.stdout.write(`${line}\n`);
    };
    const seconds = (report.elapsedMs / 1000).toFixed(1);
    out(`${report.journalError ? 'Apply stopped' : report.interrupted ? 'Apply interrupted' : 'Apply complete'}${config.org !== undefined ? ` (org ${config.org})` : ''}: ${report.created} created, ${report.updated} updated, ${report.restored} restored, ${report.deactivated} deactivated, ${report.failed} failed.`);
    out(`  ${report.apiCalls} API calls in ${seconds} s, ${report.rateLimited} rate-limited answers waited out.`);
    if (report.alreadyDone > 0) out(`  ${report.alreadyDone} of these users were already as planned (an earlier run, or someone in the org, made the changes): nothing was written for them.`);
    if (report.problems.length > 0) {
      out(`Problems (${report.problems.length}):`);
      for (const p of report.problems) out(problemLine(p));
    }
    if (report.conflicts > 0) {
      out(`${report.conflicts} user(s) were changed in the org since the plan (on the very fields it changes, deleted, or created by someone else): they were left as the org has them. Run \`provision plan\` again and review.`);
    }
    if (report.interrupted) out(`${report.notStarted} operation(s) were not started. Run \`provision apply\` again to finish: it converges without duplicates.`);
    else if (report.failed > 0) out('Fix the causes above and run `provision apply` again: what succeeded is not repeated.');
    if (report.journalError) {
      // The journal is the audit record: what it missed is printed whole, to be appended by hand.
      if (report.unjournaled.length > 0) {
        out(`Not in the journal (${report.unjournaled.length}), as its lines:`);
        for (const record of report.unjournaled) process.stdout.write(journalLine(record));
      }
      throw new ProvisionError('journal-unwritable', `${report.journalError.message} Apply stopped: no call was sent to the org after it.`, {
        hint: `Free space for the journal or choose another --journal path, then run \`provision apply\` again: it finishes what was not started, without duplicates.`,
      });
    }

    let failed = report.failed > 0 || report.interrupted;
    if (flags.verify && !report.interrupted) {
      const again = await session.makePlan({ sandbox: flags.sandbox === true, config: globals.config, loaded: config, allowCustomEnvironment, noColor: globals.color === false, allowUnsafe: true, log });
      try {
        if (isEmptyPlan(again.plan)) out('Verified: planning again finds no changes.');
        else {
          process.stderr.write(`${renderPlan(again.plan, 'text', { color: c.isColorSupported })}\n`);
          out(`Verify failed: ${summaryLine(again.plan)}`);
          failed = true;
        }
      } finally {
        await again.close();
      }
    }
    process.exitCode = failed ? EXIT.error : EXIT.ok;
  } finally {
    if (abortHandler) process.off('SIGINT', abortHandler);
    await close();
  }
}

/**
 * A saved plan is untrusted input. It must target the org it is applied to; then the org is read afresh, every
 * id in the plan must still carry the label reviewers saw (else nothing is applied), and the safety rules run
 * again on its changes, replacing the file's own verdict. A plan made from other users/ files is still applied
 * as reviewed, with a warning: the per-user versions keep it from overwriting anyone changed in the org since.
 */
async function checkSavedPlan(
  plan: Plan,
  opened: Opened,
  file: string,
  config: ProvisionConfig,
  c: Colors,
  allowUnsafe: boolean,
): Promise<{ plan: Plan; liveUserIds: Set<string> }> {
  const target = await opened.connection.target();
  const { checkOrgId } = await import('./orgs.js');
  checkOrgId(config, target);
  const { isLocalUrl } = await import('../genesys/settings.js');
  const { planTargetMismatch, recheckSavedPlan, savedPlanReadRequest } = await import('../plan/index.js');
  const mismatch = planTargetMismatch(plan.target, target, isLocalUrl);
  if (mismatch !== undefined) {
    throw new ProvisionError('plan-target-mismatch', `${file} was ${mismatch}.`, {
      hint: 'Apply a plan only to the org it was made for: check GENESYS_ENVIRONMENT and the OAuth client, or plan again.',
    });
  }
  const { loadDesired } = await import('../desired/index.js');
  const desired = await loadDesired([], config);
  if (desired.digest !== plan.inputsDigest) {
    log(`${c.yellow('warning')} ${c.bold('plan-inputs-changed')}  users/ has changed since ${file} was made; applying the plan as it was reviewed.`);
    log(`    ${c.dim('hint: every change carries the version each user had at plan time, so users edited in the org since are reported as conflicts, never overwritten. Plan again to pick up the newer users/ files.')}`);
  }
  const org = await opened.connection.reader.readOrg(savedPlanReadRequest(plan, desired, config), (message) => log(c.dim(`  re-checking ${file} against the org: reading ${message}…`)));
  // The target check's call is counted with this read: together, every call of the re-check.
  log(c.dim(`Re-checked ${file} against the org  [${org.apiCalls} API call${org.apiCalls === 1 ? '' : 's'}]`));
  const checked = recheckSavedPlan({ plan, org, desired, config, allowUnsafe, file });
  if (checked.issues.length > 0) {
    const mismatch = checked.issues.some((i) => i.code === 'plan-label-mismatch');
    throw new ProvisionError(
      mismatch ? 'plan-label-mismatch' : 'plan-unknown-id',
      `${file} carries ${checked.issues.length} id${checked.issues.length === 1 ? '' : 's'} that ${mismatch ? 'do not match the names it shows' : 'the org does not have'}: nothing was applied.`,
      { issues: checked.issues, hint: 'Apply only a plan saved by `provision plan --out` and left unchanged; plan again and review.' },
    );
  }
  return { plan: { ...plan, safety: checked.safety }, liveUserIds: checked.liveUserIds };
}
