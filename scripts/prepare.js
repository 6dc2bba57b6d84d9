// npm's `prepare` hook: builds the CLI after `npm ci` or `npm install` in a clone, so `npx provision` works there.
// `npm pack` and `npm publish` run `prepare` right after `prepack`, which has just made the release build:
// building again there would cost a minute and replace the release build with the development one.
import { spawnSync } from 'node:child_process';

if (process.env.npm_command === 'pack' || process.env.npm_command === 'publish') process.exit(0);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(build.status ?? 1);
