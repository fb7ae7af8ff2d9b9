/** The build's lazy built-ins: a module stands in until first use, then works for default, named and CommonJS imports. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/world';

test('a stubbed module loads on its first use, and every way of importing it works', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-bundle-'));
  try {
    const out = join(dir, 'probe.js');
    const probe = [
      "import http2, { constants } from 'http2';",
      "const loaded = () => process.moduleLoadList.some((m) => m === 'NativeModule http2');",
      'const before = loaded();',
      "const cp = require('node:child_process');",
      'console.log(JSON.stringify({ before, named: typeof constants.HTTP2_HEADER_PATH, viaDefault: typeof http2.connect, cjs: typeof cp.spawn, after: loaded() }));',
    ].join('\n');
    const build = `import { build } from 'esbuild'; import { lazyBuiltins } from './scripts/bundle-plugins.mjs';
await build({ stdin: { contents: ${JSON.stringify(probe)}, resolveDir: ${JSON.stringify(ROOT)}, loader: 'js' }, bundle: true, platform: 'node', format: 'cjs', outfile: ${JSON.stringify(out)}, plugins: [lazyBuiltins], logLevel: 'error' });`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', build], { cwd: ROOT });
    const { stdout } = await promisify(execFile)(process.execPath, [out]);
    assert.deepEqual(JSON.parse(stdout), { before: false, named: 'string', viaDefault: 'function', cjs: 'function', after: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
