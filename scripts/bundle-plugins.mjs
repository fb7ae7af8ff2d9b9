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
    // The tool brings its own transport (src/clients/node-transport.ts): axios's adapters, the Node one with its
    // proxy agent, redirects and decompression included, are left out.
    b.onResolve({ filter: /^\.\/(fetch|xhr|http)\.js$/ }, (args) => (args.importer.endsWith('/adapters/adapters.js') ? { path: args.path, namespace: 'unused-adapter' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'unused-adapter' }, () => ({
      contents: 'export const getFetch = () => false; export default null;',
      loader: 'js',
    }));
    b.onLoad({ filter: /axios\/lib\/utils\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const eager = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";
      if (!source.includes(eager)) throw new Error(`axios changed: "${eager}" is no longer in ${args.path}; review scripts/bundle.mjs`);
      return { contents: source.replace(eager, 'const FormDataCtor = undefined;'), loader: 'js' };
    });
    // Timing an adapter's run reads globalThis.performance, which loads perf_hooks; the wall clock does for a
    // process that lives a second.
    b.onLoad({ filter: /axios\/lib\/core\/dispatchRequest\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const clock = 'return typeof performance !== \'undefined\' && utils.isFunction(performance.now)';
      if (!source.includes(clock)) throw new Error(`axios changed: "${clock}" is no longer in ${args.path}; review scripts/bundle-plugins.mjs`);
      return { contents: source.replace(clock, 'return false'), loader: 'js' };
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
// A delivery to an http:// Mattermost needs none of these at start: TLS and HTTPS only for https:// URLs, crypto
// only to verify a signature or write a dead letter, zlib only for a compressed answer, assert and net/tls for
// axios's proxy agent, worker_threads for fflate's async API, fs/promises only for a payload file.
export const LAZY_BUILTINS = /^(node:)?(http2|child_process|https|tls|crypto|zlib|assert|tty|os|fs\/promises|worker_threads|dns\/promises|perf_hooks)$/;
export const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (args) => {
      const name = args.path.replace(/^node:/, '');
      return args.namespace === 'lazy-builtin' ? { path: `node:${name}`, external: true } : { path: name, namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const real = requireBuiltin(`node:${args.path}`);
      const names = Object.keys(real).filter((n) => n !== 'default');
      // A module that is a function (assert) stays callable; zlib's constants, read by axios when it loads, are
      // numbers known at build time; zlib's factories, whose presence axios checks, are stand-ins until called.
      const callable = typeof real === 'function';
      const constants = args.path === 'zlib' ? JSON.stringify(real.constants) : undefined;
      const factories = args.path === 'zlib' ? JSON.stringify(names.filter((n) => /^create/.test(n))) : '[]';
      return {
        contents: `let m;
const load = () => (m ??= require('node:${args.path}'));
${callable ? 'module.exports = function (...args) { return new.target ? Reflect.construct(load(), args, new.target) : load().apply(this, args); };' : ''}
const factories = new Set(${factories});
for (const key of ${JSON.stringify(names)}) {
  if (factories.has(key)) module.exports[key] = (...args) => load()[key](...args);
  else Object.defineProperty(module.exports, key, { enumerable: true, configurable: true, get: () => load()[key] });
}
${constants ? `Object.defineProperty(module.exports, 'constants', { enumerable: true, value: Object.freeze(${constants}) });` : ''}`,
        loader: 'js',
      };
    });
  },
};

// The `debug` module (pulled in by axios's proxy agent) looks at the terminal when loaded; the tool never turns it
// on, so it is a silent stand-in.
export const silentDebug = {
  name: 'silent-debug',
  setup(b) {
    b.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'silent-debug' }));
    b.onLoad({ filter: /.*/, namespace: 'silent-debug' }, () => ({
      contents: 'const off = () => { const log = () => {}; log.enabled = false; log.extend = () => log; log.log = log; return log; }; off.enable = () => {}; off.disable = () => ""; off.enabled = () => false; module.exports = off;',
      loader: 'js',
    }));
  },
};
