// Spreadsheet-safe CSV cells: export escapes exactly the starts a spreadsheet would run as a formula, and reading undoes exactly that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeCell, unescapeCell } from '../../src/export/index.js';

const table: [string, string][] = [
  ['=1+1', "'=1+1"],
  ['+1 317', "'+1 317"],
  ['-Support', "'-Support"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\tx', "'\tx"],
  ['\rx', "'\rx"],
  ["'=x", "''=x"],
  ["''x", "'''x"],
  ["'abc", "'abc"],
  ["'", "'"],
  ['Billing', 'Billing'],
  ['', ''],
  ['a=b', 'a=b'],
  ["x'=1", "x'=1"],
  ["O'Brien", "O'Brien"],
  [' =1', ' =1'],
];

for (const [value, cell] of table) {
  test(`${JSON.stringify(value)} is written ${JSON.stringify(cell)} and read back`, () => {
    assert.equal(escapeCell(value), cell);
    assert.equal(unescapeCell(cell), value);
  });
}
