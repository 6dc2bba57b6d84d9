// Preloaded with --import: appends every file the process loads to MODULE_PROBE_FILE, one URL a line (ES modules from a resolve hook, CommonJS from require's cache at exit).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import type { InitializeHook, ResolveHook } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const file = process.env.MODULE_PROBE_FILE;
// This file is also the hooks module: in the hooks thread only the hooks below run.
if (isMainThread && file) {
  register(import.meta.url, { data: file });
  // CommonJS required from CommonJS never reaches the resolve hook (Node 20): the cache lists it.
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    appendFileSync(file, Object.keys(cache).map((path) => `${pathToFileURL(path).href}\n`).join(''));
  });
}

let out: string | undefined;

export const initialize: InitializeHook<string> = (data) => {
  out = data;
};

export const resolve: ResolveHook = async (specifier, context, next) => {
  const resolved = await next(specifier, context);
  if (out) appendFileSync(out, `${resolved.url}\n`);
  return resolved;
};
