// The version of provision as released: read from the package's own package.json, the one source of it.
import { readFileSync } from 'node:fs';

/** `version` of package.json, two folders above dist/src/cli/ (or src/cli/ under a TypeScript loader). */
export function packageVersion(): string {
  for (const up of ['../../../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'genesys-provision' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // Not there from this layout: try the next.
    }
  }
  return '0.0.0';
}
