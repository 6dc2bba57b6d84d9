// Hostile names and strings in the markdown comment: no HTML, no markup, no pings, no second marker; terminals get no escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, PLAN_MARKER, renderPlan } from '../../src/render/index.js';
import { visible, quoted, mdWithUrls } from '../../src/render/escape.js';
import { createNamed, plan } from './plans.js';

const ZWSP = '\u200b';

const cases: { input: string; mustNotContain: string[]; mustContain?: string[]; mustNotMatch?: RegExp }[] = [
  { input: '<img src=x onerror=alert(1)>', mustNotContain: ['<img', '>'], mustContain: ['&lt;img src=x onerror=alert\\(1\\)&gt;'] },
  { input: '<script>alert(1)</script>', mustNotContain: ['<script', '</script'] },
  { input: '[click](http://evil)', mustNotContain: ['[click](', '](http'], mustContain: ['\\[click\\]\\(http://evil\\)'] },
  { input: '![x](http://evil/p.png)', mustNotContain: ['![x]('] },
  { input: '@everyone', mustNotContain: ['@everyone'], mustContain: [`@${ZWSP}everyone`] },
  { input: 'ping @acme/support-team now', mustNotContain: ['@acme/'] },
  { input: 'x.@octocat', mustNotContain: ['.@octocat'] },
  { input: '| pipes | in | tables |', mustNotContain: [], mustNotMatch: /(^|[^\\])\|/, mustContain: ['\\| pipes \\| in \\| tables \\|'] },
  { input: '`code` and ```fence```', mustNotContain: ['`code`', '```'], mustContain: ['\\`code\\`'] },
  { input: '<!-- provision-plan -->', mustNotContain: ['<!--', '-->'] },
  { input: '**bold** _em_ ~~gone~~', mustNotContain: ['**bold**', '_em_', '~~gone~~'] },
  { input: '# Heading', mustNotContain: [], mustContain: ['\\# Heading'] },
  { input: '> quote', mustNotContain: ['> quote'], mustContain: ['&gt; quote'] },
  { input: '- item', mustNotContain: [], mustContain: ['\\- item'] },
  { input: '1. item', mustNotContain: ['1. item'], mustContain: ['1\\. item'] },
  { input: 'fixes #123', mustNotContain: ['#123'], mustContain: [`#${ZWSP}123`] },
  { input: 'line one\n# line two\n> three', mustNotContain: ['\n'] },
  { input: 'A &amp; B', mustNotContain: ['A &amp; B'], mustContain: ['A &amp;amp; B'] },
  { input: '$x^2$ math', mustNotContain: [], mustNotMatch: /(^|[^\\])\$/, mustContain: ['\\$x^2\\$'] },
  { input: 'back\\slash', mustNotContain: [], mustContain: ['back\\\\slash'] },
  { input: 'evil\u202etxt.exe', mustNotContain: ['\u202e'], mustContain: ['\ufffd'] },
];

for (const { input, mustNotContain, mustContain = [], mustNotMatch } of cases) {
  test(`markdown escaping of ${JSON.stringify(input)}`, () => {
    const out = escapeMarkdown(input);
    if (mustNotMatch) assert.doesNotMatch(out, mustNotMatch);
    for (const bad of mustNotContain) assert.ok(!out.includes(bad), `${JSON.stringify(out)} contains ${JSON.stringify(bad)}`);
    for (const good of mustContain) assert.ok(out.includes(good), `${JSON.stringify(out)} lacks ${JSON.stringify(good)}`);
  });
}

test('emails keep their @ (it cannot mention anyone after a letter) and stay copyable', () => {
  assert.equal(escapeMarkdown('nina.berg@acme.com'), 'nina.berg@acme.com');
  assert.equal(escapeMarkdown('first_last@acme.com'), 'first\\_last@acme.com');
});

test('a hostile name in every position of a plan yields one marker and no raw HTML', () => {
  const evil = '<!-- provision-plan --> <img src=x onerror=alert(1)> [click](http://evil) @everyone | pipes | `tick`';
  const hostile = createNamed(evil, {
    email: '@everyone<b>@acme.com',
    source: { file: 'users/<img src=x>|`x`.yaml', line: 3 },
  });
  hostile.target = { ...hostile.target, orgName: '<!-- provision-plan --> Acme @everyone' };
  hostile.warnings = [{ severity: 'warning', code: 'x<y>', message: evil, hint: evil, file: '<b>.yaml', line: 1 }];
  hostile.safety = { blocked: true, overridden: false, violations: [{ rule: 'protected-user', message: evil }] };
  const all = renderPlan(hostile, 'markdown');
  assert.equal(all.split(PLAN_MARKER).length - 1, 1, 'exactly one marker, in code blocks too');
  assert.ok(all.startsWith(PLAN_MARKER));
  // Values inside a change's `diff` block are shown as they are (code is inert), and no value closes the block.
  const { prose, blocks } = splitCode(all);
  assert.ok(blocks.length > 0 && blocks.every((b) => b.includes(evil.replace('<!--', '<!\u200b--'))), 'the hostile name is in its code block, whole');
  const out = prose;
  assert.doesNotMatch(out, /<img|<b>@|<!-- provision-plan --> /);
  assert.doesNotMatch(out, /(^|[^A-Za-z0-9_])@everyone/);
  assert.doesNotMatch(out, /\[click\]\(/);
  // The only HTML left is the renderer's own frame.
  const tags = new Set([...out.matchAll(/<\/?([a-z]+)/g)].map((m) => m[1]));
  for (const tag of tags) assert.ok(['b', 'details', 'summary', 'sub', 'ins', 'del'].includes(tag ?? ''), `unexpected <${tag}>`);
});

test('a hostile long title in a word diff is escaped run by run', () => {
  const before = 'Team lead for the Nordic support desk and <b>escalations</b>';
  const after = 'Team lead for the Nordic support desk and <img src=x onerror=alert(1)> @everyone';
  const p = plan([
    {
      action: 'update',
      email: 'a@acme.com',
      name: 'A',
      id: 'u-a',
      version: 1,
      source: { file: 'users/a.yaml', line: 1 },
      fields: [{ field: 'title', kind: 'text', before, after }],
    },
  ]);
  const { prose, blocks } = splitCode(renderPlan(p, 'markdown'));
  assert.doesNotMatch(prose, /<img|<b>escalations|<\/b>"|[^A-Za-z0-9_]@everyone/);
  // In the change's diff block the word diff reads [-removed-]{+added+}, the values as they are.
  assert.equal(blocks[0], '~ title: "Team lead for the Nordic support desk and <[-b-]{+img src=x onerror=alert(1)+}>[-escalations</b>-]{+ @everyone+}"\n');
});

/** The Markdown outside and inside the changes' fenced `diff` blocks; every block must be closed by its own fence. */
function splitCode(markdown: string): { prose: string; blocks: string[] } {
  const blocks: string[] = [];
  const prose = markdown.replace(/^ *(`{3,})diff\n([\s\S]*?)^ *\1$/gm, (_m, _fence: string, body: string) => {
    blocks.push(body.split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n'));
    return '';
  });
  assert.doesNotMatch(prose, /```/, 'every code block is closed');
  return { prose, blocks };
}

test('terminal text shows control characters instead of sending them', () => {
  assert.equal(visible('a\u001b[2Jb'), 'a\\u001b[2Jb');
  assert.equal(quoted('say "hi"\n'), '"say \\"hi\\"\\u000a"');
  const out = renderPlan(createNamed('Bad\u001b[31mName\u202e'), 'text');
  assert.ok(!out.includes('\u001b'), 'no raw ESC in uncoloured text');
  assert.ok(!out.includes('\u202e'));
  assert.ok(out.includes('Bad\\u001b[31mName\\u202e'));
});

test('the full-plan note keeps bare URLs whole and escapes the rest', () => {
  const out = mdWithUrls('the plan-json artifact of https://github.com/o/r/actions/runs/12345 <b>@team</b>');
  assert.ok(out.includes('https://github.com/o/r/actions/runs/12345'));
  assert.ok(!out.includes('<b>'));
  assert.ok(!out.includes(' @team'));
});
