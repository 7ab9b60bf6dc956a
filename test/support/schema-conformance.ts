// Schema conformance: a Platform API response checked against Heroku's JSON hyper-schema
// (test/fixtures/schema). The link matching the request (method + href template) gives the
// response's schema (`targetSchema`, else the resource itself; `instances` links a list of it).
// Checked: every property the schema defines is present (Berth may add its own), and every value
// has one of the schema's types, recursively, through $refs, arrays and anyOf/oneOf.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

type Schema = Record<string, any>;

const root = JSON.parse(readFileSync(join(repoRoot(), 'test', 'fixtures', 'schema', 'heroku-platform-api-schema.json'), 'utf8')) as Schema;

function deref(schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 20; hops++) {
    const parts = (current.$ref as string).replace(/^#\//, '').split('/').map((p) => decodeURIComponent(p));
    let target: any = root;
    for (const part of parts) target = target?.[part];
    if (!target) throw new Error(`unresolvable $ref ${current.$ref}`);
    current = target as Schema;
  }
  return current;
}

interface Link {
  method: string;
  pattern: RegExp;
  resource: string;
  rel: string;
  target: Schema;
}

const links: Link[] = [];
for (const [resource, definition] of Object.entries(root.definitions as Record<string, Schema>)) {
  for (const link of (definition.links ?? []) as Schema[]) {
    const href = String(link.href).replace(/\{\([^)]*\)\}/g, '[^/]+');
    const self: Schema = { $ref: `#/definitions/${resource}` };
    const target: Schema = link.targetSchema ?? (link.rel === 'instances' ? { type: ['array'], items: self } : self);
    links.push({ method: String(link.method), pattern: new RegExp(`^${href}$`), resource, rel: String(link.rel), target });
  }
}

/** The schema of the response to `method path`, or undefined when the schema has no such link (a Berth extension). */
export function responseSchema(method: string, path: string): { resource: string; schema: Schema } | undefined {
  const found = links.find((l) => l.method === method && l.pattern.test(path));
  return found && { resource: found.resource, schema: found.target };
}

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value);

/** Every way `value` departs from `schema`, as `path: problem` lines. */
export function violations(value: unknown, schema: Schema, path = '$'): string[] {
  const s = deref(schema);
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (alternatives) {
    const results = alternatives.map((alt) => violations(value, alt, path));
    return results.some((r) => r.length === 0) ? [] : (results.sort((a, b) => a.length - b.length)[0] ?? []);
  }
  const problems: string[] = [];
  const types = s.type === undefined ? undefined : ([] as string[]).concat(s.type);
  const actual = typeOf(value);
  if (types && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    return [`${path}: ${JSON.stringify(value)?.slice(0, 60)} is ${actual}, the schema says ${types.join('|')}`];
  }
  if (actual === 'object' && s.properties) {
    const object = value as Record<string, unknown>;
    for (const [key, sub] of Object.entries(s.properties as Record<string, Schema>)) {
      if (!(key in object)) problems.push(`${path}.${key}: missing`);
      else problems.push(...violations(object[key], sub, `${path}.${key}`));
    }
  }
  if (actual === 'array' && s.items) (value as unknown[]).slice(0, 20).forEach((item, i) => problems.push(...violations(item, s.items as Schema, `${path}[${i}]`)));
  return problems;
}

/**
 * Where Berth departs from the schema on purpose (each with its reason); anything else is drift.
 * `resource` is the schema definition the response was checked against, `at` the value's path.
 */
export const DELIBERATE: ReadonlyArray<{ resource: string; at: RegExp; why: string }> = [
  { resource: 'oauth-authorization', at: /^\$(\[\d+\])?\.access_token\.token: null/, why: 'a key is shown once, when it is created; listings never show it again' },
  { resource: 'app-setup', at: /^\$\.app: null/, why: 'app.json problems fail the setup before any app is created, so there is no app to name' },
  { resource: 'team-invitation', at: /^\$(\[\d+\])?\.user\.id: null/, why: 'an invitation to an email without an account yet has no user id (the account is made when the invitation is accepted)' },
  { resource: 'review-app-config', at: /^\$\.repo: null/, why: 'review apps come from branch pushes to Berth, not from a GitHub repository' },
];

/** Drift of one response from the schema: [] when it conforms, departs only DELIBERATEly, or the schema has no such link. */
export function responseDrift(method: string, path: string, body: unknown): string[] {
  const found = responseSchema(method.toUpperCase(), path.split('?')[0] ?? path);
  if (!found) return [];
  return violations(body, found.schema)
    .filter((v) => !DELIBERATE.some((d) => d.resource === found.resource && d.at.test(v)))
    .map((v) => `${method.toUpperCase()} ${path.split('?')[0]} (${found.resource}) ${v}`);
}
