/**
 * A fake Jira on 127.0.0.1: Cloud (`/rest/api/3`, Basic e-mail:API token, descriptions in Atlassian Document
 * Format) or Data Center (`/rest/api/2`, a personal access token as Bearer, descriptions as text, an optional
 * context path). Shapes from Atlassian's OpenAPI and examples (../shared/docs/chatops.md §5,
 * ../shared/chatops-samples/jira/).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIssue {
  id: string;
  key: string;
  fields: { project: { key: string }; issuetype: { name: string }; summary: string; description: unknown; labels: string[] };
}

export class FakeJira {
  readonly issues: FakeIssue[] = [];
  readonly requests: { method: string; path: string; authorization?: string }[] = [];
  readonly projects = new Map<string, { name: string; issueTypes: string[] }>();
  down = false;
  url = '';
  private server?: Server;

  constructor(
    readonly flavour: 'cloud' | 'data-center',
    readonly credentials: { email?: string; token: string },
    readonly contextPath = '',
  ) {
    this.projects.set('OPS', { name: 'Operations', issueTypes: ['Task', 'Bug', 'Incident'] });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
        if (this.down) return void req.socket.destroy();
        const [status, body] = this.route(req.method ?? 'GET', new URL(req.url ?? '/', 'http://fake').pathname, req.headers.authorization, Buffer.concat(chunks).toString('utf8'));
        res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.contextPath}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private route(method: string, path: string, authorization: string | undefined, text: string): [number, unknown] {
    const version = this.flavour === 'cloud' ? 3 : 2;
    const expected = this.flavour === 'cloud' ? `Basic ${Buffer.from(`${this.credentials.email}:${this.credentials.token}`).toString('base64')}` : `Bearer ${this.credentials.token}`;
    if (authorization !== expected) return [401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} }];
    const api = `${this.contextPath}/rest/api/${version}`;
    const project = new RegExp(`^${api}/project/([^/]+)$`).exec(path);
    if (method === 'GET' && project) {
      const key = decodeURIComponent(project[1]);
      const found = this.projects.get(key);
      if (!found) return [404, { errorMessages: [`No project could be found with key '${key}'.`], errors: {} }];
      return [200, { key, name: found.name, issueTypes: found.issueTypes.map((name, i) => ({ id: String(10000 + i), name })) }];
    }
    if (method === 'POST' && path === `${api}/issue`) {
      const fields = (JSON.parse(text) as { fields?: FakeIssue['fields'] }).fields;
      const found = fields && this.projects.get(fields.project?.key);
      if (!fields || !found) return [400, { errorMessages: [], errors: { project: 'valid project is required' } }];
      if (!found.issueTypes.includes(fields.issuetype?.name)) return [400, { errorMessages: [], errors: { issuetype: 'The issue type selected is invalid.' } }];
      if (!fields.summary || fields.summary.length > 255) return [400, { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } }];
      if (this.flavour === 'cloud' ? !isAdf(fields.description) : typeof fields.description !== 'string') {
        return [400, { errorMessages: [], errors: { description: this.flavour === 'cloud' ? 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' : 'Operation value must be a string' } }];
      }
      for (const label of fields.labels ?? []) if (/\s/.test(label)) return [400, { errorMessages: [], errors: { labels: `The label '${label}' contains spaces which is invalid.` } }];
      const id = String(10000 + this.issues.length);
      const key = `${fields.project.key}-${this.issues.length + 1}`;
      this.issues.push({ id, key, fields });
      return [201, { id, key, self: `${this.url}/rest/api/${version}/issue/${id}` }];
    }
    return [404, { errorMessages: ['Not found'], errors: {} }];
  }
}

function isAdf(value: unknown): boolean {
  const doc = value as { type?: unknown; version?: unknown; content?: unknown } | null;
  return !!doc && doc.type === 'doc' && doc.version === 1 && Array.isArray(doc.content);
}
