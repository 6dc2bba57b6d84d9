// JSON Schema validation of users and config (ajv, compiled once), with errors mapped to file positions.
import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type * as Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { MEDIA_TYPES } from '../model/index.js';
import type { Issue, Source } from '../model/index.js';
import usersSchema from '../../schemas/users.schema.json' with { type: 'json' };
import configSchema from '../../schemas/config.schema.json' with { type: 'json' };
import personasSchema from '../../schemas/personas.schema.json' with { type: 'json' };
import type { Path } from './entry.js';
import { didYouMeanHint, issueAt } from './issues.js';

export const USERS_SCHEMA_ID = usersSchema.$id;
export const CONFIG_SCHEMA_ID = configSchema.$id;

interface Validators {
  user: ValidateFunction;
  defaults: ValidateFunction;
  config: ValidateFunction;
  personas: ValidateFunction;
}

let compiled: Validators | undefined;

// ajv is loaded only to compile: a run uses the build's standalone validators and never needs it.
const require = createRequire(import.meta.url);

/** The validators' schema references, by name: what `validators()` returns and the build compiles ahead. */
export const VALIDATOR_REFS: Record<keyof Validators, string> = {
  user: `${USERS_SCHEMA_ID}#/$defs/user`,
  defaults: `${USERS_SCHEMA_ID}#/$defs/defaults`,
  config: CONFIG_SCHEMA_ID,
  personas: personasSchema.$id,
};

/** An ajv with both schemas and the options every validator uses; `source` keeps the generated code for a standalone module. */
export function schemaAjv(source = false): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof Ajv2020Module;
  // ajv-formats is CommonJS with a default export; its callable may sit on `.default`.
  const formats = require('ajv-formats') as { default?: unknown };
  const addFormats = (formats.default ?? formats) as (ajv: Ajv2020) => Ajv2020;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true, ...(source ? { code: { source: true } } : {}) });
  addFormats(ajv);
  ajv.addSchema(usersSchema);
  ajv.addSchema(configSchema);
  ajv.addSchema(personasSchema);
  return ajv;
}

/** The validators compiled by ajv now, as the build's standalone module has them ahead of time. */
export function compileValidators(): Validators {
  const ajv = schemaAjv();
  const get = (ref: string): ValidateFunction => {
    const fn = ajv.getSchema(ref);
    if (!fn) throw new Error(`schema ${ref} missing`);
    return fn;
  };
  return { user: get(VALIDATOR_REFS.user), defaults: get(VALIDATOR_REFS.defaults), config: get(VALIDATOR_REFS.config), personas: get(VALIDATOR_REFS.personas) };
}

/** Where the build writes the standalone validators (`scripts/validators.js`), next to this module. */
export const STANDALONE_FILE = 'validators.cjs';

/**
 * The validators, on first use, kept for the life of the process: the build's standalone module
 * (compiling the schemas cost a third of a second at each start), else compiled here.
 */
export function validators(): Validators {
  if (compiled) return compiled;
  try {
    compiled = require(`./${STANDALONE_FILE}`) as Validators;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    compiled = compileValidators();
  }
  return compiled;
}

/** An ajv instance path (`/skills/Billing`) as its segments. */
export function pathOf(instancePath: string): string[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

function article(type: string): string {
  const words: Record<string, string> = { string: 'text', object: 'a map', array: 'a list', number: 'a number', integer: 'a whole number', boolean: 'true or false', null: 'nothing' };
  return type
    .split(',')
    .map((t) => words[t] ?? t)
    .join(' or ');
}

/** `skills.Billing`, `roles[2].division`, … */
export function displayPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(String(segment))) out += `[${segment}]`;
    else out += out ? `.${segment}` : String(segment);
  }
  return out || 'the user';
}

type Locate = (path: Path, key?: boolean) => Source;

const MEDIA_HINT = `Media types: ${MEDIA_TYPES.join(', ')}.`;

/** The errors of `utilization` and `voicemail` that have codes of their own; undefined for the rest. */
function utilizationIssue(error: ErrorObject, path: string[], field: string, locate: Locate): Issue | undefined {
  const [top, media, key] = path;
  if (top === 'utilization') {
    if (path.length === 1 && (error.keyword === 'pattern' || error.keyword === 'type' || error.keyword === 'minProperties')) {
      return issueAt(locate(path), 'error', 'utilization-value', `utilization must be "org-default" or settings by media type; it is ${describe(error.data)}.`, 'Write `utilization: org-default`, or e.g. `utilization: { call: { maximumCapacity: 1 } }`.');
    }
    if (path.length === 1 && error.keyword === 'additionalProperties') {
      const name = String(error.params.additionalProperty);
      return issueAt(locate([...path, name], true), 'error', 'unknown-media-type', `utilization names the unknown media type "${name}".`, didYouMeanHint(name, MEDIA_TYPES) ?? MEDIA_HINT);
    }
    if (key === 'maximumCapacity' && (error.keyword === 'minimum' || error.keyword === 'maximum' || error.keyword === 'type')) {
      return issueAt(locate(path), 'error', 'capacity-range', `The maximum capacity of ${media} is ${describe(error.data)}; it must be a whole number from 0 to 25.`, "Genesys takes 0 to 25 conversations of one media type at once (Terraform's genesyscloud_user: IntBetween(0, 25)).");
    }
    if (key === 'interruptableMediaTypes' && error.keyword === 'enum') {
      const name = typeof error.data === 'string' ? error.data : String(error.data);
      return issueAt(locate(path), 'error', 'unknown-media-type', `${field} names the unknown media type "${name}".`, didYouMeanHint(name, MEDIA_TYPES) ?? MEDIA_HINT);
    }
  }
  if (top === 'webrtcPhone' && path.length === 1 && (error.keyword === 'not' || error.keyword === 'type')) {
    return issueAt(locate(path), 'error', 'webrtc-phone-value', `webrtcPhone must be { site, phoneBase } or false; it is ${describe(error.data)}.`, 'Write e.g. `webrtcPhone: { site: Indianapolis, phoneBase: WebRTC Base }`, or `webrtcPhone: false` for no phone.');
  }
  if (top === 'voicemail' && media === 'alertTimeoutSeconds' && (error.keyword === 'minimum' || error.keyword === 'maximum' || error.keyword === 'type')) {
    return issueAt(locate(path), 'error', 'voicemail-timeout-range', `voicemail.alertTimeoutSeconds is ${describe(error.data)}; it must be a whole number of seconds from 1 to 3600.`, 'Give the seconds the phone rings before voicemail answers, e.g. `alertTimeoutSeconds: 20`.');
  }
  return undefined;
}

/** Turns ajv errors into positioned issues with stable codes. */
export function schemaIssues(errors: readonly ErrorObject[], locate: Locate): Issue[] {
  const issues: Issue[] = [];
  for (const error of errors) {
    const path = pathOf(error.instancePath);
    const field = displayPath(path);
    const levels = path.length === 2 && (path[0] === 'skills' || path[0] === 'languages');
    const special = utilizationIssue(error, path, field, locate);
    if (special) {
      issues.push(special);
      continue;
    }
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(error.params.additionalProperty);
        const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        const where = path.length ? ` in ${field}` : '';
        issues.push(
          issueAt(locate([...path, key], true), 'error', 'unknown-field', `Unknown field "${key}"${where}.`, didYouMeanHint(key, allowed) ?? (allowed.length ? `Allowed: ${allowed.join(', ')}.` : undefined)),
        );
        break;
      }
      case 'required':
        issues.push(issueAt(locate(path), 'error', 'missing-field', `Missing required field "${String(error.params.missingProperty)}"${path.length ? ` in ${field}` : ''}.`));
        break;
      case 'type':
      case 'minimum':
      case 'maximum':
        if (levels) {
          const got = error.data === null ? 'has no proficiency' : `is ${describe(error.data)}`;
          // Language proficiency is a whole number (Terraform's user schema types it TypeInt 0–5); skills take fractions.
          const skill = path[0] === 'skills';
          issues.push(
            issueAt(
              locate(path, true),
              'error',
              'proficiency-range',
              `The proficiency of ${skill ? 'skill' : 'language'} "${path[1]}" ${got}; it must be ${skill ? 'a number' : 'a whole number'} from 0 to 5.`,
              skill ? 'Write e.g. `Billing: 3` (YAML) or `Billing:3` (CSV).' : 'Write e.g. `English: 4` (YAML) or `English:4` (CSV): Genesys keeps language proficiency as a whole number.',
            ),
          );
        } else if (error.keyword === 'type') {
          const hint = typeof error.data === 'number' && String(error.params.type).includes('string') ? 'Quote the value to keep it as text, e.g. "0100".' : undefined;
          issues.push(issueAt(locate(path), 'error', 'schema-type', `${field} must be ${article(String(error.params.type))}, not ${describe(error.data)}.`, hint));
        } else {
          issues.push(issueAt(locate(path), 'error', 'schema-range', `${field} must be ${error.params.comparison} ${error.params.limit}; it is ${describe(error.data)}.`));
        }
        break;
      case 'enum': {
        const allowed = (error.params.allowedValues as unknown[]).map(String);
        issues.push(
          issueAt(locate(path), 'error', 'schema-enum', `${field} must be one of ${allowed.join(', ')}; it is ${describe(error.data)}.`, typeof error.data === 'string' ? didYouMeanHint(error.data, allowed) : undefined),
        );
        break;
      }
      case 'format': {
        const format = String(error.params.format);
        if (format === 'email') {
          issues.push(issueAt(locate(path), 'error', 'invalid-email', `${field} is not a valid email address: ${describe(error.data)}.`));
        } else if (format === 'date') {
          issues.push(issueAt(locate(path), 'error', 'invalid-date', `${field} is not a date in the form YYYY-MM-DD: ${describe(error.data)}.`));
        } else {
          issues.push(issueAt(locate(path), 'error', 'schema-format', `${field} must be a valid ${format}.`));
        }
        break;
      }
      case 'minLength':
        issues.push(issueAt(locate(path), 'error', 'empty-value', `${field} must not be empty.`));
        break;
      case 'maxLength': {
        const length = typeof error.data === 'string' ? [...error.data].length : 0;
        issues.push(
          issueAt(locate(path), 'error', 'value-too-long', `${field} is ${length} characters long; Genesys Cloud takes at most ${String(error.params.limit)}.`, 'Shorten it: Genesys would refuse the user when the change is applied.'),
        );
        break;
      }
      case 'minItems':
        issues.push(issueAt(locate(path), 'error', 'empty-value', `${field} must list at least one item.`));
        break;
      case 'pattern':
        if (path.at(-1) === 'extension' && error.data === '') {
          issues.push(issueAt(locate(path), 'error', 'empty-extension', `${field} is empty.`, 'Give the extension digits, or leave the field out.'));
          break;
        }
        issues.push(issueAt(locate(path), 'error', 'schema-pattern', `${field} has an unexpected form: ${describe(error.data)}.`, path.at(-1) === 'extension' ? 'An extension is digits only.' : undefined));
        break;
      case 'not':
        issues.push(issueAt(locate(path), 'error', 'role-divisions-conflict', `${field} sets both "division" and "divisions".`, 'Use "division" for one division or "divisions" for several, not both.'));
        break;
      default:
        issues.push(issueAt(locate(path), 'error', `schema-${error.keyword.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, `${field} ${error.message ?? 'is invalid'}.`));
    }
  }
  return issues;
}
