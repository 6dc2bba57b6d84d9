// The floor under the scale benchmark's plan: a plain Node process that makes the plan's own GETs (node:http, keep-alive, six at once) and parses each answer, keeping nothing.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const [environment, file] = process.argv.slice(2) as [string, string];
const paths = JSON.parse(readFileSync(file, 'utf8')) as string[];
const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
const basic = Buffer.from(`${process.env.GENESYS_CLIENT_ID}:${process.env.GENESYS_CLIENT_SECRET}`).toString('base64');
const login = await fetch(`${environment}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
const { access_token: token } = (await login.json()) as { access_token: string };

function get(target: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get(`${environment}${target}`, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`${target}: ${response.statusCode}`))));
      })
      .on('error', reject);
  });
}

let next = 0;
const worker = async (): Promise<void> => {
  while (next < paths.length) await get(paths[next++]!);
};
await Promise.all(Array.from({ length: 6 }, worker));
agent.destroy();
