// Plans as plain data for apply's unit tests.
import type { Change, FieldChange, Level, Named, Plan } from '../../src/model/index.js';

export function planOf(changes: Change[]): Plan {
  const summary = { create: 0, update: 0, restore: 0, deactivate: 0, unchanged: 0, unmanaged: 0 };
  for (const c of changes) summary[c.action] += 1;
  return {
    formatVersion: 1,
    target: { environment: 'memory', orgId: 'org-1', orgName: 'Memory' },
    inputsDigest: 'digest',
    changes,
    summary,
    warnings: [],
    safety: { blocked: false, violations: [], overridden: false },
    readCalls: 0,
    checksum: 'unchecked',
  };
}

export function create(email: string, fields: FieldChange[] = []): Change {
  const name = email.split('@')[0] ?? email;
  return { action: 'create', email, name, fields: [{ field: 'name', kind: 'text', before: null, after: name }, ...fields] };
}

export function update(email: string, id: string, version: number, fields: FieldChange[]): Change {
  return { action: 'update', email, name: email, id, version, fields };
}

export const named = (id: string, name = id): Named => ({ id, name });
export const levels = (field: 'skills' | 'languages', n: number, prefix = 's'): FieldChange => ({
  field,
  kind: 'levels',
  add: Array.from({ length: n }, (_, i): Level => ({ id: `${prefix}${i}`, name: `${prefix}${i}`, level: (i % 5) + 1 })),
  change: [],
  remove: [],
});
export const text = (field: 'name' | 'title' | 'department' | 'state' | 'email', before: string | null, after: string | null): FieldChange => ({ field, kind: 'text', before, after });
export const manager = (email: string, id?: string, before: { email: string; id?: string } | null = null): FieldChange => ({
  field: 'manager',
  kind: 'manager',
  before,
  after: { email, id },
});
export const set = (field: 'queues' | 'groups', add: string[], remove: string[] = []): FieldChange => ({
  field,
  kind: 'set',
  add: add.map((id) => named(id)),
  remove: remove.map((id) => named(id)),
});
