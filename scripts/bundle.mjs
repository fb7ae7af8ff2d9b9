// Bundles the compiled CLI into two files, so a delivery — a fresh Node process each time — loads one file
// instead of hundreds. The plugins (bundle-plugins.mjs) trim what a short-lived process should not load:
//  - axios's fetch and XHR adapters are left out: the tool uses the Node http adapter only, and the fetch
//    adapter's feature tests at load time pull in Node's whole fetch implementation (undici);
//  - `form-data` (and its dependency tree) is replaced by Node's own FormData, which axios accepts as a
//    spec-compliant form; the tool only ever sends native FormData;
//  - axios's utils read globalThis.FormData when loaded, and that one read makes Node load its fetch
//    implementation (about 20 ms and 12 MB per process); its isFormData check recognises a native FormData by
//    its tag without that constructor, so the read is dropped. The build fails if the line is not found;
//  - Node's http2 and child_process modules are loaded on first use.
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lazyBuiltins, silentDebug, trimAxios } from './bundle-plugins.mjs';

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
rmSync(`${root}dist/cli-program.cache`, { force: true });
await build({
  ...common,
  entryPoints: [`${root}src/cli-program.ts`],
  outfile: `${root}dist/cli-program.js`,
  external: ['./redis-client'],
  plugins: [trimAxios, lazyBuiltins, silentDebug],
  footer: { js: `//# mattermost-incident-build=${randomBytes(8).toString('hex')}` },
});
await build({ ...common, entryPoints: [`${root}src/state/redis-client.ts`], outfile: `${root}dist/redis-client.js`, plugins: [lazyBuiltins] });
