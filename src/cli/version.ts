// The version and home of provision as released: read from the package's own package.json, the one source of both.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export const PACKAGE_NAME = 'genesys-provision';

// Every start reads the version: required, package.json costs no `node:fs` import, whose ES module face loads fs's streams and watchers.
const require = createRequire(import.meta.url);

interface Manifest {
  name?: string;
  version?: string;
  repository?: string | { url?: string };
}

/** The package's root folder and manifest: two folders above dist/src/cli/ (or src/cli/ under a TypeScript loader). */
export function packageRoot(): { root: string; manifest: Manifest } {
  for (const up of ['../../../package.json', '../../package.json']) {
    try {
      const file = require.resolve(up);
      const manifest = require(file) as Manifest;
      if (manifest.name === PACKAGE_NAME) return { root: dirname(file), manifest };
    } catch {
      // Not there from this layout: try the next.
    }
  }
  throw new Error(`the package.json of ${PACKAGE_NAME} was not found next to the program`);
}

export function packageVersion(): string {
  return packageRoot().manifest.version ?? '0.0.0';
}

/** `owner/name` of the GitHub repository in package.json's `repository`, where the action lives. */
export function packageRepository(): string {
  const { repository } = packageRoot().manifest;
  const url = typeof repository === 'string' ? repository : (repository?.url ?? '');
  const match = /github(?:\.com[/:]|:)([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(url);
  if (!match) throw new Error(`package.json's repository (${url}) is not a GitHub repository`);
  return `${match[1]}/${match[2]}`;
}
