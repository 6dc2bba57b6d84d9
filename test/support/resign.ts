// Edits a saved plan and re-signs it, as anyone can: the checksum is unkeyed, so it proves no authorship.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Plan } from '../../src/model/index.js';
import { planChecksum } from '../../src/plan/index.js';

/** Reads `file`, lets `edit` change it (even into something that is no longer a plan), recomputes the checksum, writes `out`. */
export function resign(file: string, edit: (plan: Plan & Record<string, unknown>) => void, out = file): void {
  const plan = JSON.parse(readFileSync(file, 'utf8')) as Plan & Record<string, unknown>;
  edit(plan);
  plan.checksum = planChecksum(plan);
  writeFileSync(out, `${JSON.stringify(plan, null, 2)}\n`);
}
