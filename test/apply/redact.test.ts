// What apply's reports and journal keep of an error message: credentials never, permission names always.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../src/apply/index.js';

const table: [message: string, expected: string][] = [
  ['sent Authorization: Bearer abc.def-ghi', 'sent Authorization=[redacted] [redacted]'],
  ['header authorization=Basic dXNlcjpwYXNz', 'header authorization=[redacted] [redacted]'],
  ['{"authorization":"xyz123"}', '{"authorization=[redacted]"}'],
  ['client_secret=s3cr3t&grant_type=client_credentials', 'client_secret=[redacted]'],
  ['access_token: tok_123', 'access_token=[redacted]'],
  [
    'POST /api/v2/authorization/subjects/x/bulkadd failed: 403 You are missing the following permission(s): [authorization:grant:add]',
    'POST /api/v2/authorization/subjects/x/bulkadd failed: 403 You are missing the following permission(s): [authorization:grant:add]',
  ],
  ['assigned: [authorization:role:view, authorization:*:*]', 'assigned: [authorization:role:view, authorization:*:*]'],
];

for (const [message, expected] of table) {
  test(`redact: ${message}`, () => assert.equal(redact(message), expected));
}
