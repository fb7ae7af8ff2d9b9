// The build's plugins: axios trimmed for a short-lived process, and rarely used Node built-ins loaded on first use.
// Kept apart from bundle.mjs so a test can bundle a probe with them.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const requireBuiltin = createRequire(import.meta.url);

export const trimAxios = {
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
// subcommands) are loaded on first use instead of at start-up. The stand-in has a getter for each export the
// module has (read here, at build time), so default and named imports both work and load the module when read.
// Its own require of the module is left to Node: resolved by this plugin, it would be the stand-in itself.
export const LAZY_BUILTINS = /^(node:)?(http2|child_process)$/;
export const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (args) => {
      const name = args.path.replace(/^node:/, '');
      return args.namespace === 'lazy-builtin' ? { path: `node:${name}`, external: true } : { path: name, namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const names = Object.keys(requireBuiltin(`node:${args.path}`));
      return {
        contents: `let m;
const load = () => (m ??= require('node:${args.path}'));
for (const key of ${JSON.stringify(names)}) Object.defineProperty(module.exports, key, { enumerable: true, get: () => load()[key] });`,
        loader: 'js',
      };
    });
  },
};
