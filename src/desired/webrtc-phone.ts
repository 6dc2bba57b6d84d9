// A users file's `webrtcPhone`: names trimmed, and refused on a user who is switched off.
import type { Issue, WebrtcPhone } from '../model/index.js';
import type { Entry } from './entry.js';
import { issueAt } from './issues.js';

/**
 * A schema-valid `webrtcPhone`, trimmed. A user declared `state: inactive` cannot log in to take calls, so a phone
 * for them is an error (`webrtc-phone-inactive`): `false` deletes the phone of a leaver, leaving the field out keeps
 * whatever they have.
 */
export function webrtcPhoneOf(entry: Entry, state: unknown, value: WebrtcPhone | false, issues: Issue[]): WebrtcPhone | false {
  if (value === false) return false;
  if (state === 'inactive') {
    const at = entry.locate(['webrtcPhone']);
    // A phone a persona gives (its position is in the persona's file) is reported at the user's own `state:`, naming them.
    const fromPersona = at.file !== entry.source.file;
    issues.push(
      fromPersona
        ? issueAt(entry.locate(['state']), 'error', 'webrtc-phone-inactive', `${String(entry.value.email)} is inactive, and a persona they take gives them a WebRTC phone (${at.file}:${at.line}): nobody can log in to it.`, 'Write `webrtcPhone: false` on the user to delete the phone of someone who left.')
        : issueAt(at, 'error', 'webrtc-phone-inactive', 'An inactive user cannot have a WebRTC phone: nobody can log in to it.', 'Write `webrtcPhone: false` to delete the phone of a user who left, or leave the field out to keep it.'),
    );
  }
  return { site: value.site.trim(), phoneBase: value.phoneBase.trim() };
}
