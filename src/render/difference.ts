// The difference between the reviewed plan and the plan of the merge, as Markdown for the pull request and the job summary. Pure.
import type { Change } from '../model/index.js';
import type { PlanDifference } from '../review/index.js';
import { md } from './escape.js';
import { changeBlock } from './markdown.js';

export const DIFFERENCE_MARKER = '<!-- provision-plan-difference -->';

export interface DifferenceOptions {
  /** Checksum of the plan of the merge: what a person names to approve it. */
  freshChecksum: string;
  /** The reviewed plan's checksum. */
  reviewedChecksum: string;
  /** Shown before everything (a workflow's line with the run link). */
  header?: string;
  /** How to approve the new plan, e.g. the `gh workflow run` command. */
  approve?: string;
}

function section(title: string, changes: Change[]): string | undefined {
  if (changes.length === 0) return undefined;
  return [`**${title}** (${changes.length})`, '', ...changes.map((c) => changeBlock(c))].join('\n');
}

export function renderDifference(diff: PlanDifference, options: DifferenceOptions): string {
  const parts: (string | undefined)[] = [
    DIFFERENCE_MARKER,
    options.header,
    '### provision apply: the plan changed since it was reviewed, nothing was applied',
    'Planning the merge now gives a different plan from the one reviewed in this pull request: the org was changed since the review, or the default branch moved. Read the difference, then approve the new plan or plan again.',
  ];
  if (diff.otherOrg) parts.push(`> [!CAUTION]\n> ${md(diff.otherOrg)}`);
  if (diff.safety) parts.push(`> [!CAUTION]\n> ${md(diff.safety)}`);
  parts.push(
    section('No longer in the plan', diff.onlyReviewed),
    section('New in the plan', diff.onlyFresh),
    diff.changed.length === 0
      ? undefined
      : [`**Different now** (${diff.changed.length})`, '', ...diff.changed.flatMap(({ reviewed, fresh }) => [`Reviewed:`, '', changeBlock(reviewed), '', 'Now:', '', changeBlock(fresh), ''])].join('\n').trimEnd(),
    `<sub>reviewed plan ${md(options.reviewedChecksum)} · plan now ${md(options.freshChecksum)}</sub>`,
    options.approve,
  );
  return `${parts.filter((p) => p !== undefined).join('\n\n')}\n`;
}
