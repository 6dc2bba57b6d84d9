// The plan's checksum: sha256 of its canonical JSON, so a saved plan can be trusted not to have been edited.
import { createHash } from 'node:crypto';
import type { Plan } from '../model/index.js';

/** JSON with object keys sorted at every level; undefined members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** sha256 (hex) of the canonical JSON of every field but `checksum`. */
export function planChecksum(plan: Omit<Plan, 'checksum'> | Plan): string {
  const { checksum: _ignored, ...rest } = plan as Plan;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** True when the plan is exactly what was computed (nothing edited since). */
export function verifyChecksum(plan: Plan): boolean {
  return typeof plan?.checksum === 'string' && planChecksum(plan) === plan.checksum;
}
