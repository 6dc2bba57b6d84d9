// The plan as JSON: the plan itself, keys in the order the planner built them, ending in a newline.
import type { Plan } from '../model/index.js';

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
