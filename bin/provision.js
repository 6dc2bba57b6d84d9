#!/usr/bin/env node
// Entry point of the `provision` command: runs the compiled CLI.
import module from 'node:module';

// Node 22.1+ can keep V8's compiled code between runs, which shortens every start; Node 20 has no such cache.
module.enableCompileCache?.();
await import('../dist/src/cli/main.js');
