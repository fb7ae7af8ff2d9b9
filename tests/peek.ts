import { startWorld, testData, BIN } from './helpers/world';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
function measure(args: string[], cwd: string): Promise<{wall:number,cpu:number,rss:number}> {
  const file = '/tmp/pk-usage.jsonl'; rmSync(file, { force: true });
  return new Promise((resolve) => { const t = process.hrtime.bigint(); const c = spawn(process.execPath, ['-r', '/work/main/tests/bench/report-usage.js', ...args], { cwd, env: { PATH: process.env.PATH, BENCH_USAGE_FILE: file }, stdio: 'ignore' });
    c.on('close', () => { const w = Number(process.hrtime.bigint() - t) / 1e6; const u = JSON.parse(readFileSync(file, 'utf8').trim()); resolve({ wall: w, cpu: u.cpuMs, rss: u.maxRssKb }); }); });
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
(async () => {
  const w = await startWorld();
  await w.run([testData('incident.trigger.json')]);
  const s: Record<string, {wall:number,cpu:number,rss:number}[]> = { node: [], del: [], ver: [] };
  for (let i = 0; i < 11; i++) {
    s.node.push(await measure(['-e', '0'], w.dir));
    const id = `PX${i}`;
    s.del.push(await measure([BIN, testData('incident.trigger.json').split('PT4KHLK').join(id).replace(/"id": "([0-9a-f-]{36})"/, `"id": "$1-${id}"`)], w.dir));
    s.ver.push(await measure([BIN, '--version'], w.dir));
  }
  for (const [k, v] of Object.entries(s)) console.log(k, 'wall', med(v.map(x => x.wall)).toFixed(1), 'cpu', med(v.map(x => x.cpu)).toFixed(1), 'rss', med(v.map(x => x.rss)));
  await w.close();
})();
