/** Small HTTP servers on 127.0.0.1 that answer the way a wrong URL answers: an HTML page, a redirect, silence. */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly requests: { method: string; url: string; authorization?: string }[];
  close(): Promise<void>;
}

export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A web app or a proxy's login page: 200, HTML, for every path. */
export const htmlPage = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><html><head><title>Sign in</title></head><body>Please sign in</body></html>');
};

/** Redirects every request to the same path at `target`. */
export const redirectTo = (target: string) => (req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(301, { Location: `${target}${req.url}` });
  res.end();
};

/** Accepts the request and never answers. */
export const silence = () => undefined;
