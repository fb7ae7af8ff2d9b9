/** A fake of Alertmanager's API v2 silences (`POST /api/v2/silences` → `{silenceID}`), on 127.0.0.1. */
import { randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSilence {
  id: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export class FakeAlertmanager {
  readonly silences: FakeSilence[] = [];
  url = '';
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.method !== 'POST' || req.url !== '/api/v2/silences') return send(404, 'not found');
        const silence = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<FakeSilence, 'id'>;
        // The API refuses a silence without matchers, creator or comment, or one that ends before it starts.
        if (!Array.isArray(silence.matchers) || silence.matchers.length === 0) return send(400, 'silence invalid: at least one matcher required');
        if (!silence.createdBy || !silence.comment) return send(400, 'silence invalid: creator information and comment required');
        if (Date.parse(silence.endsAt) <= Date.parse(silence.startsAt)) return send(400, 'silence invalid: end time must not be before start time');
        const id = randomUUID();
        this.silences.push({ ...silence, id });
        send(200, { silenceID: id });
      });
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
