// The pull request comment: truncation under GitHub's limit, structure that stays valid, banners.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MARKDOWN_MAX_LENGTH, GITHUB_COMMENT_LIMIT, PLAN_MARKER, renderPlan } from '../../src/render/index.js';
import { bigPlan, blockedPlan, fullPlan } from './plans.js';

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** Every `<details>` closed, in order, and the list of changes made of whole items. */
function assertWellFormed(out: string): void {
  let depth = 0;
  for (const m of out.matchAll(/<(\/?)details[ >]/g)) {
    depth += m[1] ? -1 : 1;
    assert.ok(depth >= 0 && depth <= 1, 'details neither nested nor closed twice');
  }
  assert.equal(depth, 0, 'every <details> is closed');
  assert.equal(occurrences(out, '<summary>'), occurrences(out, '</summary>'));
  assert.equal(occurrences(out, PLAN_MARKER), 1);
  assert.ok(out.startsWith(`${PLAN_MARKER}\n`));
}

test('a 5,000-change plan stays under the limit and says how many changes are hidden', () => {
  const p = bigPlan(5000);
  const out = renderPlan(p, 'markdown', { fullPlanNote: 'the plan-json artifact' });
  assert.ok(out.length <= DEFAULT_MARKDOWN_MAX_LENGTH, `${out.length} characters`);
  assert.ok(out.length < GITHUB_COMMENT_LIMIT);
  assertWellFormed(out);
  const shown = occurrences(out, '\n- **agent');
  assert.ok(shown > 10 && shown < 5000, `${shown} shown`);
  const hidden = 5000 - shown;
  const formatted = hidden.toLocaleString('en-US');
  assert.match(out, new RegExp(`> ${formatted} of 5,000 changes are not shown`));
  assert.match(out, new RegExp(`\\*${formatted} changes not shown\\.\\*`));
  assert.match(out, /The full plan is in the plan-json artifact\./);
  // The summary and its counts survive the cut.
  assert.match(out, /\| 0 \| 5,000 \| 0 \| 0 \| 1,199 \| 31 \|/);
  assert.match(out, /\*\*Plan: 0 to create, 5,000 to update, 0 to restore, 0 to deactivate\. 1,199 unchanged, 31 unmanaged\.\*\*\n$/);
});

test('every shown change is whole: each header keeps its whole diff block', () => {
  const out = renderPlan(bigPlan(2000), 'markdown', { maxLength: 20_000 });
  assert.ok(out.length <= 20_000);
  assertWellFormed(out);
  const items = out.split('\n- **agent').slice(1);
  assert.ok(items.length > 0);
  for (const item of items) {
    const block = /^[^\n]*\n {2}```diff\n((?: {2}[+~-] [^\n]*\n)+) {2}```(\n|$)/.exec(item);
    assert.ok(block, `a whole block: ${item.slice(0, 300)}`);
    assert.ok((block[1] ?? '').split('\n').length > 6, 'every field line is there');
  }
});

test('additions and removals cannot be misread when names hold " - ": one per line, marked + or -', () => {
  const p = fullPlan;
  const out = renderPlan(p, 'markdown');
  assert.match(out, /^ {2}\+ queues: Support - Tier 2$/m);
  assert.match(out, /^ {2}- queues: Support - Tier 1$/m);
  assert.doesNotMatch(out, /Tier 2, - Support/);
});

test('file:line references link to the head commit when a source URL is given', () => {
  const out = renderPlan(fullPlan, 'markdown', { sourceUrl: 'https://github.com/acme/org-users/blob/0123abc/' });
  assert.match(out, /· \[users\/support\.yaml:41\]\(https:\/\/github\.com\/acme\/org-users\/blob\/0123abc\/users\/support\.yaml#L41\)/);
  assert.doesNotMatch(renderPlan(fullPlan, 'markdown', { sourceUrl: 'javascript:alert(1)' }), /\]\(javascript/);
});

test('the header is part of the budget: one cut, by provision, with the header kept', () => {
  const header = `<sub>Plan of ${'f'.repeat(40)} · [run](https://github.com/acme/org-users/actions/runs/1)</sub>`;
  const out = renderPlan(bigPlan(5000, 30), 'markdown', { header, maxLength: 30_000 });
  assert.ok(out.length <= 30_000);
  assert.ok(out.startsWith(`${PLAN_MARKER}\n${header}\n`));
  assertWellFormed(out);
  assert.equal(occurrences(out, '- **leaver'), 30, 'every deactivation kept');
  assert.match(out, /\*\*Plan: [^*]+\*\*\n$/);
});

test('deactivations keep their place when the comment is cut', () => {
  const out = renderPlan(bigPlan(3000, 25), 'markdown', { maxLength: 30_000 });
  assert.ok(out.length <= 30_000);
  assertWellFormed(out);
  assert.equal(occurrences(out, '- **leaver'), 25, 'all deactivations shown');
  assert.match(out, /> \[!WARNING\]\n> This plan \*\*deactivates 25 users\*\*/);
  assert.match(out, /Run `provision plan` to see the full plan\./);
});

test('a budget too small for any change still gives the summary, banners and a closed structure', () => {
  const out = renderPlan(blockedPlan, 'markdown', { maxLength: 500 });
  assertWellFormed(out);
  assert.match(out, /> \[!CAUTION\]/);
  assert.match(out, /12 of 12 changes are not shown/);
  assert.doesNotMatch(out, /- \*\*leaver/);
});

test('an unconstrained plan is shown whole, with no truncation note', () => {
  const out = renderPlan(fullPlan, 'markdown');
  assertWellFormed(out);
  assert.doesNotMatch(out, /not shown/);
  assert.equal(out.match(/\n- \*\*\S+@acme\.com\*\*/g)?.length, fullPlan.changes.length);
});

test('markdown rendering is deterministic', () => {
  const p = bigPlan(800, 5);
  assert.equal(renderPlan(p, 'markdown', { maxLength: 40_000 }), renderPlan(structuredClone(p), 'markdown', { maxLength: 40_000 }));
});

test('a long list of undeclared users is capped in the comment, kept whole in text and JSON, and escaped', () => {
  const undeclared = Array.from({ length: 120 }, (_, i) => ({ id: `u-${i}`, email: `gone${String(i).padStart(3, '0')}@acme.com`, name: i === 0 ? '<b>@team</b>' : `Gone ${i}` }));
  const p = { ...bigPlan(5000), undeclared, summary: { ...bigPlan(0).summary, update: 5000, undeclared: 120 } };
  const out = renderPlan(p, 'markdown', { fullPlanNote: 'the plan-json artifact' });
  assert.ok(out.length <= DEFAULT_MARKDOWN_MAX_LENGTH, `${out.length} characters`);
  assertWellFormed(out);
  assert.equal(occurrences(out, '- **gone'), 50);
  assert.match(out, /<details>\n<summary>Not declared, stays active \(prune is off\) \(120\)<\/summary>/);
  assert.match(out, /- … and 70 more \(all of them are in the plan's JSON\)/);
  assert.ok(!out.includes('<b>@team</b>'), 'names are escaped');
  assert.match(out, /\| Unchanged \| Not declared \| Unmanaged \|\n\| ---: \| ---: \| ---: \| ---: \| ---: \| ---: \| ---: \|\n\| 0 \| 5,000 \| 0 \| 0 \| 1,199 \| 120 \| 31 \|/);
  const text = renderPlan(p, 'text');
  assert.equal(occurrences(text, '\n  gone'), 120);
  assert.equal((JSON.parse(renderPlan(p, 'json')) as { undeclared: unknown[] }).undeclared.length, 120);
  // A short list is open; without undeclared users the table keeps its six columns.
  const short = renderPlan({ ...fullPlan, undeclared: undeclared.slice(1, 3), summary: { ...fullPlan.summary, undeclared: 2 } }, 'markdown');
  assert.match(short, /<details open>\n<summary>Not declared, stays active \(prune is off\) \(2\)<\/summary>/);
  assert.match(renderPlan(fullPlan, 'markdown'), /\| Create \| Update \| Restore \| Deactivate \| Unchanged \| Unmanaged \|\n/);
});
