// Making plan strings safe to show: GitHub markdown (no HTML, no markup, no pings) and terminals (no escape sequences).

/** C0/C1 controls (ANSI escapes, newlines, tabs) and Unicode line separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Bidirectional overrides and isolates: they make text read differently from what it is ("Trojan Source"). */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The zero-width space that breaks `@mentions` and `#123` references without changing what a reader sees. */
export const ZWSP = '\u200b';

function hex(ch: string): string {
  return `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

/** Terminal text: controls and bidi marks shown as `\uXXXX`, so a name cannot move the cursor or recolour the screen. */
export function visible(text: string): string {
  return text.replace(HIDDEN, hex);
}

/** A double-quoted terminal string, escaped like JSON (quotes, backslashes, controls). */
export function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(HIDDEN, hex)}"`;
}

/** Markdown punctuation that can open or close a construct anywhere in a line. */
const MD_INLINE = /[\\`*_[\]()~|$!{}]/g;
/** What can start a block (heading, list, quote, setext line) when the text begins a line. */
const MD_LEADING = /^(\s*)(#|\+|-|=|\d+(?=[.)]))/;

/**
 * Text from the plan (names, emails, titles, file paths, messages) made inert for GitHub markdown:
 * one line; `&`, `<`, `>` as entities (no HTML, no second `<!-- provision-plan -->` marker);
 * markdown punctuation backslash-escaped (no emphasis, code, links, images, tables, math);
 * `@` that could start a mention and `#` before a digit followed by a zero-width space
 * (no pings, no issue links). An `@` after a letter or digit (as in an email) cannot mention
 * anyone on GitHub, so emails stay intact and copyable.
 */
export function md(text: string): string {
  let out = text.replace(CONTROL, ' ').replace(BIDI, '\ufffd');
  out = out.replace(MD_INLINE, '\\$&');
  out = out.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  out = out.replace(/(^|[^A-Za-z0-9_])@/g, `$1@${ZWSP}`);
  out = out.replace(/#(?=\d)/g, `#${ZWSP}`);
  out = out.replace(MD_LEADING, (_m, space: string, marker: string) => (/\d/.test(marker) ? `${space}${marker}\\` : `${space}\\${marker}`));
  return out;
}

/** Loose URLs (no spaces, brackets, quotes or angle brackets), left whole so GitHub can link them. */
const URL = /https?:\/\/[A-Za-z0-9\-._~:/?#%=&+@!$,;*']+[A-Za-z0-9\-_~/#%=&+$*]/g;

/**
 * Like `md`, but bare http(s) URLs are kept as they are, so a note such as
 * "the plan-json artifact of https://github.com/o/r/actions/runs/1" stays a link.
 */
export function mdWithUrls(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL)) {
    const at = match.index;
    out += md(text.slice(last, at));
    // Entities are still needed: `&` in a URL could otherwise form one.
    out += match[0].replace(/&/g, '&amp;');
    last = at + match[0].length;
  }
  return out + md(text.slice(last));
}
