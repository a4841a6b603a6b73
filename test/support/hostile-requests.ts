/**
 * A seeded generator of malformed and hostile API requests, driven by the API's own OpenAPI
 * document: for every operation, wrong types in every field of its body (and of nested
 * objects and array items), missing required fields, unknown keys where the schema is
 * strict, bodies of the wrong kind, encoding and nesting; strings one past their `maxLength`
 * and past JOBGRAPH_MAX_STRING_BYTES (values, keys, query parameters); bad path parameters
 * and paging for every route; edges across workflows; hostile specs (hostile-specs.ts); and requests Node's
 * HTTP parser rejects. Every request is one the API must refuse with a 4xx: none may change
 * the store. The same seed and document give the same requests.
 */
import { DEFAULT_MAX_STRING_BYTES } from '../../src/core/config.js';
import { HOSTILE_SPECS, SPEC_MUTATIONS } from './hostile-specs.js';

/** One request. `raw` requests go over a plain socket (see raw-http.ts); the others through fetch. */
export interface HostileRequest {
  /** Category, for the tally: `body.wrong-type`, `path.bad-key`, … */
  kind: string;
  /** What it is, for messages. */
  what: string;
  method: string;
  /** Already URL-encoded. */
  path: string;
  body?: string | Buffer;
  contentType?: string;
  raw?: { head: string | Buffer; more?: () => Buffer | undefined };
}

/** What the requests aim at: two workflows and documents in them (keys and `_id`s). */
export interface HostileTargets {
  /** A workflow with jobs, files, user data, resource requirements, schedulers and actions. */
  wf: string;
  /** Another workflow, for requests that cross workflows. */
  other: string;
  /** `_id`s of documents of `wf` by collection (the first of each). */
  ids: Record<string, string>;
  /** One job `_id` of `other`. */
  otherJob: string;
}

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
};
interface Operation {
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(doc, doc.components.schemas[schema.$ref.split('/').pop()!]);
  return schema;
}

/** A value the schema accepts (as far as its declared types go). */
function sample(doc: OpenApiDocument, s: Schema | undefined): unknown {
  const schema = resolve(doc, s);
  if (schema.anyOf) return sample(doc, schema.anyOf[0]);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return 'k1';
    case 'integer':
    case 'number':
      return Math.max(1, Number(schema.minimum ?? 0));
    case 'boolean':
      return false;
    case 'array':
      return [sample(doc, schema.items)];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = sample(doc, schema.properties?.[name]);
      return out;
    }
    default:
      return {};
  }
}

/** Values of the wrong kind for a field of `schema`; none for a field that takes anything. */
function wrongValues(doc: OpenApiDocument, s: Schema): unknown[] {
  const schema = resolve(doc, s);
  const types = schema.anyOf ? schema.anyOf.map((o) => resolve(doc, o).type) : [schema.type];
  if (types.every((t) => t === undefined)) return [];
  const out: unknown[] = [];
  if (!types.includes('string')) out.push('text');
  if (!types.includes('number') && !types.includes('integer')) out.push(7);
  if (!types.includes('boolean')) out.push(true);
  if (!types.includes('array')) out.push(['x']);
  if (!types.includes('object')) out.push({ x: 1 });
  if (schema.type === 'integer') out.push(1.5, 2 ** 60);
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined) out.push(Number(schema.minimum) - 1);
    if (schema.exclusiveMinimum !== undefined) out.push(Number(schema.exclusiveMinimum));
  }
  if (schema.enum) out.push('not-one-of-them');
  if (schema.type === 'string' && (schema.minLength ?? 0) > 0) out.push('');
  if (schema.type === 'array') {
    out.push(wrongValues(doc, schema.items ?? {}).slice(0, 2));
    if (schema.maxItems !== undefined) out.push(Array(schema.maxItems + 1).fill(sample(doc, schema.items)));
    if ((schema.minItems ?? 0) > 0) out.push([]);
  }
  return out;
}

/** Set `value` at `path` in a copy of `body` (making the objects and arrays on the way); `undefined` deletes. */
function setAt(body: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  path.slice(0, -1).forEach((key, i) => {
    at[key] ??= typeof path[i + 1] === 'number' ? [] : {};
    at = at[key] as Record<string | number, unknown>;
  });
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

const jsonText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Every field of `schema` (objects and first array items, three levels deep) with its path. */
function* fields(
  doc: OpenApiDocument,
  s: Schema,
  path: Array<string | number> = [],
): Generator<[Array<string | number>, Schema, boolean]> {
  const schema = resolve(doc, s);
  if (path.length >= 4) return;
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const at = [...path, name];
    yield [at, child, (schema.required ?? []).includes(name)];
    const resolved = resolve(doc, child);
    if (resolved.type === 'object') yield* fields(doc, resolved, at);
    if (resolved.type === 'array' && resolve(doc, resolved.items).type === 'object')
      yield* fields(doc, resolve(doc, resolved.items), [...at, 0]);
  }
}

/** Concrete path of an operation: `{wf}` → the target workflow, `{key}` → a document of it. */
function concrete(template: string, targets: HostileTargets): string {
  const collection = /\/workflows\/\{wf\}\/([a-z_]+)\/\{key\}/.exec(template)?.[1];
  const key = collection ? (targets.ids[collection] ?? 'nope').split('/')[1]! : 'nope';
  return template.replace('{wf}', targets.wf).replace('{key}', encodeURIComponent(key));
}

/** Body requests for one operation. */
function bodyRequests(
  doc: OpenApiDocument,
  method: string,
  template: string,
  op: Operation,
  targets: HostileTargets,
  maxStringBytes: number,
): HostileRequest[] {
  const schema = resolve(doc, op.requestBody?.content?.['application/json']?.schema);
  const path = concrete(template, targets);
  const out: HostileRequest[] = [];
  const add = (kind: string, what: string, body: string | Buffer, contentType = 'application/json') =>
    out.push({ kind, what: `${method} ${template}: ${what}`, method, path, body, contentType });
  const base = sample(doc, schema);
  for (const [at, field, required] of fields(doc, schema)) {
    const name = at.join('.');
    for (const wrong of wrongValues(doc, field))
      add('body.wrong-type', `${name} = ${jsonText(wrong).slice(0, 40)}`, jsonText(setAt(base, at, wrong)));
    if (required) add('body.missing-field', `without ${name}`, jsonText(setAt(base, at, undefined)));
    const max = resolve(doc, field).maxLength;
    if (max !== undefined)
      add('body.too-long', `${name}: ${max + 1} characters`, jsonText(setAt(base, at, 'x'.repeat(max + 1))));
  }
  // Past the generic cap: as a field no schema names, as a key, and as a value nested in one.
  if (base !== null && typeof base === 'object' && !Array.isArray(base)) {
    const long = 'x'.repeat(maxStringBytes + 1);
    add('body.long-string', `a string of ${maxStringBytes + 1} bytes`, jsonText({ ...base, zz_note: long }));
    add('body.long-string', `a key of ${maxStringBytes + 1} bytes`, jsonText({ ...base, [long]: 1 }));
    add('body.long-string', 'a long string nested', jsonText({ ...base, zz_note: { list: [1, long] } }));
    // Two-byte characters: under the cap in characters, over it in bytes.
    add(
      'body.long-string',
      'a string long in bytes',
      jsonText({ ...base, zz_note: 'é'.repeat(maxStringBytes / 2 + 1) }),
    );
  }
  if (schema.additionalProperties === false)
    add('body.unknown-key', 'an unknown key', jsonText({ ...(base as object), unknown_key: 1 }));
  if ((schema.type === 'object' && schema.properties !== undefined) || schema.additionalProperties !== undefined)
    for (const whole of [[], 'text', 7, true, null, [base]])
      add('body.wrong-kind', `body ${jsonText(whole)}`, jsonText(whole));
  add('body.malformed', 'truncated JSON', '{"a": [1, 2');
  add('body.malformed', 'two documents', '{}{}');
  add('body.malformed', 'NaN literal', '{"a": NaN}');
  add(
    'body.encoding',
    'invalid UTF-8',
    Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9, 0xff]), Buffer.from('"}')]),
  );
  add(
    'body.encoding',
    'a lone surrogate as UTF-8 bytes',
    Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
  );
  add('body.media-type', 'text/plain', jsonText(base), 'text/plain');
  add('body.media-type', 'form encoded', 'name=x', 'application/x-www-form-urlencoded');
  const rest = jsonText(base).slice(1, -1);
  add('body.proto', '__proto__ key', `{"__proto__": {"polluted": true}${rest ? `, ${rest}` : ''}}`);
  add('body.deep', '100 levels deep', `${'['.repeat(100)}${']'.repeat(100)}`);
  add('body.deep', '10,000 levels deep object', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
  return out;
}

const BAD_KEYS: Array<[string, string]> = [
  ['a key with a space', 'a%20b'],
  ['a 300-character key', 'k'.repeat(300)],
  ['a key with a NUL', 'a%00b'],
  ['a key with a slash', 'a%2Fb'],
  ['a malformed escape', '%FF'],
  ['an unknown key', 'nope-nope'],
];

const BAD_PAGING: Array<[string, string]> = [
  ['limit=0', 'limit=0'],
  ['limit=-1', 'limit=-1'],
  ['limit=10001', 'limit=10001'],
  ['limit=abc', 'limit=abc'],
  ['limit=1e400', 'limit=1e400'],
  ['limit=1.5', 'limit=1.5'],
  ['limit=', 'limit='],
  ['offset=-1', 'offset=-1'],
  ['offset=x', 'offset=x'],
  ['offset=1e999', 'offset=1e999'],
  ['offset=2^60', `offset=${2 ** 60}`],
];

/** Path and query requests for one operation. */
function pathRequests(
  method: string,
  template: string,
  op: Operation,
  targets: HostileTargets,
  maxStringBytes: number,
): HostileRequest[] {
  const out: HostileRequest[] = [];
  const send = method === 'get' || method === 'delete' ? undefined : '{}';
  const add = (kind: string, what: string, path: string) =>
    out.push({
      kind,
      what: `${method} ${template}: ${what}`,
      method,
      path,
      ...(send && { body: send, contentType: 'application/json' }),
    });
  for (const [what, bad] of BAD_KEYS) {
    if (template.includes('{wf}'))
      add('path.bad-key', `wf = ${what}`, concrete(template, targets).replace(targets.wf, bad));
    if (template.includes('{key}'))
      add('path.bad-key', `key = ${what}`, template.replace('{wf}', targets.wf).replace('{key}', bad));
  }
  if (method === 'get' && op.parameters?.some((p) => p.name === 'limit'))
    for (const [what, query] of BAD_PAGING) add('query.paging', what, `${concrete(template, targets)}?${query}`);
  for (const p of op.parameters ?? []) {
    if (p.in === 'query' && p.schema?.enum)
      add('query.enum', `${p.name} not in its enum`, `${concrete(template, targets)}?${p.name}=bogus`);
    if (p.in === 'query' && p.schema?.maxLength !== undefined)
      add(
        'query.too-long',
        `${p.name}: ${p.schema.maxLength + 1} characters`,
        `${concrete(template, targets)}?${p.name}=${'q'.repeat(p.schema.maxLength + 1)}`,
      );
  }
  // Past the generic cap (a served API's parser refuses URLs over 16 KiB first: 431).
  if (method === 'get' && template.startsWith('/api/v1/workflows'))
    add(
      'query.long-string',
      'a parameter past the string cap',
      `${concrete(template, targets)}?zz=${'q'.repeat(maxStringBytes + 1)}`,
    );
  return out;
}

/** Edges whose ends belong to another workflow, or to the wrong collection. */
function edgeRequests(doc: OpenApiDocument, targets: HostileTargets): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const template of Object.keys(doc.paths)) {
    const collection = /\/edges\/([a-z_]+)$/.exec(template)?.[1];
    if (!collection) continue;
    const path = concrete(template, targets);
    const add = (what: string, edge: unknown) =>
      out.push({
        kind: 'edges.cross',
        what: `POST ${template}: ${what}`,
        method: 'post',
        path,
        body: JSON.stringify(edge),
        contentType: 'application/json',
      });
    add('_from in another workflow', { _from: targets.otherJob, _to: targets.ids.jobs });
    add('_to in another workflow', { _from: targets.ids.jobs, _to: targets.otherJob });
    add('both ends in another workflow', { _from: targets.otherJob, _to: targets.otherJob });
    add('ends that do not exist', { _from: 'jobs/nope', _to: 'files/nope' });
    add('an _id without a collection', { _from: 'nope', _to: 'nope' });
    add('a workflow as an end', { _from: `workflows/${targets.wf}`, _to: targets.ids.jobs });
  }
  return out;
}

const RAW_PARSER_ERRORS: Array<[string, string]> = [
  ['an unknown method', 'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['a lower-case method', 'get /health HTTP/1.1\r\nHost: x\r\n\r\n'],
  [
    'Content-Length: -1',
    'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}',
  ],
  [
    'two Content-Lengths',
    'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
  ],
  [
    'Content-Length and chunked',
    'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
  ],
  [
    'a bad chunk size',
    'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
  ],
  [
    'a chunk longer than announced',
    'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n',
  ],
  [
    'a bad chunk size after a good chunk',
    'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nZZ\r\n',
  ],
  ['headers over 16 KiB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
  ['a header without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n'],
  ['a NUL in a header', 'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n'],
  ['not HTTP at all', 'hello there\r\n\r\n'],
  ['HTTP/9.9', 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n'],
  ['spaces in the path', 'GET /api/v1/workflows/a b c HTTP/1.1\r\nHost: x\r\n\r\n'],
];

function rawRequests(maxBodyBytes: number): HostileRequest[] {
  const out: HostileRequest[] = RAW_PARSER_ERRORS.map(([what, head]) => ({
    kind: 'http.parser',
    what,
    method: 'raw',
    path: '',
    raw: { head },
  }));
  const chunk = Buffer.from('1,'.repeat(32 * 1024));
  const limited = (n: number) => () => (n-- > 0 ? chunk : undefined);
  out.push({
    kind: 'body.too-large',
    what: 'a declared body over the limit',
    method: 'raw',
    path: '',
    raw: {
      head: `POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${maxBodyBytes + 1}\r\n\r\n{"name":"big","jobs":[`,
      more: limited(Math.ceil(maxBodyBytes / chunk.length) + 1),
    },
  });
  out.push({
    kind: 'body.too-large',
    what: 'a chunked body that passes the limit',
    method: 'raw',
    path: '',
    raw: {
      head: 'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      more: (() => {
        const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
        let n = Math.ceil(maxBodyBytes / chunk.length) + 2;
        return () => (n-- > 0 ? framed : undefined);
      })(),
    },
  });
  return out;
}

/** Paths no route answers, or with segments that cannot be decoded. */
function strayPaths(targets: HostileTargets): HostileRequest[] {
  const paths = [
    `/api/v1/workflows/${targets.wf}/%FF`,
    `/api/v1/workflows/${targets.wf}/edges/%FF`,
    `/api/v1/workflows/${targets.wf}/%E0%A4%A`,
    `/api/v1/workflows/${targets.wf}/edges/%E0%A4%A`,
    `/api/v1/workflows/${targets.wf}/widgets`,
    `/api/v1/workflows/${targets.wf}/edges/likes`,
    `/api/v1/workflows/${targets.wf}/jobs/a/b/c`,
    '/api/v1/%FF',
    '/api/v2/workflows',
    '/api/v1/workflows/%',
    '/%C0%AE%C0%AE/etc/passwd',
  ];
  return paths.flatMap((path) =>
    ['get', 'post', 'put', 'patch', 'delete'].map((method) => ({
      kind: 'path.stray',
      what: `${method} ${path}`,
      method,
      path,
      ...(method === 'get' || method === 'delete' ? {} : { body: '{}', contentType: 'application/json' }),
    })),
  );
}

/**
 * Every hostile request for the API described by `doc`, in a seeded order.
 * @param maxBodyBytes the server's body limit (JOBGRAPH_MAX_BODY_BYTES), for the over-limit bodies
 * @param maxStringBytes the server's string cap (JOBGRAPH_MAX_STRING_BYTES), for the over-long strings
 */
export function hostileRequests(
  doc: OpenApiDocument,
  targets: HostileTargets,
  seed: number,
  maxBodyBytes: number,
  maxStringBytes: number = DEFAULT_MAX_STRING_BYTES,
): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    if (template.startsWith('/queues') || template === '/openapi.json') continue;
    for (const [method, op] of Object.entries(methods)) {
      if (op.requestBody) out.push(...bodyRequests(doc, method, template, op, targets, maxStringBytes));
      out.push(...pathRequests(method, template, op, targets, maxStringBytes));
    }
  }
  out.push(...edgeRequests(doc, targets), ...strayPaths(targets), ...rawRequests(maxBodyBytes));
  const spec = (kind: string, what: string, body: unknown) =>
    out.push({
      kind,
      what,
      method: 'post',
      path: '/api/v1/workflows',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      contentType: 'application/json',
    });
  for (const [what, body] of SPEC_MUTATIONS) spec('spec.wrong-type', what, body);
  for (const [what, body] of HOSTILE_SPECS) spec('spec.hostile', what, body);
  // A seeded shuffle: requests of one kind do not all arrive together.
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
