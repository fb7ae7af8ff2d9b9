/** A fake of PagerDuty's REST API on 127.0.0.1: `GET /users/{id}` with `Authorization: Token token=…`. */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export class FakePagerDuty {
  readonly users = new Map<string, { id: string; name: string; email: string }>();
  readonly requests: { path: string; authorization?: string }[] = [];
  /** When set, every request is dropped without an answer, as during an outage. */
  down = false;
  url = '';
  private server?: Server;

  constructor(readonly token: string) {}

  addUser(id: string, name: string, email: string): void {
    this.users.set(id, { id, name, email });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
      if (this.down) return void req.socket.destroy();
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Token token=${this.token}`) return json(401, { error: { message: 'Unauthorized', code: 2006 } });
      const m = /^\/users\/([^/?]+)/.exec(req.url ?? '');
      if (req.method !== 'GET' || !m) return json(404, { error: { message: 'Not Found', code: 2100 } });
      const user = this.users.get(decodeURIComponent(m[1]));
      if (!user) return json(404, { error: { message: 'Not Found', code: 2100 } });
      json(200, { user: { ...user, type: 'user', summary: user.name, self: `https://api.pagerduty.com/users/${user.id}` } });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
