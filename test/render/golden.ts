// Golden-file comparison for renderer output. Run the tests with UPDATE_GOLDEN=1 to rewrite the files after an intended change.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const DIR = 'test/render/golden';

/** Asserts `actual` equals `test/render/golden/<name>`; with UPDATE_GOLDEN=1 writes it instead. */
export function assertGolden(name: string, actual: string): void {
  const path = `${DIR}/${name}`;
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `${path} is missing: run the tests with UPDATE_GOLDEN=1 to create it`);
  assert.equal(actual, readFileSync(path, 'utf8'), `${path} differs: if the change is intended, rerun with UPDATE_GOLDEN=1`);
}
