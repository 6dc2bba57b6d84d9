// Preloaded with --import: on exit, prints SDK-LOADED to stderr if the Genesys SDK was loaded.
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  if (Object.keys(cache).some((path) => path.includes('purecloud-platform-client-v2'))) process.stderr.write('SDK-LOADED\n');
});
