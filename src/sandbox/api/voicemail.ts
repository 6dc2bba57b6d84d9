// VoicemailApi: a user's voicemail policy (GET and PATCH /api/v2/voicemail/userpolicies/{userId}).
import type { Models } from 'purecloud-platform-client-v2';
import { invalidValue } from '../errors.js';
import type { SandboxOrg, UserRec, VoicemailRec } from '../org.js';
import { liveUser, object, ok, stamp, type Answer, type Ctx, type Endpoint } from './http.js';

/**
 * The seconds a phone may ring before voicemail answers. VoicemailApi.md documents no range (Terraform's
 * `alert_timeout_seconds` sends only values above 0, buildVoicemailUserpoliciesRequest in
 * resource_genesyscloud_user_utils.go); the sandbox holds it to 1–3600, as provision's users schema does.
 */
export const ALERT_TIMEOUT = { min: 1, max: 3600 } as const;

/** A user whose policy was never set: voicemail on, 30 s of ringing, email notifications on (the sandbox's choice: Genesys documents no defaults). */
const DEFAULT_POLICY: VoicemailRec = { enabled: true, alertTimeoutSeconds: 30, sendEmailNotifications: true };

/** The members of `VoicemailUserPolicy` (index.d.ts); any other is refused. `pin` and `modifiedDate` are accepted and not kept. */
const MEMBERS = new Set(['enabled', 'alertTimeoutSeconds', 'pin', 'modifiedDate', 'sendEmailNotifications']);

function render(user: UserRec): Models.VoicemailUserPolicy {
  return { ...DEFAULT_POLICY, ...user.voicemail };
}

/** "Get a user's voicemail policy" (VoicemailApi.md getVoicemailUserpolicy); an unknown user is a 404. */
function getPolicy(ctx: Ctx): Answer {
  return ok(render(liveUser(ctx.org, ctx.params[0] as string)));
}

function bool(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidValue(field, `${field} must be true or false.`);
  return value;
}

/** "Update a user's voicemail policy" (VoicemailApi.md patchVoicemailUserpolicy): the members sent change, the others stay. */
function patchPolicy(ctx: Ctx): Answer {
  const org: SandboxOrg = ctx.org;
  const user = liveUser(org, ctx.params[0] as string);
  const body = object(ctx.body, "a user's voicemail policy");
  for (const key of Object.keys(body)) if (!MEMBERS.has(key)) throw invalidValue(key, `${key} is not a member of a voicemail user policy.`);
  const next: VoicemailRec = { ...DEFAULT_POLICY, ...user.voicemail };
  const enabled = bool(body.enabled, 'enabled');
  const notify = bool(body.sendEmailNotifications, 'sendEmailNotifications');
  if (enabled !== undefined) next.enabled = enabled;
  if (notify !== undefined) next.sendEmailNotifications = notify;
  const timeout = body.alertTimeoutSeconds;
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < ALERT_TIMEOUT.min || timeout > ALERT_TIMEOUT.max) {
      throw invalidValue('alertTimeoutSeconds', `alertTimeoutSeconds must be a whole number from ${ALERT_TIMEOUT.min} to ${ALERT_TIMEOUT.max}.`);
    }
    next.alertTimeoutSeconds = timeout;
  }
  next.modifiedDate = stamp(org);
  user.voicemail = next;
  org.changed();
  return ok(render(user));
}

export const voicemailEndpoints: Endpoint[] = [
  ['GET', '/api/v2/voicemail/userpolicies/{userId}', getPolicy],
  ['PATCH', '/api/v2/voicemail/userpolicies/{userId}', patchPolicy],
];
