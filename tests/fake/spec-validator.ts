/**
 * Checks requests against the official Mattermost OpenAPI spec (../shared/mattermost-openapi). Strict on
 * purpose: a path, method, query parameter or body field the spec does not list is a violation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Schema = Record<string, any>;

export interface Operation {
  readonly method: string;
  readonly template: string;
  readonly operationId: string;
  readonly spec: Schema;
  readonly pattern: RegExp;
  readonly params: string[];
  readonly literalSegments: number;
}

export const SPEC_DIR = join(__dirname, '..', '..', '..', 'shared', 'mattermost-openapi');

// Operations the tool uses that the incident subset leaves out; taken from the full bundled spec.
const FROM_FULL_SPEC = ['/api/v4/users/login', '/api/v4/users/email/{email}'];

/** Matches a request to an operation; the template with the most literal segments wins. */
export class RouteTable {
  readonly operations: Operation[] = [];

  add(method: string, template: string, operationId: string, spec: Schema = {}): void {
    const params: string[] = [];
    const source = template.replace(/[.]/g, '\\.').replace(/\{([^}]+)\}/g, (_, name: string) => {
      params.push(name);
      return '([^/]+)';
    });
    this.operations.push({
      method: method.toUpperCase(),
      template,
      operationId,
      spec,
      pattern: new RegExp(`^${source}$`),
      params,
      literalSegments: template.split('/').filter((seg) => seg && !seg.startsWith('{')).length,
    });
  }

  match(method: string, path: string): { op: Operation; params: Record<string, string> } | undefined {
    let best: { op: Operation; params: Record<string, string> } | undefined;
    for (const op of this.operations) {
      if (op.method !== method) continue;
      const m = op.pattern.exec(path);
      if (!m) continue;
      if (best && best.op.literalSegments >= op.literalSegments) continue;
      const params: Record<string, string> = {};
      op.params.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
      best = { op, params };
    }
    return best;
  }
}

/** The operations the fake implements, for routing when the spec is not at hand (the demo on a fresh clone). */
export const IMPLEMENTED: readonly [string, string, string][] = [
  ['POST', '/api/v4/users/login', 'Login'],
  ['GET', '/api/v4/users/{user_id}', 'GetUser'],
  ['GET', '/api/v4/users/username/{username}', 'GetUserByUsername'],
  ['GET', '/api/v4/users/email/{email}', 'GetUserByEmail'],
  ['POST', '/api/v4/users/usernames', 'GetUsersByUsernames'],
  ['POST', '/api/v4/users/ids', 'GetUsersByIds'],
  ['GET', '/api/v4/teams/name/{name}', 'GetTeamByName'],
  ['POST', '/api/v4/teams/{team_id}/members', 'AddTeamMember'],
  ['POST', '/api/v4/channels', 'CreateChannel'],
  ['GET', '/api/v4/channels/{channel_id}', 'GetChannel'],
  ['DELETE', '/api/v4/channels/{channel_id}', 'DeleteChannel'],
  ['GET', '/api/v4/teams/{team_id}/channels/name/{channel_name}', 'GetChannelByName'],
  ['GET', '/api/v4/teams/name/{team_name}/channels/name/{channel_name}', 'GetChannelByNameForTeamName'],
  ['PUT', '/api/v4/channels/{channel_id}/patch', 'PatchChannel'],
  ['POST', '/api/v4/channels/{channel_id}/members', 'AddChannelMember'],
  ['GET', '/api/v4/channels/{channel_id}/members', 'GetChannelMembers'],
  ['POST', '/api/v4/channels/{channel_id}/members/ids', 'GetChannelMembersByIds'],
  ['DELETE', '/api/v4/channels/{channel_id}/members/{user_id}', 'RemoveUserFromChannel'],
  ['POST', '/api/v4/channels/{channel_id}/restore', 'RestoreChannel'],
  ['GET', '/api/v4/channels/{channel_id}/stats', 'GetChannelStats'],
  ['POST', '/api/v4/posts', 'CreatePost'],
  ['GET', '/api/v4/posts/{post_id}', 'GetPost'],
  ['GET', '/api/v4/channels/{channel_id}/posts', 'GetPostsForChannel'],
  ['GET', '/api/v4/posts/{post_id}/files/info', 'GetFileInfosForPost'],
  ['POST', '/api/v4/files', 'UploadFile'],
  ['GET', '/api/v4/files/{file_id}', 'GetFile'],
  ['GET', '/api/v4/files/{file_id}/info', 'GetFileInfo'],
];

export function implementedRoutes(): RouteTable {
  const table = new RouteTable();
  for (const [method, template, operationId] of IMPLEMENTED) table.add(method, template, operationId);
  return table;
}

export class SpecValidator {
  private readonly routes = new RouteTable();
  private readonly components: Schema;

  constructor() {
    const subset = JSON.parse(readFileSync(join(SPEC_DIR, 'mattermost-v4-incident-subset.json'), 'utf8'));
    const full = JSON.parse(readFileSync(join(SPEC_DIR, 'mattermost-v4.json'), 'utf8'));
    this.components = subset.components.schemas;
    const paths: Record<string, Schema> = { ...subset.paths };
    for (const path of FROM_FULL_SPEC) paths[path] = full.paths[path];
    for (const [template, ops] of Object.entries(paths)) {
      for (const [method, spec] of Object.entries(ops)) {
        if (['get', 'post', 'put', 'delete', 'patch'].includes(method)) this.routes.add(method, template, spec.operationId, spec);
      }
    }
  }

  get operations(): readonly Operation[] {
    return this.routes.operations;
  }

  match(method: string, path: string) {
    return this.routes.match(method, path);
  }

  /** Lists what in the request the spec does not allow. */
  validate(op: Operation, query: URLSearchParams, contentType: string | undefined, body: unknown, hasBody: boolean): string[] {
    const problems: string[] = [];
    const known = new Set((op.spec.parameters ?? []).filter((p: Schema) => p.in === 'query').map((p: Schema) => p.name));
    for (const name of query.keys()) if (!known.has(name)) problems.push(`query parameter "${name}" is not in the spec of ${op.method} ${op.template}`);
    const requestBody = op.spec.requestBody;
    if (!requestBody) {
      if (hasBody) problems.push(`${op.method} ${op.template} takes no body`);
      return problems;
    }
    if (!hasBody) {
      if (requestBody.required) problems.push(`${op.method} ${op.template} needs a body`);
      return problems;
    }
    const media = (contentType ?? '').split(';')[0].trim();
    const content = requestBody.content[media];
    if (!content) return [...problems, `content type "${media}" is not accepted by ${op.method} ${op.template}`];
    if (media === 'application/json') this.check(content.schema, body, 'body', problems);
    return problems;
  }

  private resolve(schema: Schema): Schema {
    let s = schema;
    while (s && s.$ref) s = this.components[s.$ref.replace('#/components/schemas/', '')];
    return s;
  }

  private check(schemaIn: Schema, value: unknown, path: string, problems: string[]): void {
    const schema = this.resolve(schemaIn);
    if (!schema) return;
    const type = schema.type;
    if (value === null) {
      if (!schema.nullable) problems.push(`${path}: null is not allowed`);
      return;
    }
    if (type === 'object' || (!type && schema.properties)) {
      if (typeof value !== 'object' || Array.isArray(value)) return void problems.push(`${path}: must be an object`);
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in obj)) problems.push(`${path}.${key}: required by the spec`);
      if (schema.properties) {
        for (const [key, item] of Object.entries(obj)) {
          const prop = schema.properties[key];
          if (!prop) problems.push(`${path}.${key}: not a field of this request in the spec`);
          else this.check(prop, item, `${path}.${key}`, problems);
        }
      }
      return;
    }
    if (type === 'array') {
      if (!Array.isArray(value)) return void problems.push(`${path}: must be an array`);
      if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${path}: fewer than ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${path}: more than ${schema.maxItems} items`);
      value.forEach((item, i) => this.check(schema.items ?? {}, item, `${path}[${i}]`, problems));
      return;
    }
    if (type === 'string' && typeof value !== 'string') problems.push(`${path}: must be a string`);
    if ((type === 'integer' || type === 'number') && typeof value !== 'number') problems.push(`${path}: must be a number`);
    if (type === 'boolean' && typeof value !== 'boolean') problems.push(`${path}: must be a boolean`);
    if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}: not one of ${schema.enum.join(', ')}`);
  }
}
