// Routing utilization and voicemail policy as values: one normal form, one comparison and one cell syntax for the reader, the planner, the renderers and the export.
import { MEDIA_TYPES } from '../model/index.js';
import type { MediaType, MediaUtilization, Utilization, VoicemailPolicy } from '../model/index.js';

/** The keys of a voicemail policy provision manages, in the users files' order. */
export const VOICEMAIL_KEYS = ['enabled', 'alertTimeoutSeconds', 'sendEmailNotifications'] as const;

/** The value of `utilization` that means "the org's settings" (a DELETE of the user's own). */
export const ORG_DEFAULT = 'org-default';

/** One media type's settings as users files and the API hold them: only the capacity is always there. */
export interface MediaInput {
  maximumCapacity?: number;
  interruptableMediaTypes?: string[];
  includeNonAcd?: boolean;
}

export type MediaMap = Partial<Record<MediaType, MediaUtilization>>;

/**
 * One media type's settings with Terraform's defaults filled in (no interrupting types, `includeNonAcd: false`:
 * `utilizationSettingsResource` in genesyscloud/user/resource_genesyscloud_user_schema.go) and interrupting types in
 * the fixed order, so that equal settings compare equal.
 */
export function normalMedia(item: MediaInput): MediaUtilization {
  return {
    maximumCapacity: item.maximumCapacity ?? 0,
    interruptableMediaTypes: MEDIA_TYPES.filter((m) => item.interruptableMediaTypes?.includes(m)),
    includeNonAcd: item.includeNonAcd ?? false,
  };
}

/** The known media types of a map (users file or API answer), normalised, in the fixed order. */
export function normalMediaMap(input: Readonly<Record<string, MediaInput | undefined>>): MediaMap {
  const out: MediaMap = {};
  for (const media of MEDIA_TYPES) {
    const item = input[media];
    if (item !== undefined) out[media] = normalMedia(item);
  }
  return out;
}

/** A schema-valid `utilization` of a users file. */
export function normalUtilization(input: string | Readonly<Record<string, MediaInput>>): Utilization {
  return typeof input === 'string' ? ORG_DEFAULT : normalMediaMap(input);
}

function sameMedia(a: MediaUtilization | undefined, b: MediaUtilization | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.maximumCapacity === b.maximumCapacity && a.includeNonAcd === b.includeNonAcd && a.interruptableMediaTypes.join() === b.interruptableMediaTypes.join();
}

/**
 * The media types whose settings differ from the org's default. A PUT sets every media type it leaves out to the
 * org's default ("Any omitted media types will be set to the organization's default values", RoutingApi.md
 * putRoutingUserUtilization), so a user's value is compared, shown and exported in this form.
 */
export function ownSettings(media: MediaMap, orgDefault: MediaMap | undefined): MediaMap {
  const out: MediaMap = {};
  for (const type of MEDIA_TYPES) {
    const item = media[type];
    if (item !== undefined && !sameMedia(item, orgDefault?.[type])) out[type] = item;
  }
  return out;
}

export function sameUtilization(a: Utilization | null, b: Utilization | null): boolean {
  if (a === null || b === null || a === ORG_DEFAULT || b === ORG_DEFAULT) return a === b;
  return MEDIA_TYPES.every((type) => sameMedia(a[type], b[type]));
}

/**
 * The CSV cell (and the plan's one-line form) of a utilization: `org-default`, or `;`-separated media types, each
 * `type:capacity`, then `interruptable=a,b` and `nonacd` when set: `call:1; chat:3 interruptable=call,callback nonacd`.
 */
export function utilizationCell(value: Utilization): string {
  if (value === ORG_DEFAULT) return ORG_DEFAULT;
  const items: string[] = [];
  for (const type of MEDIA_TYPES) {
    const item = value[type];
    if (!item) continue;
    let text = `${type}:${item.maximumCapacity}`;
    if (item.interruptableMediaTypes.length > 0) text += ` interruptable=${item.interruptableMediaTypes.join(',')}`;
    if (item.includeNonAcd) text += ' nonacd';
    items.push(text);
  }
  return items.join('; ');
}

/**
 * One media type's item of a utilization cell as the users-file value it stands for, left unchecked: the schema
 * judges it (a capacity out of range, an unknown media type or flag) at the cell's position. Undefined media type:
 * the item has no `type:` prefix.
 */
export function parseUtilizationItem(text: string): { media: string; value: Record<string, unknown> } {
  const [head = '', ...flags] = text.trim().split(/\s+/);
  const colon = head.indexOf(':');
  const media = colon < 0 ? head : head.slice(0, colon);
  const capacityText = colon < 0 ? '' : head.slice(colon + 1);
  const value: Record<string, unknown> = {};
  if (capacityText !== '') value.maximumCapacity = /^-?\d+(\.\d+)?$/.test(capacityText) ? Number(capacityText) : capacityText;
  for (const flag of flags) {
    const lower = flag.toLowerCase();
    if (lower === 'nonacd') value.includeNonAcd = true;
    else if (lower.startsWith('interruptable=')) value.interruptableMediaTypes = flag.slice('interruptable='.length).split(',').map((m) => m.trim()).filter((m) => m !== '');
    else value[flag] = true;
  }
  return { media, value };
}

/** A voicemail policy's managed keys in the fixed order, `key value` items: `enabled true, alertTimeoutSeconds 20`. */
export function voicemailText(policy: VoicemailPolicy): string {
  return VOICEMAIL_KEYS.filter((key) => policy[key] !== undefined)
    .map((key) => `${key} ${String(policy[key])}`)
    .join(', ');
}
