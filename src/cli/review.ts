// The work of the `provision review` commands (declared in commands.ts) the GitHub Action runs: tie a saved plan to its pull request, compare it with the plan of the merge, check an approval.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';
import type { Plan } from '../model/index.js';
import { EXIT } from './exit.js';
import { log } from './output.js';

interface TieFlags {
  repository: string;
  pullRequest: string;
  head?: string;
  base?: string;
}

export type RecordFlags = TieFlags & { out: string };
export type CompareFlags = TieFlags & { review: string; markdownFile?: string; header?: string; approve?: string };
export interface ApproveFlags {
  checksum: string;
}

async function readJson(file: string, what: string): Promise<unknown> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new ProvisionError('review-file-unreadable', `Cannot read ${what} ${file} (${code}).`, { hint: 'The pull request check saves it as the artifact provision-plan-<head commit>.' });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ProvisionError('review-file-invalid', `${file}:1:1 is not JSON: ${error instanceof Error ? error.message : 'invalid'}.`, { hint: `${what} is written by provision; apply it unchanged or plan again.` });
  }
}

/** A plan file as `provision plan --out` writes it; its checksum is checked by the caller. */
async function readPlan(file: string): Promise<Plan> {
  const plan = (await readJson(file, 'the plan')) as Plan;
  if (!plan || typeof plan !== 'object' || plan.formatVersion !== 1 || !Array.isArray(plan.changes) || !plan.target || !plan.safety) {
    throw new ProvisionError('plan-invalid', `${file}:1:1 is not a plan of format version 1.`, { hint: 'Save plans with `provision plan --out plan.json` from this version of provision.' });
  }
  return plan;
}

function pullRequestNumber(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ProvisionError('invalid-pull-request', `--pull-request must be a pull request number, not "${raw}".`);
  return n;
}

function commit(raw: string | undefined, flag: string): string {
  if (raw === undefined || !/^[0-9a-f]{40}$/.test(raw)) throw new ProvisionError('invalid-commit', `${flag} must be a full commit SHA (40 hex digits), not "${raw ?? ''}".`);
  return raw;
}

async function writeText(file: string, text: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, text, 'utf8');
}

/** `review paths`: the config file and the users folder, one per line. */
export async function runReviewPaths(program: Command, flags: { org?: string } = {}): Promise<void> {
  const globals = program.opts<{ config: string }>();
  const path = await import('node:path');
  const { allOrgs, loadConfig, orgNames, selectOrg } = await import('../desired/index.js');
  const loaded = await loadConfig(globals.config, { required: program.getOptionValueSource('config') === 'cli' });
  // An org's folders, the shared one included (a change to either needs that org's plan); every org's without --org.
  const configs = flags.org === undefined && orgNames(loaded).length > 1 ? allOrgs(loaded) : [selectOrg(loaded, flags.org)];
  const rel = (p: string): string => path.relative(process.cwd(), path.resolve(p)).split(path.sep).join('/') || '.';
  const paths = [...new Set([globals.config, ...configs.flatMap((c) => c.usersDirs ?? [c.usersDir])].map(rel))];
  process.stdout.write(`${paths.join('\n')}\n`);
}

/** `review record`: the review record that ties a saved plan to its pull request and commits. */
export async function runReviewRecord(planFile: string, flags: RecordFlags): Promise<void> {
  const { makeReviewRecord } = await import('../review/index.js');
  const { verifyChecksum } = await import('../plan/index.js');
  const plan = await readPlan(planFile);
  if (!verifyChecksum(plan)) throw new ProvisionError('plan-checksum-mismatch', `${planFile} was changed after it was planned.`, { hint: 'Plan again.' });
  const record = makeReviewRecord(plan, { repository: flags.repository, pullRequest: pullRequestNumber(flags.pullRequest), headSha: commit(flags.head, '--head'), baseSha: commit(flags.base, '--base') });
  await writeText(flags.out, `${JSON.stringify(record, null, 2)}\n`);
}

/** `review compare`: the reviewed plan against the plan of the merge (exit 0 the same, 2 different, 1 refused). */
export async function runReviewCompare(reviewedFile: string, freshFile: string, flags: CompareFlags): Promise<void> {
  const { comparePlans, reviewRefusals } = await import('../review/index.js');
  const { verifyChecksum } = await import('../plan/index.js');
  const { renderDifference } = await import('../render/difference.js');
  const { escapeMarkdown } = await import('../render/index.js');
  const pullRequest = pullRequestNumber(flags.pullRequest);
  const record = await readJson(flags.review, 'the review record');
  const reviewed = await readPlan(reviewedFile);
  const fresh = await readPlan(freshFile);
  if (!verifyChecksum(fresh)) throw new ProvisionError('plan-checksum-mismatch', `${freshFile} was changed after it was planned.`, { hint: 'Plan again.' });
  const reasons = reviewRefusals(record, reviewed, { repository: flags.repository, pullRequest, headSha: flags.head === undefined ? undefined : commit(flags.head, '--head') });
  const diff = reasons.length === 0 ? comparePlans(reviewed, fresh) : undefined;
  if (diff?.otherOrg) reasons.push(diff.otherOrg);
  if (reasons.length > 0) {
    if (flags.markdownFile) {
      const lines = [flags.header, '### provision apply: the saved plan was refused, nothing was applied', ...reasons.map((r) => `- ${escapeMarkdown(r)}`), flags.approve];
      await writeText(flags.markdownFile, `${lines.filter((l) => l !== undefined).join('\n\n')}\n`);
    }
    throw new ProvisionError('review-refused', `The saved plan of pull request #${pullRequest} cannot be applied: ${reasons.join(' ')}`, {
      hint: 'Nothing was applied. Read the plan of the merge in the job summary and approve it by hand, or plan the pull request again.',
    });
  }
  if (!diff) return;
  if (diff.same) {
    log(`The plan of the merge is the plan reviewed in pull request #${pullRequest} (${reviewed.changes.length} changes): apply ${reviewedFile}.`);
    if (flags.markdownFile) await writeText(flags.markdownFile, '');
    process.exitCode = EXIT.ok;
    return;
  }
  const text = renderDifference(diff, { freshChecksum: fresh.checksum, reviewedChecksum: reviewed.checksum, header: flags.header, approve: flags.approve });
  if (flags.markdownFile) await writeText(flags.markdownFile, text);
  log(`The plan of the merge differs from the plan reviewed in pull request #${pullRequest}: ${diff.onlyReviewed.length} no longer planned, ${diff.onlyFresh.length} new, ${diff.changed.length} different. Nothing is applied.`);
  process.exitCode = EXIT.changes;
}

/** `review approve`: a manual approval must name the checksum of the plan made now. */
export async function runReviewApprove(planFile: string, flags: ApproveFlags): Promise<void> {
  const { verifyChecksum } = await import('../plan/index.js');
  const plan = await readPlan(planFile);
  if (!verifyChecksum(plan)) throw new ProvisionError('plan-checksum-mismatch', `${planFile} was changed after it was planned.`, { hint: 'Plan again.' });
  const named = flags.checksum.trim().toLowerCase();
  if (named !== plan.checksum) {
    throw new ProvisionError('approval-checksum-mismatch', `The approval names plan ${named || '(none)'}, but the plan now is ${plan.checksum}: nothing was applied.`, {
      hint: 'The org or the default branch changed since that plan was shown. Read the plan in this run\'s job summary and approve its checksum.',
    });
  }
  log(`Approved: plan ${plan.checksum} is the plan now.`);
}
