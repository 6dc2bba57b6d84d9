// Runs every benchmark in bench/ in turn (or those named on the command line) and prints their figures.
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.js$/, '')))
  .sort();

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
for (const file of files) {
  console.log(`\n## ${file.replace(/\.js$/, '')}`);
  const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as { bench: () => Promise<void> };
  await mod.bench();
}
