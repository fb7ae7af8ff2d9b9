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

const SHARED = join(__dirname, '..', '..', '..', 'shared', 'mattermost-openapi');

// Operations the tool uses that the incident subset leaves out; taken from the full bundled spec.
const FROM_FULL_SPEC = ['/api/v4/users/login', '/api/v4/users/email/{email}'];

export class SpecValidator {
  readonly operations: Operation[] = [];
  private readonly components: Schema;

  constructor() {
    const subset = JSON.parse(readFileSync(join(SHARED, 'mattermost-v4-incident-subset.json'), 'utf8'));
    const full = JSON.parse(readFileSync(join(SHARED, 'mattermost-v4.json'), 'utf8'));
    this.components = subset.components.schemas;
    const paths: Record<string, Schema> = { ...subset.paths };
    for (const path of FROM_FULL_SPEC) paths[path] = full.paths[path];
    for (const [template, ops] of Object.entries(paths)) {
      for (const [method, spec] of Object.entries(ops)) {
        if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
        const params: string[] = [];
        const source = template.replace(/[.]/g, '\\.').replace(/\{([^}]+)\}/g, (_, name: string) => {
          params.push(name);
          return '([^/]+)';
        });
        this.operations.push({
          method: method.toUpperCase(),
          template,
          operationId: spec.operationId,
          spec,
          pattern: new RegExp(`^${source}$`),
          params,
          literalSegments: template.split('/').filter((s) => s && !s.startsWith('{')).length,
        });
      }
    }
  }

  /** Finds the operation for a request; the template with the most literal segments wins. */
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
