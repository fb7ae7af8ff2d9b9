/**
 * A fake of PagerDuty's REST API on 127.0.0.1, held to what PagerDuty documents (../shared/docs/chatops.md §4,
 * pagerduty-webhooks.md): `Authorization: Token token=…`; writes need a `From` header naming a PagerDuty user's
 * e-mail (400 without it); a read-only key is refused writes (403, 2010). Like PagerDuty, every change it makes
 * is sent as a V3 webhook to the subscription (`webhook`), signed when a secret is set, after the API has
 * answered.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePdUser {
  id: string;
  name: string;
  email: string;
}

export interface FakePdIncident {
  id: string;
  number: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: string;
  created_at: string;
  service: { id: string; summary: string };
  escalation_policy: { id: string; summary: string };
  escalation_level: number;
  assignees: string[];
  acknowledgers: string[];
  priority?: string;
}

export interface FakePdPolicy {
  id: string;
  summary: string;
  /** Per level, the users (ids) on it. */
  levels: string[][];
}

export interface PdRequest {
  method: string;
  path: string;
  authorization?: string;
  from?: string;
  body?: unknown;
}

/** Where PagerDuty's webhooks go: a test POSTs them to the daemon or runs the tool. */
export type WebhookSink = (body: string, headers: Record<string, string>) => Promise<void>;

/** Who triggers incidents: the service whose alert it was. */
const incidentService = 'PSVC001';

class PdError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors: string[] = [],
  ) {
    super(message);
  }
}

export class FakePagerDuty {
  readonly users = new Map<string, FakePdUser>();
  readonly incidents = new Map<string, FakePdIncident>();
  readonly policies = new Map<string, FakePdPolicy>();
  readonly requests: PdRequest[] = [];
  readonly notes: { incident: string; user: string; content: string }[] = [];
  readonly statusUpdates: { incident: string; user: string; message: string }[] = [];
  readonly responderRequests: { incident: string; requester: string; targets: string[]; message: string }[] = [];
  /** Webhooks sent, in order. */
  readonly sent: { event_type: string; body: string }[] = [];
  /** When set, every request is dropped without an answer, as during an outage. */
  down = false;
  /** Added to every answer, to model a far-away PagerDuty. */
  latencyMs = 0;
  /** An account without the coordinated_responding ability answers 402 to responder requests. */
  coordinatedResponding = true;
  webhook?: WebhookSink;
  webhookSecret?: string;
  url = '';
  private server?: Server;
  private readonly pending = new Set<Promise<void>>();
  private clock = Date.now();

  constructor(
    readonly token: string,
    readonly readOnlyToken?: string,
  ) {}

  addUser(id: string, name: string, email: string): FakePdUser {
    const user = { id, name, email };
    this.users.set(id, user);
    return user;
  }

  addPolicy(policy: FakePdPolicy): void {
    this.policies.set(policy.id, policy);
  }

  addIncident(incident: Partial<FakePdIncident> & Pick<FakePdIncident, 'id' | 'title'>): FakePdIncident {
    const full: FakePdIncident = {
      number: 1042,
      status: 'triggered',
      urgency: 'high',
      created_at: new Date(this.now()).toISOString(),
      service: { id: 'PSVC001', summary: 'Checkout API' },
      escalation_policy: { id: 'PEPOL01', summary: 'Checkout on-call' },
      escalation_level: 1,
      assignees: [],
      acknowledgers: [],
      ...incident,
    };
    this.incidents.set(full.id, full);
    return full;
  }

  /** A new incident, as an alert triggers it: PagerDuty sends `incident.triggered`. */
  trigger(incident: Partial<FakePdIncident> & Pick<FakePdIncident, 'id' | 'title'>, agent?: FakePdUser): FakePdIncident {
    const made = this.addIncident(incident);
    this.emitIncident('incident.triggered', made, agent);
    return made;
  }

  /** Waits until every webhook sent so far has been delivered. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await this.settled().catch(() => undefined);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private now(): number {
    this.clock = Math.max(this.clock + 1000, Date.now());
    return this.clock;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = text ? (JSON.parse(text) as Record<string, any>) : undefined;
    const from = typeof req.headers.from === 'string' ? req.headers.from : undefined;
    this.requests.push({ method: req.method ?? 'GET', path: req.url ?? '', authorization: req.headers.authorization, from, body });
    if (this.down) return void req.socket.destroy();
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const json = (status: number, answer: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer));
    };
    try {
      const key = req.headers.authorization;
      const full = key === `Token token=${this.token}`;
      if (!full && key !== `Token token=${this.readOnlyToken}`) throw new PdError(401, 2006, 'Authentication failed');
      if (req.method !== 'GET' && !full) throw new PdError(403, 2010, 'Access Denied', ['The API key is read-only']);
      json(...this.route(req.method ?? 'GET', url, body, from));
    } catch (error) {
      if (!(error instanceof PdError)) throw error;
      json(error.status, { error: { message: error.message, code: error.code, errors: error.errors } });
    }
  }

  private route(method: string, url: URL, body: Record<string, any> | undefined, from: string | undefined): [number, unknown] {
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/users\/([^/]+)$/.exec(path))) {
      const user = this.users.get(decodeURIComponent(m[1]));
      if (!user) throw new PdError(404, 2100, 'Not Found');
      return [200, { user: this.userOut(user) }];
    }
    if (method === 'GET' && path === '/users') {
      // `query` matches names and e-mails, loosely (chatops.md §4.3).
      const query = (url.searchParams.get('query') ?? '').toLowerCase();
      return [200, { users: [...this.users.values()].filter((u) => u.name.toLowerCase().includes(query) || u.email.toLowerCase().includes(query)).map((u) => this.userOut(u)), limit: 25, offset: 0, more: false }];
    }
    if (method === 'GET' && (m = /^\/escalation_policies\/([^/]+)$/.exec(path))) {
      const policy = this.policies.get(decodeURIComponent(m[1]));
      if (!policy) throw new PdError(404, 2100, 'Not Found');
      return [200, { escalation_policy: { id: policy.id, type: 'escalation_policy', summary: policy.summary, escalation_rules: policy.levels.map((ids, i) => ({ id: `PRULE${i}`, escalation_delay_in_minutes: 30, targets: ids.map((id) => this.ref(id)) })) } }];
    }
    if (method === 'GET' && path === '/oncalls') {
      const ids = url.searchParams.getAll('escalation_policy_ids[]');
      const oncalls = ids.flatMap((id) => (this.policies.get(id)?.levels ?? []).flatMap((users, i) => users.map((user) => ({ escalation_level: i + 1, user: this.ref(user), escalation_policy: { id } }))));
      return [200, { oncalls, limit: 100, offset: 0, more: false }];
    }
    if ((m = /^\/incidents\/([^/]+)(\/[a-z_]+)?$/.exec(path))) {
      const incident = this.incidents.get(decodeURIComponent(m[1]));
      if (!incident) throw new PdError(404, 2100, 'Not Found');
      const sub = m[2];
      if (method === 'GET' && !sub) return [200, { incident: this.incidentOut(incident) }];
      const agent = this.requester(from);
      if (method === 'PUT' && !sub) return [200, { incident: this.incidentOut(this.update(incident, body?.incident ?? {}, agent)) }];
      if (method === 'POST' && sub === '/notes') {
        const content = String(body?.note?.content ?? '');
        if (!content) throw new PdError(400, 2001, 'Invalid Input Provided', ['Content cannot be empty.']);
        this.notes.push({ incident: incident.id, user: agent.id, content });
        const note = { id: `PNOTE${this.notes.length}`, type: 'incident_note', content, trimmed: false, incident: this.incidentRef(incident) };
        this.emit('incident.annotated', note, agent);
        return [201, { note: { id: note.id, user: this.ref(agent.id), content, created_at: new Date(this.now()).toISOString() } }];
      }
      if (method === 'POST' && sub === '/status_updates') {
        const message = String(body?.message ?? '');
        if (!message) throw new PdError(400, 2001, 'Invalid Input Provided', ['Message cannot be empty.']);
        this.statusUpdates.push({ incident: incident.id, user: agent.id, message });
        this.emit('incident.status_update_published', { id: `PSTAT${this.statusUpdates.length}`, type: 'incident_status_update', message, trimmed: false, incident: this.incidentRef(incident) }, agent);
        return [200, { status_update: { id: `PSTAT${this.statusUpdates.length}`, message, sender: this.ref(agent.id) } }];
      }
      if (method === 'POST' && sub === '/responder_requests') {
        if (!this.coordinatedResponding) throw new PdError(402, 2014, 'Missing Account Ability', ['coordinated_responding']);
        const targets = ((body?.responder_request_targets ?? []) as { responder_request_target: { id: string } }[]).map((t) => t.responder_request_target.id);
        if (!this.users.has(String(body?.requester_id))) throw new PdError(400, 1008, 'Requester User Not Found');
        this.responderRequests.push({ incident: incident.id, requester: String(body?.requester_id), targets, message: String(body?.message ?? '') });
        for (const target of targets) {
          this.emit('incident.responder.added', { type: 'incident_responder', incident: this.incidentRef(incident), user: this.ref(target), escalation_policy: null, message: body?.message ?? '', state: 'pending' }, agent);
        }
        return [200, { responder_request: { incident: this.incidentRef(incident), requester: this.ref(agent.id), message: body?.message, responder_request_targets: body?.responder_request_targets } }];
      }
    }
    throw new PdError(404, 2100, 'Not Found');
  }

  /** `From` must name a user of the account by e-mail (chatops.md §4.1; 400 without, as with an account key). */
  private requester(from: string | undefined): FakePdUser {
    if (!from) throw new PdError(400, 2001, 'Invalid Input Provided', ['You must specify a user\'s email address in the "From" header to perform this action']);
    const user = [...this.users.values()].find((u) => u.email.toLowerCase() === from.toLowerCase());
    if (!user) throw new PdError(400, 1008, 'Requester User Not Found');
    return user;
  }

  private update(incident: FakePdIncident, change: Record<string, any>, agent: FakePdUser): FakePdIncident {
    if (change.type !== 'incident_reference' && change.type !== 'incident') throw new PdError(400, 2001, 'Invalid Input Provided', ['Type must be incident or incident_reference']);
    if (change.status !== undefined) {
      if (!['triggered', 'acknowledged', 'resolved'].includes(change.status)) throw new PdError(400, 2001, 'Invalid Input Provided', ['Status must be a list of triggered, acknowledged, or resolved.']);
      if (change.status !== incident.status) {
        // Since 2025-09-18, triggered or acknowledged on a resolved incident reopens it (chatops.md §4.2).
        if (incident.status === 'resolved') this.emitIncident('incident.reopened', incident, agent, 'triggered');
        incident.status = change.status;
        if (change.status === 'acknowledged') incident.acknowledgers = [agent.id];
        if (change.status === 'triggered') incident.acknowledgers = [];
        this.emitIncident(change.status === 'acknowledged' ? 'incident.acknowledged' : change.status === 'resolved' ? 'incident.resolved' : 'incident.unacknowledged', incident, agent);
      }
    }
    if (change.escalation_level !== undefined) {
      const levels = this.policies.get(incident.escalation_policy.id)?.levels ?? [];
      const level = Number(change.escalation_level);
      if (!Number.isInteger(level) || level < 1 || level > levels.length) throw new PdError(400, 1006, 'Cannot Escalate', [`Escalation level must be between 1 and ${levels.length}`]);
      incident.escalation_level = level;
      incident.assignees = levels[level - 1];
      incident.status = 'triggered';
      this.emitIncident('incident.escalated', incident, agent);
    }
    return incident;
  }

  private userOut(user: FakePdUser) {
    return { ...user, type: 'user', summary: user.name, self: `https://api.pagerduty.com/users/${user.id}`, html_url: `https://acme.pagerduty.com/users/${user.id}` };
  }

  private ref(id: string) {
    return { id, type: 'user_reference', summary: this.users.get(id)?.name ?? id, self: `https://api.pagerduty.com/users/${id}`, html_url: `https://acme.pagerduty.com/users/${id}` };
  }

  private incidentRef(incident: FakePdIncident) {
    return { id: incident.id, type: 'incident_reference', self: `https://api.pagerduty.com/incidents/${incident.id}`, html_url: `https://acme.pagerduty.com/incidents/${incident.id}`, summary: incident.title };
  }

  private incidentOut(incident: FakePdIncident) {
    return {
      id: incident.id,
      type: 'incident',
      self: `https://api.pagerduty.com/incidents/${incident.id}`,
      html_url: `https://acme.pagerduty.com/incidents/${incident.id}`,
      incident_number: incident.number,
      number: incident.number,
      title: incident.title,
      status: incident.status,
      urgency: incident.urgency,
      created_at: incident.created_at,
      service: { ...incident.service, type: 'service_reference', html_url: `https://acme.pagerduty.com/services/${incident.service.id}` },
      escalation_policy: { ...incident.escalation_policy, type: 'escalation_policy_reference' },
      assignments: incident.assignees.map((id) => ({ assignee: this.ref(id) })),
      acknowledgements: incident.acknowledgers.map((id) => ({ acknowledger: this.ref(id) })),
      priority: incident.priority ? { id: 'PPRIO1', type: 'priority_reference', summary: incident.priority } : null,
    };
  }

  private emitIncident(eventType: string, incident: FakePdIncident, agent: FakePdUser | undefined, status = incident.status): void {
    const { assignments: _a, acknowledgements: _k, incident_number: _n, ...data } = this.incidentOut(incident);
    this.emit(eventType, { ...data, status, assignees: incident.assignees.map((id) => this.ref(id)), teams: [], conference_bridge: null, resolve_reason: null, incident_key: incident.id.toLowerCase(), reopened_at: null }, agent);
  }

  /** A V3 webhook, sent after the API's answer, as PagerDuty does. */
  private emit(eventType: string, data: unknown, agent: FakePdUser | undefined): void {
    const by = agent ? this.ref(agent.id) : { id: incidentService, type: 'service_reference', summary: 'Checkout API' };
    const body = JSON.stringify({ event: { id: randomBytes(13).toString('hex'), event_type: eventType, resource_type: 'incident', occurred_at: new Date(this.now()).toISOString(), agent: by, client: null, data } });
    this.sent.push({ event_type: eventType, body });
    const sink = this.webhook;
    if (!sink) return;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Webhook-Id': randomBytes(8).toString('hex') };
    if (this.webhookSecret) headers['X-PagerDuty-Signature'] = `v1=${createHmac('sha256', this.webhookSecret).update(body).digest('hex')}`;
    // In order, one after the other, a moment after the answer: a later change never overtakes an earlier one.
    const previous = [...this.pending].at(-1) ?? Promise.resolve();
    const delivery = previous.then(() => new Promise<void>((r) => setTimeout(r, 20))).then(() => sink(body, headers)).catch(() => undefined);
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }
}
