// Bundles the compiled CLI into one file, dist/cli.js, so a delivery — a fresh Node process each time —
// loads one file instead of hundreds. Two trims make axios cheap to load in a short-lived process:
//  - its fetch and XHR adapters are left out: the tool uses the Node http adapter only, and the fetch
//    adapter's feature tests at load time pull in Node's whole fetch implementation (undici);
//  - `form-data` (and its dependency tree) is replaced by Node's own FormData, which axios accepts as a
//    spec-compliant form; the tool only ever sends native FormData;
//  - axios's utils read globalThis.FormData when loaded, and that one read makes Node load its fetch
//    implementation (about 20 ms and 12 MB per process); its isFormData check recognises a native FormData by
//    its tag without that constructor, so the read is dropped. The build fails if the line is not found.
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const trimAxios = {
  name: 'trim-axios',
  setup(b) {
    // The ESM sources, so unused parts can be left out (the CommonJS dist is one indivisible file).
    b.onResolve({ filter: /^axios$/ }, () => ({ path: `${root}node_modules/axios/lib/axios.js` }));
    b.onResolve({ filter: /^\.\/(fetch|xhr)\.js$/ }, (args) => (args.importer.endsWith('/adapters/adapters.js') ? { path: args.path, namespace: 'unused-adapter' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'unused-adapter' }, () => ({
      contents: 'export const getFetch = () => false; export default false;',
      loader: 'js',
    }));
    b.onLoad({ filter: /axios\/lib\/utils\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const eager = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";
      if (!source.includes(eager)) throw new Error(`axios changed: "${eager}" is no longer in ${args.path}; review scripts/bundle.mjs`);
      return { contents: source.replace(eager, 'const FormDataCtor = undefined;'), loader: 'js' };
    });
    b.onResolve({ filter: /^form-data$/ }, () => ({ path: 'form-data', namespace: 'native-form-data' }));
    // A stand-in that reaches for Node's FormData only when a form is really built.
    b.onLoad({ filter: /.*/, namespace: 'native-form-data' }, () => ({
      contents: 'export default class FormData { constructor() { return new globalThis.FormData(); } }',
      loader: 'js',
    }));
  },
};

// Node modules that only rarely used code paths need (axios's HTTP/2 transport, commander's executable
// subcommands) are loaded on first use instead of at start-up.
const LAZY_BUILTINS = /^(node:)?(http2|child_process)$/;
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let m; const load = () => (m ??= require('node:${args.path}'));
module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Smaller code parses faster in every short-lived process; names are kept for readable errors.
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// The entry answers --version by itself and loads the program only for real work: two files.
await build({ ...common, entryPoints: [`${root}src/cli.ts`], outfile: `${root}dist/cli.js`, external: ['./cli-program'] });
await build({ ...common, entryPoints: [`${root}src/cli-program.ts`], outfile: `${root}dist/cli-program.js`, plugins: [trimAxios, lazyBuiltins] });
