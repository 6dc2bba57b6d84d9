// The three renderers against golden files, one plan per situation. UPDATE_GOLDEN=1 rewrites them (see golden.ts).
import { test } from 'node:test';
import { renderPlan, type PlanFormat } from '../../src/render/index.js';
import type { Plan } from '../../src/model/index.js';
import { assertGolden } from './golden.js';
import { blockedPlan, emptyPlan, fullPlan, leaversPlan, overriddenPlan, phonesPlan } from './plans.js';

const plans: Record<string, Plan> = { full: fullPlan, blocked: blockedPlan, overridden: overriddenPlan, empty: emptyPlan, leavers: leaversPlan, phones: phonesPlan };
const formats: Record<PlanFormat, string> = { text: 'txt', markdown: 'md', json: 'json' };

for (const [name, plan] of Object.entries(plans)) {
  for (const [format, ext] of Object.entries(formats) as [PlanFormat, string][]) {
    test(`${format} rendering of the ${name} plan matches ${name}.${ext}`, () => {
      assertGolden(`${name}.${ext}`, renderPlan(plan, format, { fullPlanNote: 'the plan-json artifact' }));
    });
  }
}
