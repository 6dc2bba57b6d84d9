// Reads a seed file (YAML or JSON) into a SeedOrg, reporting syntax errors with file:line:column.
import { readFile } from 'node:fs/promises';
import { SeedError } from './org.js';
import type { SeedOrg } from './types.js';

const KEYS = new Set(['org', 'divisions', 'skills', 'languages', 'roles', 'locations', 'queues', 'groups', 'extensionPools', 'sites', 'phoneBases', 'phones', 'users', 'clients']);

export async function loadSeedFile(file: string): Promise<SeedOrg> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SeedError(`${file}: cannot read the seed file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseSeed(text, file);
}

export async function parseSeed(text: string, file: string): Promise<SeedOrg> {
  let data: unknown;
  if (/\.json$/i.test(file)) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new SeedError(`${file}: not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const { parseDocument } = await import('yaml');
    const doc = parseDocument(text, { prettyErrors: true });
    const first = doc.errors[0];
    if (first) {
      const pos = first.linePos?.[0];
      throw new SeedError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${first.message.split('\n')[0]}`);
    }
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw new SeedError(`${file}: ${(error as Error).message}`);
    }
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new SeedError(`${file}: a seed is a mapping with divisions, skills, languages, roles, locations, queues, groups and users`);
  for (const key of Object.keys(data)) {
    if (!KEYS.has(key)) throw new SeedError(`${file}: unknown key "${key}" (known: ${[...KEYS].join(', ')})`);
  }
  for (const key of KEYS) {
    const value = (data as Record<string, unknown>)[key];
    if (key !== 'org' && value !== undefined && value !== null && !Array.isArray(value)) throw new SeedError(`${file}: "${key}" must be a list`);
  }
  checkClients((data as SeedOrg).clients, file);
  return data as SeedOrg;
}

/** Seed clients: an id and a secret each, and roles as lists of permission strings (checked in full when the sandbox starts). */
function checkClients(clients: SeedOrg['clients'], file: string): void {
  for (const [i, c] of (clients ?? []).entries()) {
    const at = `${file}: clients[${i}]`;
    if (c === null || typeof c !== 'object' || typeof c.id !== 'string' || c.id === '' || typeof c.secret !== 'string' || c.secret === '') throw new SeedError(`${at}: a client needs an id and a secret`);
    if (c.roles === undefined) continue;
    if (!Array.isArray(c.roles)) throw new SeedError(`${at}: roles must be a list`);
    for (const role of c.roles) {
      if (role === null || typeof role !== 'object' || !Array.isArray(role.permissions) || !role.permissions.every((p) => typeof p === 'string')) throw new SeedError(`${at}: each role needs a list of permissions`);
      if (role.divisions !== undefined && (!Array.isArray(role.divisions) || !role.divisions.every((d) => typeof d === 'string'))) throw new SeedError(`${at}: divisions must be a list of division names`);
    }
  }
}
