// The version and home of provision as released: read from the package's own package.json, the one source of both.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'genesys-provision';

interface Manifest {
  name?: string;
  version?: string;
  repository?: string | { url?: string };
}

/** The package's root folder and manifest: two folders above dist/src/cli/ (or src/cli/ under a TypeScript loader). */
export function packageRoot(): { root: string; manifest: Manifest } {
  for (const up of ['../../../package.json', '../../package.json']) {
    const url = new URL(up, import.meta.url);
    try {
      const manifest = JSON.parse(readFileSync(url, 'utf8')) as Manifest;
      if (manifest.name === PACKAGE_NAME) return { root: dirname(fileURLToPath(url)), manifest };
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
