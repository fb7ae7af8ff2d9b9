import { startWorld, testData, BIN } from './helpers/world';
import { spawn } from 'node:child_process';
(async () => {
  const w = await startWorld();
  await w.run([testData('incident.trigger.json')]);
  const body2 = testData('incident.trigger.json').split('PT4KHLK').join('PX2').replace(/"id": "([0-9a-f-]{36})"/, `"id": "$1-x"`);
  await new Promise((r) => { const c = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--cpu-prof-interval', '100', BIN, body2], { cwd: w.dir, stdio: 'inherit' }); c.on('close', r); });
  await w.close();
})();
