// Markdown escaping as exact input → output tables: line starts, control characters, and the bare URLs `mdWithUrls` keeps whole but for their `&`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { md, mdWithUrls, ZWSP } from '../../src/render/escape.js';

const plain: [string, string][] = [
  ['line one\nline two\ttab\u2028end', 'line one line two tab end'],
  ['12. item', '12\\. item'],
  ['  3) step', '  3\\) step'],
  ['  4. step', '  4\\. step'],
  ['+ plus', '\\+ plus'],
  ['= setext', '\\= setext'],
  ['2024 was fine', '2024 was fine'],
  ['a #1 and #b', `a #${ZWSP}1 and #b`],
  ['x@y and @z', `x@y and @${ZWSP}z`],
];

for (const [input, output] of plain) {
  test(`md(${JSON.stringify(input)})`, () => assert.equal(md(input), output));
}

const withUrls: [string, string][] = [
  // The one known fault: an `&` in a kept URL must still become an entity, or `&amp;`-like runs would render as characters.
  ['https://a.test/x&y', 'https://a.test/x&amp;y'],
  ['see http://example.test/a_b?x=1&y=2#12.', 'see http://example.test/a_b?x=1&amp;y=2#12.'],
  ['https://a.test/x_(y) and https://b.test/~z_ end', 'https://a.test/x_\\(y\\) and https://b.test/~z_ end'],
  ['(https://a.test/p_q)', '\\(https://a.test/p_q\\)'],
  ['*a* https://a.test/b_c *d*', '\\*a\\* https://a.test/b_c \\*d\\*'],
  ['no url: http:// alone, ftp://x.test/a_b', 'no url: http:// alone, ftp://x.test/a\\_b'],
  ['', ''],
];

for (const [input, output] of withUrls) {
  test(`mdWithUrls(${JSON.stringify(input)})`, () => assert.equal(mdWithUrls(input), output));
}
