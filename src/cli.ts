/**
 * The process entry: the only code that reads process.argv and process.env and sets the exit code. It answers
 * `--version` itself, so that call loads nothing else; everything else is in cli-program, loaded with its code
 * cache.
 */
import type { CliIo } from './cli-program';
import { loadProgram } from './code-cache';

const VERSION: string = require('../package.json').version;

export function run(): void {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  // A reader that went away (a closed pipe) is not an error worth a stack trace: stop writing, keep the exit code.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', (error: NodeJS.ErrnoException) => void (error.code === 'EPIPE' || process.emitWarning(error)));
  // An action's answer is one JSON document, and the daemon would glue a Node warning into it.
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === 'action' || first === 'command') {
    process.removeAllListeners('warning');
    process.on('warning', () => undefined);
  }
  const io: CliIo = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t), cwd: process.cwd() };
  // The program beside this file in dist/, compiled with its code cache.
  const debug = process.env.MATTERMOST_INCIDENT_DEBUG ? (line: string) => void process.stderr.write(`debug: ${line}\n`) : undefined;
  const { main } = loadProgram<typeof import('./cli-program')>(__dirname, require, debug).exports;
  const finish = (code: number) => {
    process.exitCode = code;
    // Work given up at the deadline may still hold a socket open: it must not keep the process, and so the sender, waiting.
    setTimeout(() => process.exit(code), 200).unref();
  };
  main(argv, process.env, io).then(finish, (error: unknown) => {
    process.stderr.write(`mattermost-incident: error: ${error instanceof Error ? error.message : String(error)}\n`);
    finish(1);
  });
}
