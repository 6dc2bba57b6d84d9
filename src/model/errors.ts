// The typed errors every room throws; the CLI catches them once and maps them to exit codes.
import type { Issue } from './issue.js';

/** An error meant for the user: a stable code, a message and a hint; never a stack trace. */
export class ProvisionError extends Error {
  readonly code: string;
  readonly hint?: string;
  /** Problems found all at once (validation, resolution); printed one per line. */
  readonly issues: Issue[];

  constructor(code: string, message: string, options: { hint?: string; issues?: Issue[] } = {}) {
    super(message);
    this.name = 'ProvisionError';
    this.code = code;
    this.hint = options.hint;
    this.issues = options.issues ?? [];
  }
}

/**
 * A failed Genesys Cloud call, normalised: status, Genesys code, message and contextId, the
 * method and path; never headers, tokens or secrets.
 */
export class ApiError extends ProvisionError {
  /** HTTP status; 0 when no answer arrived (network failure, timeout). */
  readonly status: number;
  readonly method: string;
  /** Path without query string, e.g. `/api/v2/users/{id}`. */
  readonly path: string;
  readonly contextId?: string;
  /** True when the request may have taken effect although no success arrived (timeout, dropped connection, 5xx or 408 on a write). */
  readonly outcomeUnknown: boolean;
  /** How long the answer's `Retry-After` asked to wait, in ms (absent when it asked for nothing). */
  readonly retryAfterMs?: number;

  constructor(fields: {
    status: number;
    code: string;
    message: string;
    method: string;
    path: string;
    contextId?: string;
    outcomeUnknown?: boolean;
    hint?: string;
    retryAfterMs?: number;
  }) {
    super(fields.code, fields.message, { hint: fields.hint });
    this.name = 'ApiError';
    this.status = fields.status;
    this.method = fields.method;
    this.path = fields.path;
    this.contextId = fields.contextId;
    this.outcomeUnknown = fields.outcomeUnknown ?? false;
    if (fields.retryAfterMs !== undefined) this.retryAfterMs = fields.retryAfterMs;
  }
}
