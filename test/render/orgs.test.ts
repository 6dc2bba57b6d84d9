// Renderers name the org of a plan made for one of several orgs, and read exactly as before for a plan without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlan, summaryLine } from '../../src/render/index.js';
import { emptyPlan, fullPlan } from './plans.js';

const ofProd = { ...fullPlan, org: 'prod' };

test('text: the header and the summary line name the org', () => {
  const text = renderPlan(ofProd, 'text');
  assert.match(text, /^provision will make these changes to org prod, "/);
  assert.match(text, /\nPlan for org prod: \d+ to create/);
  assert.equal(summaryLine({ ...emptyPlan, org: 'test' }), 'No changes. The org test matches users/. 940 unchanged, 12 unmanaged.');
});

test('markdown: the heading names the org', () => {
  assert.match(renderPlan(ofProd, 'markdown'), /\n### provision plan for org prod: /);
});

test('json: the plan carries its org', () => {
  assert.equal((JSON.parse(renderPlan(ofProd, 'json')) as { org: string }).org, 'prod');
});

test('a plan without an org renders as before: no org anywhere', () => {
  for (const format of ['text', 'markdown', 'json'] as const) assert.doesNotMatch(renderPlan(fullPlan, format), /\borg (prod|test)\b|"org"/);
});
