// The baseline of the validate benchmark: a plain Node process that loads every YAML file of a folder with js-yaml and keeps the values, nothing more.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import jsyaml from 'js-yaml';

const dir = process.argv[2]!;
const documents: unknown[] = [];
for (const name of readdirSync(dir).sort()) documents.push(jsyaml.load(readFileSync(path.join(dir, name), 'utf8')));
if (documents.length === 0) process.exitCode = 1;
