/**
 * Loads the compiled program with V8's code cache. Every delivery is a fresh process, and compiling the bundle and
 * each function it runs costs more than the work; the cache, made at build time by running real deliveries
 * (scripts/train-code-cache.ts), holds that compiled code. V8 checks only the source's length, so the cache names
 * the build it was made for, and the Node and V8 it was made by; a missing, stale or rejected cache means a plain
 * compile, silent unless MATTERMOST_INCIDENT_DEBUG is set.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Script } from 'node:vm';

/** The marker the build puts at the end of the bundle; the cache carries the same id. */
export const BUILD_MARK = '//# mattermost-incident-build=';

export interface CacheHeader {
  readonly build: string;
  readonly node: string;
  readonly v8: string;
  readonly arch: string;
}

export interface LoadedProgram<T> {
  readonly exports: T;
  readonly script: Script;
  /** What became of the cache: used, or why not. */
  readonly cache: 'used' | 'missing' | 'stale' | 'rejected';
  readonly build: string | undefined;
}

/** A bundle of dist/ and its cache: `cli-program` (everything), `redis-client` (the Redis library). */
export function programPaths(dir: string, name = 'cli-program'): { bundle: string; cache: string } {
  return { bundle: join(dir, `${name}.js`), cache: join(dir, `${name}.cache`) };
}

/** The header the cache for this build, made by this Node, has. */
export function headerFor(build: string): CacheHeader {
  return { build, node: process.version, v8: process.versions.v8, arch: process.arch };
}

/** The build id at the end of the bundle. */
export function buildOf(source: string): string | undefined {
  const at = source.lastIndexOf(BUILD_MARK);
  return at < 0 ? undefined : source.slice(at + BUILD_MARK.length).trim();
}

/**
 * Compiles and runs the bundle as CommonJS, with the code cache when it fits. `requireHere` resolves from `dir`
 * (the entry beside the bundle passes its own, which spares loading Node's `module` for createRequire).
 */
export function loadProgram<T>(dir: string, requireHere: NodeJS.Require, debug?: (line: string) => void, name = 'cli-program'): LoadedProgram<T> {
  const paths = programPaths(dir, name);
  const source = readFileSync(paths.bundle, 'utf8');
  const build = buildOf(source);
  let cachedData: Buffer | undefined;
  let cache: LoadedProgram<T>['cache'] = 'missing';
  try {
    const raw = readFileSync(paths.cache);
    const end = raw.indexOf(10);
    const header = JSON.parse(raw.subarray(0, end).toString('utf8')) as CacheHeader;
    const wanted = headerFor(build ?? '');
    if (build && header.build === wanted.build && header.node === wanted.node && header.v8 === wanted.v8 && header.arch === wanted.arch) cachedData = raw.subarray(end + 1);
    else cache = 'stale';
  } catch {
    // No cache (a build without the training step) or an unreadable one: compile plainly.
  }
  const { Script } = require('node:vm') as typeof import('node:vm');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: paths.bundle, cachedData });
  if (cachedData) cache = script.cachedDataRejected ? 'rejected' : 'used';
  if (cache !== 'used') debug?.(`code cache ${cache} (${paths.cache}): compiling ${paths.bundle} without it`);
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, requireHere, module, paths.bundle, dirname(paths.bundle));
  return { exports: module.exports, script, cache, build };
}
