// Writing answers: JSON bodies with their headers, Genesys error bodies, and the answers of injected faults.
import type { ServerResponse } from 'node:http';
import { HttpError, errorBody } from './errors.js';
import type { Decision, FaultEngine } from './faults.js';
import type { SandboxOrg } from './org.js';

/** What a load balancer in front of Genesys answers when the service behind it fails. */
const HTML_502 = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>awselb/2.0</center></body></html>\n';

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>, raw?: string): void {
  if (res.destroyed) return;
  const text = raw ?? (body === undefined || status === 204 ? '' : JSON.stringify(body));
  res.writeHead(status, {
    ...headers,
    ...(text ? { 'content-type': 'application/json; charset=UTF-8' } : {}),
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError, headers: Record<string, string>): void {
  send(res, error.status, errorBody(error), { ...headers, ...error.headers });
}

/** Answers a 429 or 5xx fault (a JSON, HTML or empty body, drawn from the dice unless the fault names one); returns the status. */
export function faultAnswer(res: ServerResponse, d: Decision, headers: Record<string, string>, faults: FaultEngine): number {
  if (d.kind === '429') {
    const retryAfter = Math.max(1, Math.ceil((d.ms ?? 1000) / 1000));
    sendError(res, new HttpError(429, 'too.many.requests', 'Rate limit exceeded the maximum. Retry the request later.', {}, [], { 'retry-after': String(retryAfter) }), headers);
    return 429;
  }
  const statuses = [500, 502, 503, 504];
  const status = d.status ?? (statuses[Math.floor(faults.roll() * statuses.length)] as number);
  const body = d.body ?? (['json', 'html', 'empty'] as const)[Math.floor(faults.roll() * 3)];
  if (body === 'json') {
    const code = status === 503 ? 'service.unavailable' : status === 504 ? 'gateway.timeout' : 'internal.server.error';
    sendError(res, new HttpError(status, code, 'The server encountered an unexpected condition.'), headers);
  } else if (body === 'html') {
    res.writeHead(status, { ...headers, 'content-type': 'text/html' });
    res.end(HTML_502);
  } else {
    res.writeHead(status, { ...headers, 'content-length': '0' });
    res.end();
  }
  return status;
}

/** The concurrent editor: someone else saves the user (or group) this request is about, moving its version. */
export function concurrentEdit(org: SandboxOrg, path: string, faults: FaultEngine): void {
  const user = /^\/api\/v2\/users\/([^/]+)/.exec(path)?.[1] ?? /^\/api\/v2\/authorization\/subjects\/([^/]+)/.exec(path)?.[1];
  if (user && org.getUser(user)) {
    org.updateUser(user, () => {});
    return;
  }
  const group = /^\/api\/v2\/groups\/([^/]+)/.exec(path)?.[1];
  const g = group ? org.groups.get(group) : undefined;
  if (g) {
    g.version += 1;
    org.changed();
    return;
  }
  const all = org.listUsers('active');
  const pick = all[Math.floor(faults.roll() * all.length)];
  if (pick) org.updateUser(pick.id, () => {});
}
