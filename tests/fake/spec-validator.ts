/**
 * Checks requests against Mattermost's official OpenAPI spec, as derived into mattermost-schema.json (only the
 * operations this fake serves; `scripts/derive-mattermost-schema.cjs`). Strict on purpose: a path, method, query
 * parameter or body field the spec does not list is a violation, except where the server is known to accept more
 * than the spec says (AMENDMENTS, each with its source).
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

export const SCHEMA_FILE = join(__dirname, 'mattermost-schema.json');

/**
 * Where the server takes more than the spec lists (the server wins: ../shared/docs/mattermost-api.md, chatops.md).
 * Each entry adds body fields to an operation's request schema.
 */
const AMENDMENTS: Record<string, Record<string, Schema>> = {
  // The spec lists only four fields; the server's model.Command takes these too (chatops.md §2.3, MM-api-cmd).
  CreateCommand: {
    display_name: { type: 'string' },
    description: { type: 'string' },
    auto_complete: { type: 'boolean' },
    auto_complete_desc: { type: 'string' },
    auto_complete_hint: { type: 'string' },
    username: { type: 'string' },
    icon_url: { type: 'string' },
  },
  // The spec types `props` as a string; the server decodes a model.Post, whose Props is a JSON object
  // (chatops.md §1.6, MM-old app/post.go UpdatePost), and takes the post's channel and file ids along.
  UpdatePost: { props: { type: 'object' }, channel_id: { type: 'string' }, file_ids: { type: 'array', items: { type: 'string' } } },
};

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

export class SpecValidator {
  private readonly routes = new RouteTable();
  private readonly components: Schema;

  constructor(file = SCHEMA_FILE) {
    const derived = JSON.parse(readFileSync(file, 'utf8'));
    this.components = derived.components.schemas;
    for (const [template, ops] of Object.entries<Schema>(derived.paths)) {
      for (const [method, spec] of Object.entries<Schema>(ops)) this.routes.add(method, template, spec.operationId, amend(spec));
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

function amend(spec: Schema): Schema {
  const extra = AMENDMENTS[spec.operationId];
  const schema = spec.requestBody?.content?.['application/json']?.schema;
  if (!extra || !schema) return spec;
  schema.properties = { ...schema.properties, ...extra };
  return spec;
}
