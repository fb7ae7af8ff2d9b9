/**
 * For the demo on a machine without the webhook daemon: a stand-in that serves the hooks of a hooks.json (as made
 * from hooks.json.sample) the way the daemon does for those hooks: POST only, the arguments, environment and body
 * file they name, stdout and stderr joined, 200 or 500. The tests use the real daemon.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

interface Hook {
  id: string;
  'execute-command': string;
  'command-working-directory': string;
  'pass-arguments-to-command'?: { source: string; name?: string }[];
  'pass-environment-to-command'?: { source: string; name: string; envname: string }[];
  'pass-file-to-command'?: { source: string; envname: string }[];
  'response-headers'?: { name: string; value: string }[];
}

export interface HookRunner {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startHookRunner(hooksFile: string, port = 0): Promise<HookRunner> {
  const hooks = JSON.parse(readFileSync(hooksFile, 'utf8')) as Hook[];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const hook = hooks.find((h) => `/hooks/${h.id}` === (req.url ?? '').split('?')[0]);
      if (!hook) return void res.writeHead(404).end('Hook not found.');
      if (req.method !== 'POST') return void res.writeHead(405).end();
      const body = Buffer.concat(chunks).toString('utf8');
      const args = (hook['pass-arguments-to-command'] ?? []).map((a) => (a.source === 'string' ? (a.name ?? '') : body));
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
      for (const e of hook['pass-environment-to-command'] ?? []) {
        const value = req.headers[e.name.toLowerCase()];
        if (typeof value === 'string') env[e.envname] = value;
      }
      const files: string[] = [];
      for (const f of hook['pass-file-to-command'] ?? []) {
        const path = join(hook['command-working-directory'], `${f.envname}${randomBytes(6).toString('hex')}`);
        writeFileSync(path, body, { mode: 0o600 });
        files.push(path);
        env[f.envname] = path;
      }
      const child = spawn(hook['execute-command'], args, { cwd: hook['command-working-directory'], env });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (code) => {
        for (const path of files) rmSync(path, { force: true });
        const headers = Object.fromEntries((hook['response-headers'] ?? []).map((h) => [h.name, h.value]));
        res.writeHead(code === 0 ? 200 : 500, headers).end(output);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
