// Display width as a terminal shows text: the measure every aligned column uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayWidth, padEnd } from '../../src/rules/width.js';

const widths: [text: string, width: number][] = [
  ['', 0],
  ['Nina Berg', 9],
  ['Zoë', 3],
  ['Zoe\u0308', 3],
  ['山田 太郎', 9],
  ['サポート', 8],
  ['김민준', 6],
  ['👩‍💻', 2],
  ['ok ✅', 5],
  ['\u001b[1mbold\u001b[22m', 4],
  ['\u001b[32m+ 山田\u001b[39m', 6],
];
for (const [text, width] of widths) {
  test(`displayWidth(${JSON.stringify(text)}) is ${width}`, () => assert.equal(displayWidth(text), width));
}

const pads: [text: string, to: number, padded: string][] = [
  ['ab', 4, 'ab  '],
  ['山田', 6, '山田  '],
  ['山田', 4, '山田'],
  ['山田太郎', 4, '山田太郎'],
  ['\u001b[1mab\u001b[22m', 3, '\u001b[1mab\u001b[22m '],
];
for (const [text, to, padded] of pads) {
  test(`padEnd(${JSON.stringify(text)}, ${to})`, () => {
    assert.equal(padEnd(text, to), padded);
    assert.equal(displayWidth(padEnd(text, to)), Math.max(to, displayWidth(text)));
  });
}
