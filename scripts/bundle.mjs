// Bundles the compiled CLI, so a delivery (a fresh Node process each time) loads one file instead of hundreds.
// The plugins (bundle-plugins.mjs) keep a short-lived process from loading what it does not need: Node modules
// such as crypto, TLS, zlib or fs/promises are loaded on first use, and the `debug` module is a silent stand-in.
// HTTP goes through the tool's own small transport on node:http (src/clients/node-transport.ts); the global
// FormData is never read, since that one read makes Node load its whole fetch implementation.
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lazyBuiltins, silentDebug } from './bundle-plugins.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Smaller code parses faster in every short-lived process. Names are not kept (keeping them costs every run a
  // call per function at start); the error classes spell theirs out.
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// The entry answers --version by itself and loads the program only for real work; the Redis client library is a
// file of its own that only a setup with redis_url loads: three files.
await build({ ...common, entryPoints: [`${root}src/cli.ts`], outfile: `${root}dist/cli.js`, external: ['./cli-program'] });
// A new bundle invalidates the code cache of the last one: it is removed, and the bundle names its build so a
// cache made for another build is never used (scripts/train-code-cache.ts makes the new one).
for (const name of ['cli-program', 'redis-client']) rmSync(`${root}dist/${name}.cache`, { force: true });
await build({
  ...common,
  entryPoints: [`${root}src/cli-program.ts`],
  outfile: `${root}dist/cli-program.js`,
  external: ['./redis-client'],
  plugins: [lazyBuiltins, silentDebug],
  footer: { js: `//# mattermost-incident-build=${randomBytes(8).toString('hex')}` },
});
await build({
  ...common,
  entryPoints: [`${root}src/state/redis-client.ts`],
  outfile: `${root}dist/redis-client.js`,
  plugins: [lazyBuiltins, silentDebug],
  footer: { js: `//# mattermost-incident-build=${randomBytes(8).toString('hex')}` },
});
