// A saved plan file read as untrusted input: JSON, then its shape against schemas/plan.schema.json (ajv, compiled once), then its own counts.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Issue, Plan } from '../model/index.js';
import { ProvisionError } from '../model/index.js';
import planSchema from '../../schemas/plan.schema.json' with { type: 'json' };
import { normalEmail } from '../rules/identity.js';

export const PLAN_SCHEMA_ID = planSchema.$id;

/** Problems listed at most; a file that is not a plan at all would otherwise list one per field. */
const MAX_LISTED = 20;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv2020({
    allErrors: true,
    // Stryker disable next-line BooleanLiteral: strict mode checks the schema, which compiles either way.
    strict: true,
    strictRequired: false,
    // A field with a bad `kind` reports that, not ten failed branches.
    discriminator: true,
  }).compile(planSchema);
  return compiled;
}

/** The JSON pointer of a member, escaped as RFC 6901 says. */
function pointer(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** One ajv error as `pointer reason`. */
function reasonOf(error: ErrorObject): string {
  const at = error.instancePath || '/';
  switch (error.keyword) {
    case 'required':
      return `${at} lacks the required member "${String(error.params.missingProperty)}".`;
    case 'additionalProperties':
      return `${pointer(error.instancePath, String(error.params.additionalProperty))} is not a member this object may have.`;
    case 'discriminator': {
      const kinds = ['text', 'bool', 'ref', 'manager', 'phones', 'otherEmails', 'employerInfo', 'utilization', 'voicemail', 'webrtcPhone', 'set', 'strings', 'grants', 'levels'];
      return `${pointer(error.instancePath, 'kind')} must be one of ${kinds.join(', ')}; it is ${shown(error.params.tagValue)}.`;
    }
    case 'const':
      return `${at} must be ${shown(error.params.allowedValue)}.`;
    case 'enum':
      return `${at} must be one of ${(error.params.allowedValues as unknown[]).map((v) => shown(v)).join(', ')}.`;
    default:
      // Stryker disable next-line StringLiteral: ajv gives every error a message unless told not to; the fallback is for the type.
      return `${at} ${error.message ?? 'is invalid'}.`;
  }
}

/** What the schema does not say: ids only where a user exists, the summary counts the changes, each user and each field once. */
function consistencyReasons(plan: Plan): string[] {
  const out: string[] = [];
  const counts = { create: 0, update: 0, restore: 0, deactivate: 0 };
  const emails = new Map<string, number>();
  plan.changes.forEach((change, i) => {
    counts[change.action] += 1;
    if (change.action === 'create' && change.id !== undefined) out.push(`/changes/${i} must not have an id: a create has none.`);
    if (change.action !== 'create') {
      for (const member of ['id', 'version'] as const) if (change[member] === undefined) out.push(`/changes/${i} lacks the required member "${member}" (a ${change.action} names the user by id and version).`);
    }
    const email = normalEmail(change.email);
    const first = emails.get(email);
    if (first !== undefined) out.push(`/changes/${i}/email changes ${change.email} again (first at /changes/${first}): each user is changed once.`);
    else emails.set(email, i);
    const fields = new Map<string, number>();
    change.fields.forEach((f, j) => {
      const seen = fields.get(f.field);
      if (seen !== undefined) out.push(`/changes/${i}/fields/${j}/field sets ${f.field} again (first at /changes/${i}/fields/${seen}).`);
      else fields.set(f.field, j);
    });
  });
  for (const action of ['create', 'update', 'restore', 'deactivate'] as const) {
    if (plan.summary[action] !== counts[action]) out.push(`/summary/${action} says ${plan.summary[action]}, but the plan has ${counts[action]} ${action} change(s).`);
  }
  const undeclared = plan.undeclared?.length ?? 0;
  if ((plan.summary.undeclared ?? 0) !== undeclared) out.push(`/summary/undeclared says ${plan.summary.undeclared ?? 0}, but the plan lists ${undeclared} undeclared user(s).`);
  return out;
}

function invalid(file: string, reasons: string[]): ProvisionError {
  const issues: Issue[] = reasons.slice(0, MAX_LISTED).map((message) => ({ severity: 'error', code: 'plan-invalid', message, file }));
  if (reasons.length > MAX_LISTED) issues.push({ severity: 'error', code: 'plan-invalid', message: `… and ${reasons.length - MAX_LISTED} more.`, file });
  return new ProvisionError('plan-invalid', `${file} is not a valid saved plan (${reasons.length} problem${reasons.length === 1 ? '' : 's'}, above): nothing was applied.`, {
    issues,
    hint: 'Apply a plan saved with `provision plan --out plan.json` by this version of provision, unchanged; see schemas/plan.schema.json.',
  });
}

/**
 * Parses and checks a saved plan. Every way it can be wrong is `plan-invalid` with a JSON pointer to the
 * reason, so nothing later meets a shape it does not expect. The checksum is checked by the caller.
 */
export function parseSavedPlan(text: string, file: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    // JSON.parse throws SyntaxErrors only.
    throw new ProvisionError('plan-invalid', `${file}:1:1 is not a plan: ${(error as SyntaxError).message}.`, {
      hint: 'Save a plan with `provision plan --out plan.json` and apply that file unchanged.',
    });
  }
  const validate = validator();
  // Stryker disable next-line ArrayDeclaration: ajv sets the errors whenever validation fails.
  if (!validate(value)) throw invalid(file, (validate.errors ?? []).map(reasonOf));
  const plan = value as Plan;
  const reasons = consistencyReasons(plan);
  if (reasons.length > 0) throw invalid(file, reasons);
  return plan;
}
