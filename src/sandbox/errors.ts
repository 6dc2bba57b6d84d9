// Genesys-shaped error bodies, each with a fresh contextId, thrown by handlers and sent by the server.
import { randomUUID } from 'node:crypto';
import type { Models } from 'purecloud-platform-client-v2';

/** A handler's way to answer with a Genesys error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly params: Record<string, string> = {},
    readonly details: Models.Detail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** `{message, code, status, messageWithParams, messageParams, contextId, details, errors}`. */
export function errorBody(error: HttpError): Models.ErrorBody {
  let withParams = error.message;
  // Short values (a digit, a letter) would replace parts of words: only longer ones become placeholders.
  for (const [key, value] of Object.entries(error.params)) if (value.length >= 3) withParams = withParams.split(value).join(`{${key}}`);
  return {
    message: error.message,
    code: error.code,
    status: error.status,
    messageWithParams: withParams,
    messageParams: error.params,
    contextId: randomUUID(),
    details: error.details,
    errors: [],
  };
}

export const badRequest = (message: string, params: Record<string, string> = {}, details: Models.Detail[] = []) =>
  new HttpError(400, 'bad.request', message, params, details);

export const invalidValue = (field: string, message: string) =>
  new HttpError(400, 'invalid.value', message, { field }, [{ fieldName: field, errorCode: 'invalid.value' }]);

export const notFound = (what: string, id?: string) =>
  new HttpError(404, 'not.found', `The requested ${what} could not be found.`, id ? { id } : {}, id ? [{ entityId: id, errorCode: 'not.found' }] : []);

export const versionConflict = (current: number, sent: number) =>
  new HttpError(409, 'general.conflict', 'The version number of the modified resource must match the version number in the database.', { current: String(current), sent: String(sent) });

export const nameConflict = (kind: string, name: string) =>
  new HttpError(409, 'general.conflict', `A ${kind} named ${name} already exists.`, { name });

export const tooMany = (field: string, max: number) =>
  new HttpError(400, 'bad.request', `The request may not have more than ${max} entries in ${field}.`, { max: String(max), field });
