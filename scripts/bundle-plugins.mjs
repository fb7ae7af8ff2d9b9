// The build's plugins: Node built-ins that a delivery does not need at start are loaded on first use, and a
// silent stand-in for the `debug` module. Kept apart from bundle.mjs so a test can bundle a probe with them.
import { createRequire } from 'node:module';

const requireBuiltin = createRequire(import.meta.url);

// Node modules that only rarely used code paths need (commander's executable subcommands) are loaded on first use
// instead of at start-up. The stand-in has a getter for each export the
// module has (read here, at build time), so default and named imports both work and load the module when read.
// Its own require of the module is left to Node: resolved by this plugin, it would be the stand-in itself.
// A delivery to an http:// Mattermost needs none of these at start: TLS and HTTPS only for https:// URLs, crypto
// only to verify a signature or write a dead letter, worker_threads for fflate's async API, fs/promises only for a
// payload file, dns/promises only for `check`.
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
      // A module that is a function (assert) stays callable; zlib's constants are numbers known at build time, and
      // its factories stand-ins until called, so a check of their presence loads nothing.
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

// The `debug` module (pulled in by the Redis client) looks at the terminal when loaded; the tool never turns it on,
// so it is a silent stand-in.
export const silentDebug = {
  name: 'silent-debug',
  setup(b) {
    b.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'silent-debug' }));
    b.onLoad({ filter: /.*/, namespace: 'silent-debug' }, () => ({
      contents: 'const off = () => { const log = () => {}; log.enabled = false; log.extend = () => log; log.log = log; return log; }; off.enable = () => {}; off.disable = () => ""; off.enabled = () => false; off.default = off; module.exports = off;',
      loader: 'js',
    }));
  },
};
