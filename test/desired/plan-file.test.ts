// A saved plan file against schemas/plan.schema.json: every plan provision writes passes; each malformed one is plan-invalid at its JSON pointer.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSavedPlan } from '../../src/desired/plan-file.js';
import { ProvisionError } from '../../src/model/index.js';
import type { Plan } from '../../src/model/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const GOLDEN = path.join(REPO, 'test/render/golden');
const goldens = readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort();
const full = (): Plan & Record<string, unknown> => JSON.parse(readFileSync(path.join(GOLDEN, 'full.json'), 'utf8')) as Plan & Record<string, unknown>;

function problems(value: unknown): { code: string; message: string; issues: string[] } {
  try {
    parseSavedPlan(typeof value === 'string' ? value : JSON.stringify(value), 'plan.json');
  } catch (error) {
    assert.ok(error instanceof ProvisionError, String(error));
    return { code: error.code, message: error.message, issues: error.issues.map((i) => `${i.code} ${i.message}`) };
  }
  assert.fail('expected plan-invalid');
}

describe('parseSavedPlan', () => {
  for (const file of goldens) {
    it(`accepts the golden plan ${file}`, () => {
      const text = readFileSync(path.join(GOLDEN, file), 'utf8');
      assert.deepEqual(parseSavedPlan(text, file), JSON.parse(text));
    });
  }

  it('every field kind of the model appears in the golden plans (so the schema is checked against each)', () => {
    const kinds = new Set(goldens.flatMap((f) => (JSON.parse(readFileSync(path.join(GOLDEN, f), 'utf8')) as Plan).changes.flatMap((c) => c.fields.map((x) => x.kind))));
    assert.deepEqual([...kinds].sort(), ['bool', 'employerInfo', 'grants', 'levels', 'manager', 'otherEmails', 'phones', 'ref', 'set', 'strings', 'text', 'webrtcPhone']);
  });

  const cases: Array<{ name: string; edit: (plan: Plan & Record<string, unknown>) => unknown; says: RegExp }> = [
    { name: 'not an object', edit: () => [1, 2], says: /^plan-invalid \/ must be object\.$/ },
    { name: 'another format version', edit: (p) => ({ ...p, formatVersion: 2 }), says: /^plan-invalid \/formatVersion must be 1\.$/ },
    { name: 'no safety verdict', edit: ({ safety: _s, ...rest }) => rest, says: /^plan-invalid \/ lacks the required member "safety"\.$/ },
    { name: 'an unknown member', edit: (p) => ({ ...p, approvedBy: 'ceo' }), says: /^plan-invalid \/approvedBy is not a member this object may have\.$/ },
    {
      name: 'an unknown field kind',
      edit: (p) => {
        (p.changes[0]!.fields[0] as unknown as Record<string, unknown>).kind = 'script';
        return p;
      },
      says: /^plan-invalid \/changes\/0\/fields\/0\/kind must be one of text, bool, .*; it is "script"\.$/,
    },
    {
      name: 'a field named for another kind',
      edit: (p) => {
        (p.changes[0]!.fields[0] as unknown as Record<string, unknown>).field = 'roles';
        return p;
      },
      says: /^plan-invalid \/changes\/0\/fields\/0\/field must be one of "name", "title", "department", "state", "email"\.$/,
    },
    {
      name: 'a create with a user id',
      edit: (p) => {
        p.changes[0]!.id = 'u-someone';
        return p;
      },
      says: /^plan-invalid \/changes\/0 must not have an id/,
    },
    {
      name: 'an update without a version',
      edit: (p) => {
        const update = p.changes.find((c) => c.action === 'update')!;
        delete update.version;
        return p;
      },
      says: /^plan-invalid \/changes\/\d+ lacks the required member "version"/,
    },
    {
      name: 'a proficiency of 6',
      edit: (p) => {
        const levels = p.changes[0]!.fields.find((f) => f.kind === 'levels');
        if (levels?.kind !== 'levels') throw new Error('no levels');
        levels.add[0]!.level = 6;
        return p;
      },
      says: /^plan-invalid \/changes\/0\/fields\/\d+\/add\/0\/level must be <= 5\.$/,
    },
    {
      name: 'a checksum that is not sha256 hex',
      edit: (p) => ({ ...p, checksum: 'x' }),
      says: /^plan-invalid \/checksum must match pattern/,
    },
    {
      name: 'a summary that hides deactivations',
      edit: (p) => {
        p.summary.deactivate += 1;
        return p;
      },
      says: /^plan-invalid \/summary\/deactivate says \d+, but the plan has \d+ deactivate change\(s\)\.$/,
    },
    {
      name: 'a user changed twice',
      edit: (p) => {
        p.changes.push(structuredClone(p.changes[0]!));
        p.summary[p.changes[0]!.action] += 1;
        return p;
      },
      says: /^plan-invalid \/changes\/\d+\/email changes \S+ again \(first at \/changes\/0\)/,
    },
    {
      name: 'a user changed twice, once under another case and Unicode form',
      edit: (p) => {
        p.changes[0]!.email = 'jos\u00e9@acme.com';
        p.changes.push({ ...structuredClone(p.changes[0]!), email: 'JOSE\u0301@acme.com' });
        p.summary[p.changes[0]!.action] += 1;
        return p;
      },
      says: /^plan-invalid \/changes\/\d+\/email changes JOSE\u0301@acme\.com again \(first at \/changes\/0\)/,
    },
    {
      name: 'a field set twice',
      edit: (p) => {
        p.changes[0]!.fields.push(structuredClone(p.changes[0]!.fields[0]!));
        return p;
      },
      says: /^plan-invalid \/changes\/0\/fields\/\d+\/field sets name again/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} with the JSON pointer of the reason`, () => {
      const got = problems(c.edit(full()));
      assert.equal(got.code, 'plan-invalid');
      assert.match(got.message, /^plan\.json is not a valid saved plan \(\d+ problems?, above\): nothing was applied\.$/);
      assert.ok(got.issues.some((i) => c.says.test(i)), got.issues.join('\n'));
    });
  }

  it('lists at most 20 problems, then how many more', () => {
    const plan = full();
    for (const change of plan.changes) (change as unknown as Record<string, unknown>).extra = 1;
    plan.changes = [...plan.changes, ...plan.changes, ...plan.changes, ...plan.changes, ...plan.changes];
    const got = problems(plan);
    assert.equal(got.issues.length, 21);
    assert.match(got.issues[20] ?? '', /… and \d+ more\./);
  });

  it('keeps JSON syntax errors at 1:1 with the parser message', () => {
    const got = problems('{"formatVersion": 1,');
    assert.match(got.message, /^plan\.json:1:1 is not a plan: /);
  });
});
