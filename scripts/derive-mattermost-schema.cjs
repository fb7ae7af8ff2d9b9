#!/usr/bin/env node
// Derives tests/fake/mattermost-schema.json from Mattermost's official OpenAPI bundle: only the operations the
// fake Mattermost serves, with the schemas their requests use, descriptions and examples stripped. The fake
// checks every request against it, so the tests need nothing outside the repository.
//
//   node scripts/derive-mattermost-schema.cjs [path/to/mattermost-v4.json]
//
// The default input is ../shared/mattermost-openapi/mattermost-v4.json beside the checkout. A test compares the
// committed file with what this script makes whenever that spec is present.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

/** Where the bundle came from: the api/v4/source YAML of mattermost/mattermost at this commit. */
const SOURCE = {
  repository: 'https://github.com/mattermost/mattermost',
  path: 'api/v4/source/*.yaml',
  commit: '79756ae1e1acf10dd6e14b605b03716248ccee80',
  date: '2025-10-14',
  server: '11.1 (in development)',
};

/** The operations the fake serves: method and path template, exactly as the spec writes them. */
const OPERATIONS = [
  ['POST', '/api/v4/users/login'],
  ['GET', '/api/v4/users/{user_id}'],
  ['GET', '/api/v4/users/username/{username}'],
  ['GET', '/api/v4/users/email/{email}'],
  ['POST', '/api/v4/users/usernames'],
  ['POST', '/api/v4/users/ids'],
  ['POST', '/api/v4/users/search'],
  ['GET', '/api/v4/users'],
  ['GET', '/api/v4/users/{user_id}/teams'],
  ['GET', '/api/v4/teams/name/{name}'],
  ['GET', '/api/v4/teams/{team_id}/members/{user_id}'],
  ['POST', '/api/v4/teams/{team_id}/members'],
  ['POST', '/api/v4/channels'],
  ['GET', '/api/v4/channels/{channel_id}'],
  ['DELETE', '/api/v4/channels/{channel_id}'],
  ['GET', '/api/v4/teams/{team_id}/channels/name/{channel_name}'],
  ['GET', '/api/v4/teams/name/{team_name}/channels/name/{channel_name}'],
  ['PUT', '/api/v4/channels/{channel_id}/patch'],
  ['POST', '/api/v4/channels/{channel_id}/members'],
  ['GET', '/api/v4/channels/{channel_id}/members'],
  ['POST', '/api/v4/channels/{channel_id}/members/ids'],
  ['DELETE', '/api/v4/channels/{channel_id}/members/{user_id}'],
  ['POST', '/api/v4/channels/{channel_id}/restore'],
  ['GET', '/api/v4/channels/{channel_id}/stats'],
  ['POST', '/api/v4/posts'],
  ['GET', '/api/v4/posts/{post_id}'],
  ['PUT', '/api/v4/posts/{post_id}'],
  ['GET', '/api/v4/channels/{channel_id}/posts'],
  ['GET', '/api/v4/posts/{post_id}/files/info'],
  ['POST', '/api/v4/files'],
  ['GET', '/api/v4/files/{file_id}'],
  ['GET', '/api/v4/files/{file_id}/info'],
  ['POST', '/api/v4/posts/{post_id}/actions/{action_id}'],
  ['POST', '/api/v4/actions/dialogs/open'],
  ['POST', '/api/v4/actions/dialogs/submit'],
  ['POST', '/api/v4/commands'],
  ['GET', '/api/v4/commands'],
  ['POST', '/api/v4/commands/execute'],
];

/** Keys that explain rather than constrain. */
const PROSE = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'tags', 'x-codeSamples', 'title']);

/** Drops the prose keywords; the names inside `properties` are field names, kept whatever they are. */
function strip(value, namesOnly = false) {
  if (Array.isArray(value)) return value.map((item) => strip(item));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, item] of Object.entries(value)) if (namesOnly || !PROSE.has(key)) out[key] = strip(item, !namesOnly && key === 'properties');
  return out;
}

function refsIn(value, found) {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.add(item);
      else refsIn(item, found);
    }
  }
  return found;
}

/** Inlines `#/components/responses/...` and `#/components/parameters/...`; keeps schema references. */
function resolveShared(value, spec) {
  if (value && typeof value === 'object' && typeof value.$ref === 'string' && !value.$ref.startsWith('#/components/schemas/')) {
    const [, , kind, name] = value.$ref.split('/');
    return resolveShared(spec.components[kind][name], spec);
  }
  return value;
}

/** The derived schema for `spec` (the parsed official bundle), as the text committed in tests/fake/. */
function deriveSchema(spec) {
  const paths = {};
  for (const [method, template] of OPERATIONS) {
    const operation = spec.paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${template} is not in the spec`);
    const kept = { operationId: operation.operationId };
    if (operation.parameters) kept.parameters = operation.parameters.map((p) => strip(resolveShared(p, spec)));
    if (operation.requestBody) kept.requestBody = strip(resolveShared(operation.requestBody, spec));
    kept.responses = Object.keys(operation.responses ?? {});
    paths[template] = { ...paths[template], [method.toLowerCase()]: kept };
  }
  // Every schema the kept operations use, and the schemas those use in turn.
  const schemas = {};
  const pending = [...refsIn(paths, new Set())];
  while (pending.length > 0) {
    const ref = pending.pop();
    const name = ref.replace('#/components/schemas/', '');
    if (schemas[name]) continue;
    const schema = spec.components.schemas[name];
    if (!schema) throw new Error(`${ref} does not resolve`);
    schemas[name] = strip(schema);
    pending.push(...refsIn(schemas[name], new Set()));
  }
  const sorted = Object.fromEntries(Object.keys(schemas).sort().map((name) => [name, schemas[name]]));
  const document = {
    'x-derived-from': { ...SOURCE, title: spec.info.title, version: spec.info.version, script: 'scripts/derive-mattermost-schema.cjs' },
    openapi: spec.openapi,
    paths,
    components: { schemas: sorted },
  };
  return `${JSON.stringify(document, null, 1)}\n`;
}

const OUTPUT = join(__dirname, '..', 'tests', 'fake', 'mattermost-schema.json');
const DEFAULT_INPUT = join(__dirname, '..', '..', 'shared', 'mattermost-openapi', 'mattermost-v4.json');

module.exports = { deriveSchema, OUTPUT, DEFAULT_INPUT, OPERATIONS };

if (require.main === module) {
  const input = process.argv[2] ?? DEFAULT_INPUT;
  writeFileSync(OUTPUT, deriveSchema(JSON.parse(readFileSync(input, 'utf8'))));
  process.stdout.write(`wrote ${OUTPUT} from ${input}\n`);
}
