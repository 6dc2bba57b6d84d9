// Diff of email changes: a user found under a former email or by employee id is updated in place, never created twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, readRequestFor, recheckSavedPlan, savedPlanReadRequest } from '../../src/plan/index.js';
import type { DesiredUser, OrgUser } from '../../src/model/index.js';
import { renderPlan } from '../../src/render/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

function plan(desired: DesiredUser[], org: OrgUser[]) {
  const result = buildPlan({ desired: desiredState(desired), org: orgState(org), config: config({ scope: { divisions: [], emailDomains: ['acme.com'], prune: false } }) });
  assert.deepEqual(result.errors, []);
  return result.plan;
}

test('formerEmails: the org user under the old email gets ~ email old → new, no create, queues and name kept', () => {
  const old = orgUser('u-1', 'Kim.Old@acme.com', { name: 'Kim Sato', skills: { 's-billing': 3 } });
  const kim = desiredUser('kim.new@acme.com', { name: 'Kim Sato', formerEmails: ['kim.old@acme.com'], skills: { Billing: 3 } });
  const p = plan([kim], [old]);
  assert.equal(p.changes.length, 1);
  const change = p.changes[0]!;
  assert.equal(change.action, 'update');
  assert.equal(change.id, 'u-1');
  assert.equal(change.version, 3);
  assert.deepEqual(change.fields, [{ field: 'email', kind: 'text', before: 'Kim.Old@acme.com', after: 'kim.new@acme.com' }]);
  assert.equal(p.summary.create, 0);
  assert.equal(p.summary.update, 1);
  // Found, so not listed as an undeclared leaver either.
  assert.equal(p.undeclared, undefined);
  const text = renderPlan(p, 'text', { color: false });
  assert.match(text, /email: +Kim\.Old@acme\.com → kim\.new@acme\.com/);
  assert.match(renderPlan(p, 'markdown'), /kim\.new@acme\.com/);
  assert.equal(JSON.parse(renderPlan(p, 'json')).changes[0].fields[0].field, 'email');
});

test('the email itself wins: a user already under the new email is matched by it, the former one left alone', () => {
  const p = plan([desiredUser('new@acme.com', { formerEmails: ['old@acme.com'] })], [orgUser('u-new', 'new@acme.com', { name: 'new' }), orgUser('u-old', 'old@acme.com')]);
  assert.deepEqual(p.changes, []);
  assert.equal(p.summary.unchanged, 1);
  assert.deepEqual(p.undeclared?.map((u) => u.id), ['u-old']);
});

test('employeeId: the one active undeclared org user with it is the same person', () => {
  const org = [orgUser('u-1', 'ola.old@acme.com', { name: 'Ola', employerInfo: { employeeId: 'E-17' } }), orgUser('u-2', 'other@acme.com', { employerInfo: { employeeId: 'E-18' } })];
  const p = plan([desiredUser('ola@acme.com', { name: 'Ola', employerInfo: { employeeId: ' E-17 ' } }), desiredUser('other@acme.com')], org);
  assert.deepEqual(
    p.changes.map((c) => [c.action, c.id, c.fields.map((f) => f.field)]),
    [['update', 'u-1', ['email']]],
  );
});

test('employeeId held by two undeclared users: no match, a warning, and a create', () => {
  const org = [orgUser('u-1', 'a@acme.com', { employerInfo: { employeeId: 'E-1' } }), orgUser('u-2', 'b@acme.com', { employerInfo: { employeeId: 'E-1' } })];
  const p = plan([desiredUser('c@acme.com', { employerInfo: { employeeId: 'E-1' } })], org);
  assert.equal(p.changes[0]?.action, 'create');
  assert.ok(p.warnings.some((w) => w.code === 'employee-id-ambiguous'));
});

test('employeeId of a declared user is never taken for another', () => {
  const org = [orgUser('u-1', 'a@acme.com', { employerInfo: { employeeId: 'E-1' } })];
  const p = plan([desiredUser('a@acme.com'), desiredUser('b@acme.com', { employerInfo: { employeeId: 'E-1' } })], org);
  assert.deepEqual(
    p.changes.map((c) => c.action),
    ['create'],
  );
});

test('a create named like an active undeclared user warns: did this person\'s email change?', () => {
  const nina = desiredUser('nina.berg@acme.com', { name: 'Nina  Berg' });
  const p = plan([nina], [orgUser('u-9', 'nina@acme.com', { name: 'nina berg' })]);
  assert.equal(p.changes[0]?.action, 'create');
  const warning = p.warnings.find((w) => w.code === 'possible-email-change');
  assert.ok(warning);
  assert.match(warning.message, /did this person's email change\?/);
  assert.match(warning.hint ?? '', /formerEmails: \[nina@acme\.com\]/);
  assert.equal(warning.file, nina.source.file);
  assert.equal(warning.line, nina.source.line);
});

test('no warning when the same-named org user is declared or found', () => {
  const p = plan([desiredUser('x@acme.com', { name: 'Sam' }), desiredUser('sam@acme.com', { name: 'Sam' })], [orgUser('u-1', 'sam@acme.com', { name: 'Sam' })]);
  assert.equal(p.warnings.filter((w) => w.code === 'possible-email-change').length, 0);
});

test('a manager named by the new email resolves to the renamed user\'s id', () => {
  const org = [orgUser('u-lead', 'lead.old@acme.com', { name: 'Lead' }), orgUser('u-agent', 'agent@acme.com', { name: 'agent' })];
  const p = plan([desiredUser('lead@acme.com', { name: 'Lead', formerEmails: ['lead.old@acme.com'] }), desiredUser('agent@acme.com', { manager: 'lead@acme.com' })], org);
  const agent = p.changes.find((c) => c.email === 'agent@acme.com');
  assert.deepEqual(agent?.fields, [{ field: 'manager', kind: 'manager', before: null, after: { email: 'lead@acme.com', id: 'u-lead' } }]);
});

test('the read covers former emails: inactive users under them, and their roles', () => {
  const request = readRequestFor(desiredState([desiredUser('new@acme.com', { formerEmails: ['old@acme.com'], roles: [] })]), config());
  assert.deepEqual(request.emails, ['new@acme.com', 'old@acme.com']);
  assert.deepEqual(request.roleEmails, ['new@acme.com', 'old@acme.com']);
});

test('a saved plan with an email change passes the re-check, before and after it is applied; another email does not', () => {
  const cfg = config();
  const desired = desiredState([desiredUser('kim.new@acme.com', { formerEmails: ['kim.old@acme.com'], roles: [] })]);
  const { plan } = buildPlan({ desired, org: orgState([orgUser('u-1', 'kim.old@acme.com', { name: 'kim.new' })]), config: cfg });
  const recheck = (email: string) => recheckSavedPlan({ plan, org: orgState([orgUser('u-1', email)]), desired, config: cfg, allowUnsafe: false, file: 'plan.json' }).issues.map((i) => i.code);
  assert.deepEqual(recheck('kim.old@acme.com'), []);
  assert.deepEqual(recheck('kim.new@acme.com'), []);
  assert.deepEqual(recheck('someone@acme.com'), ['plan-label-mismatch']);
  assert.deepEqual(savedPlanReadRequest(plan, desired, cfg).roleEmails, ['kim.new@acme.com', 'kim.old@acme.com']);
});
