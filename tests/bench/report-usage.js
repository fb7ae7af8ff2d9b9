// Preloaded into each measured process (node -r): at exit, appends its CPU time and peak RSS to the file
// named by BENCH_USAGE_FILE, so the benchmark sees the child's own figures.
'use strict';
const { appendFileSync } = require('node:fs');
const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    appendFileSync(file, `${JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS })}\n`);
  });
}
