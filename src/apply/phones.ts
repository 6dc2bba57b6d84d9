// WebRTC phones in two phases, as the user-provisioning starting guide makes them: the phones first, then each phone's station as its user's default.
import type { FieldChange, WebrtcPhoneSpec } from '../model/index.js';
import { deletedSincePlan } from './locking.js';
import { isOutcomeUnknown, subResourceTrouble } from './retry.js';
import { fieldByKind, isLive } from './run.js';
import type { Ctx, Run } from './run.js';
import { step } from './steps.js';

type PhoneChange = Extract<FieldChange, { kind: 'webrtcPhone' }>;

/** The name a new WebRTC phone gets: unique, as the starting guide requires ("has to be a unique name"), so the user's email. */
export function phoneNameFor(email: string): string {
  return `WebRTC ${email}`;
}

/**
 * Creates, updates and deletes phones. A later phase sets the stations: by the time the last phone is made, the first
 * phones' stations have long reached `GET /api/v2/stations`, which a new station reaches only after a while.
 */
export function phasePhones(runs: readonly Run[]): Array<{ kind: 'phone'; run: Run; change: PhoneChange }> {
  const steps: Array<{ kind: 'phone'; run: Run; change: PhoneChange }> = [];
  for (const run of runs) {
    const change = isLive(run) ? fieldByKind(run.fields, 'webrtcPhone') : undefined;
    if (change) steps.push({ kind: 'phone', run, change });
  }
  return steps;
}

/** The default station of each user whose phone is in place and whose plan asks for it. */
export function phaseStations(runs: readonly Run[]): Array<{ kind: 'station'; run: Run }> {
  return runs.filter((run) => isLive(run) && run.phoneReady === true && fieldByKind(run.fields, 'webrtcPhone')?.station === true).map((run) => ({ kind: 'station', run }));
}

function specOf(run: Run, change: PhoneChange): WebrtcPhoneSpec {
  const after = change.after as NonNullable<PhoneChange['after']>;
  return { name: change.phone?.name ?? phoneNameFor(run.email), siteId: after.site.id, phoneBaseId: after.phoneBase.id, lineBaseId: after.lineBaseId ?? '', phoneMetaBaseId: after.phoneMetaBaseId ?? '' };
}

/** One user's phone: DELETE for `false`, a PUT at the planned version for another site or phone base, else a create. */
export async function phone(ctx: Ctx, run: Run, change: PhoneChange): Promise<void> {
  const userId = run.id as string;
  const existing = change.phone;
  if (change.after === null) {
    if (existing) await step(ctx, run, 'delete phone', () => ctx.writer.deleteWebrtcPhone(existing.id), { removal: true });
    return;
  }
  const spec = specOf(run, change);
  if (!existing) {
    run.phoneReady = await createPhone(ctx, run, spec);
    return;
  }
  const moved = change.before !== null && (change.before.site.id !== spec.siteId || change.before.phoneBase.id !== spec.phoneBaseId);
  if (!moved) {
    run.phoneReady = true;
    return;
  }
  let current = existing;
  run.phoneReady = await step(
    ctx,
    run,
    'update phone',
    async () => {
      try {
        await ctx.writer.updateWebrtcPhone(userId, current, spec);
      } catch (error) {
        // A stale version (someone saved the phone since the plan): the next try carries the phone's version now.
        if (subResourceTrouble(error) === 'conflict') current = (await ctx.writer.findWebrtcPhone(userId)) ?? current;
        throw error;
      }
    },
    { message: `site ${change.after.site.name}, phone base ${change.after.phoneBase.name}` },
  );
}

/**
 * POST the phone. A POST is not safe to send again: when its outcome is unknown, the user's phone is looked for by
 * `webRtcUser` first, and the POST is sent again only when there is none (never a second phone for a user).
 */
async function createPhone(ctx: Ctx, run: Run, spec: WebrtcPhoneSpec): Promise<boolean> {
  const userId = run.id as string;
  const operation = 'create phone';
  const tries = ctx.retrier.tries();
  for (;;) {
    try {
      await ctx.writer.createWebrtcPhone(userId, spec);
      ctx.recorder.record(run, operation, 'ok');
      return true;
    } catch (error) {
      if (isOutcomeUnknown(error)) {
        let found: { id: string } | undefined;
        try {
          found = await ctx.retrier.run(() => ctx.writer.findWebrtcPhone(userId), ['unknown']);
        } catch {
          found = undefined;
        }
        if (found) {
          ctx.recorder.record(run, operation, 'already-done', undefined, 'found the phone the unanswered create made');
          return true;
        }
        if (await tries.again('unknown', error)) continue;
      } else if (subResourceTrouble(error) === 'conflict' && (await tries.again('conflict', error))) continue;
      if (await deletedSincePlan(ctx, run, error)) ctx.recorder.gone(run, operation, error);
      else ctx.recorder.record(run, operation, 'failed', error);
      return false;
    }
  }
}

/**
 * Finds the phone's station (`GET /api/v2/stations?webRtcUserId=`, which a new station reaches only after a while:
 * looked for again on the `station` back-off, bounded) and makes it the user's default station.
 */
export async function station(ctx: Ctx, run: Run): Promise<void> {
  const userId = run.id as string;
  const operation = 'set default station';
  const tries = ctx.retrier.tries();
  let stationId: string | undefined;
  try {
    for (;;) {
      stationId = await ctx.retrier.run(() => ctx.writer.findStation(userId), ['unknown']);
      if (stationId !== undefined) break;
      if (!(await tries.again('station'))) {
        ctx.recorder.record(run, operation, 'failed', undefined, `the phone's station did not appear in GET /api/v2/stations after ${tries.spent('station') + 1} looks; run apply again to finish`);
        return;
      }
    }
  } catch (error) {
    ctx.recorder.record(run, operation, 'failed', error);
    return;
  }
  const found = stationId;
  await step(ctx, run, operation, () => ctx.writer.setDefaultStation(userId, found));
}
