// Runs each test file's tests in reverse order, to show no test needs what an earlier one left behind:
// node --import ./dist/test/support/reverse-order.js --test dist/test/cli/*.test.js
import { createRequire, syncBuiltinESMExports } from 'node:module';

type Kind = 'test' | 'it' | 'describe' | 'suite';
type Register = (...args: unknown[]) => unknown;
type Deferred = [Kind, unknown[]];

const require = createRequire(import.meta.url);
// The CommonJS face of node:test: what syncBuiltinESMExports copies to the named ESM exports the test files import.
const runner = require('node:test') as Record<Kind, Register>;
const original: Record<Kind, Register> = { test: runner.test, it: runner.it, describe: runner.describe, suite: runner.suite };

let collecting: Deferred[] | undefined;
const topLevel: Deferred[] = [];

/** Registers one deferred test or suite; a suite's own tests are collected while its body runs, then registered last first. */
function register([kind, args]: Deferred): void {
  const at = args.findIndex((a) => typeof a === 'function');
  if ((kind === 'describe' || kind === 'suite') && at >= 0) {
    const body = args[at] as (...a: unknown[]) => unknown;
    const copy = [...args];
    copy[at] = function (this: unknown, ...a: unknown[]): void {
      const outer = collecting;
      const mine: Deferred[] = [];
      collecting = mine;
      try {
        const result = body.apply(this, a);
        if (result instanceof Promise) throw new Error('reverse-order: an async describe body cannot be reordered');
      } finally {
        collecting = outer;
      }
      for (const item of mine.reverse()) register(item);
    };
    original[kind](...copy);
    return;
  }
  original[kind](...args);
}

function deferred(kind: Kind): Register {
  const wrapper = (...args: unknown[]): void => {
    if (collecting) {
      collecting.push([kind, args]);
      return;
    }
    // Top-level tests: registered once the file's body has run, last first.
    if (topLevel.push([kind, args]) === 1) setTimeout(() => topLevel.splice(0).reverse().forEach(register), 0);
  };
  // `it.skip`, `describe.only` and the like keep their own registration.
  return Object.assign(wrapper, original[kind]);
}

for (const kind of Object.keys(original) as Kind[]) runner[kind] = deferred(kind);
syncBuiltinESMExports();
