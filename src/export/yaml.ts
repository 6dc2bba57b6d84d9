// Writes ExportUsers as a users YAML file through the yaml Document API: schema key order, warnings as comments.
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';
import { MEDIA_TYPES } from '../model/index.js';
import type { Phone, RoleGrant, Utilization } from '../model/index.js';
import { ORG_DEFAULT, VOICEMAIL_KEYS } from '../rules/utilization.js';
import type { ExportUser, Level } from './types.js';
import type { ProposedPersona } from './personas.js';

type Value = string | number | boolean;

function scalar(value: Value, quoted = false): Scalar {
  const node = new Scalar(value);
  // Dates and ids stay strings for YAML 1.1 tools too, as the example files write them.
  if (quoted) node.type = 'QUOTE_DOUBLE';
  return node;
}

function map(pairs: [string, Node | undefined][], flow = false): YAMLMap {
  const node = new YAMLMap();
  for (const [key, value] of pairs) if (value !== undefined) node.items.push(new Pair(scalar(key), value));
  node.flow = flow;
  return node;
}

function seq(items: Node[], flow: boolean): YAMLSeq {
  const node = new YAMLSeq();
  node.items.push(...items);
  node.flow = flow;
  return node;
}

const names = (list: readonly string[] | undefined): YAMLSeq | undefined => (list ? seq(list.map((n) => scalar(n)), true) : undefined);

const levels = (list: readonly Level[] | undefined): YAMLMap | undefined => (list ? map(list.map(([name, level]) => [name, scalar(level)])) : undefined);

/** `"+13175550100 x120"`, `"x120"`, or `{ number, extension, sms: true }` for SMS numbers. */
export function phoneText(phone: Phone): string {
  if (phone.number === undefined) return `x${phone.extension ?? ''}`;
  return phone.extension === undefined ? phone.number : `${phone.number} x${phone.extension}`;
}

function phoneNode(phone: Phone): Node {
  if (phone.mediaType !== 'SMS') return scalar(phoneText(phone));
  return map(
    [
      ['number', phone.number === undefined ? undefined : scalar(phone.number)],
      ['extension', phone.extension === undefined ? undefined : scalar(phone.extension, true)],
      ['sms', scalar(true)],
    ],
    true,
  );
}

function rolesNode(roles: readonly RoleGrant[]): YAMLSeq {
  return seq(
    roles.map((g) => (g.division === undefined ? scalar(g.role) : map([['role', scalar(g.role)], ['division', scalar(g.division)]]))),
    false,
  );
}

/** The user's map, keys in schema order; `omit` names a field the file's defaults already give. */
function userNode(user: ExportUser, omit: ReadonlySet<string>): YAMLMap {
  const pairs: [string, Node | undefined][] = [
    ['email', scalar(user.email)],
    ['name', user.name === undefined ? undefined : scalar(user.name)],
    ['persona', user.persona === undefined ? undefined : scalar(user.persona)],
  ];
  const text = (key: 'title' | 'department' | 'division' | 'manager' | 'state'): void => {
    const value = user[key];
    if (value !== undefined && !omit.has(key)) pairs.push([key, scalar(value)]);
  };
  text('title');
  text('department');
  text('division');
  text('manager');
  text('state');
  if (user.phones) pairs.push(['phones', map(user.phones.map((p) => [p.type, phoneNode(p)]))]);
  if (user.otherEmails) pairs.push(['otherEmails', map(user.otherEmails.map((e) => [e.type, scalar(e.address)]))]);
  if (user.roles) pairs.push(['roles', rolesNode(user.roles)]);
  pairs.push(['skills', levels(user.skills)], ['languages', levels(user.languages)]);
  pairs.push(['queues', names(user.queues)], ['groups', names(user.groups)], ['locations', names(user.locations)]);
  if (user.acdAutoAnswer !== undefined) pairs.push(['acdAutoAnswer', scalar(user.acdAutoAnswer)]);
  pairs.push(['profileSkills', names(user.profileSkills)], ['certifications', names(user.certifications)]);
  const info = user.employerInfo;
  if (info) {
    pairs.push([
      'employerInfo',
      map([
        ['employeeId', info.employeeId === undefined ? undefined : scalar(info.employeeId, true)],
        ['employeeType', info.employeeType === undefined ? undefined : scalar(info.employeeType)],
        ['dateHire', info.dateHire === undefined ? undefined : scalar(info.dateHire, true)],
        ['officialName', info.officialName === undefined ? undefined : scalar(info.officialName)],
      ]),
    ]);
  }
  if (user.utilization !== undefined) pairs.push(['utilization', utilizationNode(user.utilization)]);
  if (user.voicemail !== undefined) pairs.push(['voicemail', map(VOICEMAIL_KEYS.map((key) => [key, user.voicemail?.[key] === undefined ? undefined : scalar(user.voicemail[key])]), true)]);
  if (user.webrtcPhone !== undefined) pairs.push(['webrtcPhone', map([['site', scalar(user.webrtcPhone.site)], ['phoneBase', scalar(user.webrtcPhone.phoneBase)]], true)]);
  return map(pairs);
}

/** `org-default`, or one flow map per media type: the capacity, then what differs from Terraform's defaults. */
function utilizationNode(value: Utilization): Node {
  if (value === ORG_DEFAULT) return scalar(ORG_DEFAULT);
  return map(
    MEDIA_TYPES.map((type): [string, Node | undefined] => {
      const item = value[type];
      if (!item) return [type, undefined];
      return [
        type,
        map(
          [
            ['maximumCapacity', scalar(item.maximumCapacity)],
            ['interruptableMediaTypes', item.interruptableMediaTypes.length > 0 ? seq(item.interruptableMediaTypes.map((m) => scalar(m)), true) : undefined],
            ['includeNonAcd', item.includeNonAcd ? scalar(true) : undefined],
          ],
          true,
        ),
      ];
    }),
  );
}

/** Comment lines cannot hold line breaks. */
function commentLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

export interface YamlFileOptions {
  schemaRef?: string;
  /** One line saying what the file holds. */
  title: string;
  /** Values every user of the file shares, written once under `defaults:` and left out of the users. */
  defaults: { division?: string; department?: string };
}

/**
 * The file's text, and the line of each user's `- email:` (1-based, in the order given). Users are
 * taken from `users` a chunk at a time, so a caller that converts them as they are asked for never
 * holds more than a chunk of them.
 */
export function renderYaml(users: Iterable<ExportUser>, options: YamlFileOptions): { text: string; lines: number[] } {
  const doc = new Document();
  const header = [options.schemaRef === undefined ? undefined : ` yaml-language-server: $schema=${options.schemaRef}`, ` ${commentLine(options.title)}`];
  doc.commentBefore = header.filter((l) => l !== undefined).join('\n');
  const omit = new Set<string>();
  const defaults: [string, Node | undefined][] = [];
  for (const key of ['division', 'department'] as const) {
    const value = options.defaults[key];
    if (value === undefined) continue;
    omit.add(key);
    defaults.push([key, scalar(value)]);
  }
  const item = (user: ExportUser, i: number): YAMLMap => {
    const node = userNode(user, omit);
    if (i > 0) node.spaceBefore = true;
    if (user.notes.length > 0) node.commentBefore = user.notes.map((n) => ` warning ${n.code}: ${commentLine(n.message)}`).join('\n');
    return node;
  };
  const options_ = { lineWidth: 0, flowCollectionPadding: false, indentSeq: true } as const;
  const parts: string[] = [];
  // The first chunk goes in the document with the header and the defaults; the rest, a chunk at a time,
  // each as the items of a `users:` list: the same text as one document holding them all, without a node
  // for every value of 50,000 users at once.
  const render = (chunk: YAMLMap[]): void => {
    if (parts.length === 0) {
      const root = new YAMLMap();
      if (defaults.length > 0) root.items.push(new Pair(scalar('defaults'), map(defaults)));
      const usersKey = scalar('users');
      if (defaults.length > 0) usersKey.spaceBefore = true;
      root.items.push(new Pair(usersKey, seq(chunk, false)));
      doc.contents = root;
      parts.push(doc.toString(options_));
      return;
    }
    const next = new Document();
    next.contents = map([['users', seq(chunk, false)]]);
    const text = next.toString(options_);
    if (!text.startsWith(USERS_LINE)) throw new Error('a chunk of users did not render as a users list');
    // The blank line before the chunk's first user comes out indented there; between users it is empty.
    const rest = text.slice(USERS_LINE.length);
    parts.push(rest.startsWith('  \n') ? rest.slice(2) : rest);
  };
  let chunk: YAMLMap[] = [];
  let count = 0;
  for (const user of users) {
    chunk.push(item(user, count++));
    if (chunk.length === CHUNK) {
      render(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0 || parts.length === 0) render(chunk);
  const text = parts.join('');
  const lines: number[] = [];
  let line = 1;
  for (let at = 0; at !== -1 && at < text.length; ) {
    if (text.startsWith(USER_START, at)) lines.push(line);
    at = text.indexOf('\n', at);
    if (at !== -1) {
      at++;
      line++;
    }
  }
  return { text, lines };
}

/**
 * Users rendered per document: bounds the yaml nodes alive at once. Small enough that a chunk's nodes
 * die young (a 1,000-user chunk outlived the young generation, and its nodes filled the old one).
 */
const CHUNK = 25;
const USERS_LINE = 'users:\n';
const USER_START = '  - email:';

/** The personas file `export --personas` writes: one persona per shared bundle, by name. */
export function renderPersonasYaml(personas: readonly ProposedPersona[], options: { schemaRef?: string; title: string }): string {
  const doc = new Document();
  const header = [options.schemaRef === undefined ? undefined : ` yaml-language-server: $schema=${options.schemaRef}`, ` ${commentLine(options.title)}`];
  doc.commentBefore = header.filter((l) => l !== undefined).join('\n');
  const items = personas.map((p, i) => {
    const f = p.fields;
    const node = map([
      ['description', scalar(`${p.users} users with these roles, skills, languages, queues and groups in the org`)],
      ['roles', f.roles ? rolesNode(f.roles) : undefined],
      ['skills', levels(f.skills)],
      ['languages', levels(f.languages)],
      ['queues', names(f.queues)],
      ['groups', names(f.groups)],
    ]);
    const pair = new Pair(scalar(p.name), node);
    if (i > 0) (pair.key as Scalar).spaceBefore = true;
    return pair;
  });
  const all = new YAMLMap();
  all.items.push(...items);
  doc.contents = map([['personas', all]]);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, indentSeq: true });
}
