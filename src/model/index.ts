// The shared types of every room: desired users, the org, the plan, apply's port and report.
export type * from './issue.js';
export type * from './desired.js';
export type * from './config.js';
export type * from './org.js';
export type * from './plan.js';
export type * from './apply.js';
export type * from './persona.js';
export { ProvisionError, ApiError } from './errors.js';
export { MEDIA_TYPES, USER_FIELDS } from './desired.js';
export { EXPANDED_FIELDS } from './org.js';
export { PERSONA_FIELDS } from './persona.js';
