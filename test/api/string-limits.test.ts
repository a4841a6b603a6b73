/**
 * String caps at the edge (issue 15, item 4): names at 256 characters, commands, scripts,
 * descriptions and paths at 64 KiB (declared in the schemas, so the OpenAPI document shows
 * `maxLength`), and JOBGRAPH_MAX_STRING_BYTES for every other string or key of a body or
 * query. Each refusal is a 422 problem naming the path, and leaves the store as it was;
 * strings at the caps, and long user data values, still go through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from '../../src/core/schemas/string-limits.js';
import { createApiFixture, type ApiFixture, type ApiResponse } from './api-fixture.js';

/** The generic cap in these tests: the smallest the config takes (192 KiB). */
const MAX_STRING = 3 * 64 * 1024;
const name = (n: number) => 'n'.repeat(n);
const text = (n: number) => `echo ${'x'.repeat(n - 5)}`;

let api: ApiFixture;
let wf: string;

beforeAll(async () => {
  api = createApiFixture({ limits: { maxStringBytes: MAX_STRING } });
  const created = await api.call('POST', '/api/v1/workflows', {
    name: 'limits',
    jobs: [{ name: 'a', command: 'true' }],
    files: [{ name: 'f', path: '/tmp/f' }],
    user_data: [{ name: 'u', data: 1 }],
  });
  expect(created.status, created.text).toBe(201);
  wf = created.body._key;
});
afterAll(() => api.close());

/** Everything the store holds, to assert that a refused request changed nothing. */
async function snapshot(): Promise<string> {
  const out: unknown[] = [];
  for (const w of (await api.store.listWorkflows({ limit: 1000 })).items) {
    out.push(w);
    for (const c of ['jobs', 'files', 'user_data', 'resource_requirements', 'events'] as const)
      out.push((await api.store.listDocuments(w._key, c, { limit: 10_000 })).items);
  }
  return JSON.stringify(out);
}

function expectRefused(res: ApiResponse, path: string, message: string): void {
  expect(res.status, res.text.slice(0, 500)).toBe(422);
  expect(res.contentType).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status: 422, code: 'validation_failed' });
  expect(res.body.issues).toContainEqual({ path, message });
}

/** Send `method path body`, expect a 422 naming `path`, and the store unchanged. */
async function refused(method: string, url: string, body: unknown, path: string, message: string): Promise<void> {
  const before = await snapshot();
  expectRefused(await api.call(method, url, body), path, message);
  expect(await snapshot()).toBe(before);
}

const nameMessage = `longer than ${MAX_NAME_LENGTH} characters`;
const textMessage = `longer than ${MAX_TEXT_LENGTH} characters`;
const genericMessage = `longer than ${MAX_STRING} bytes (JOBGRAPH_MAX_STRING_BYTES)`;

describe('named fields of a spec', () => {
  const spec = (patch: Record<string, unknown>) => ({ name: 'w', jobs: [{ name: 'a', command: 'true' }], ...patch });

  it('refuses a workflow, job or file name over 256 characters, naming it', async () => {
    await refused('POST', '/api/v1/workflows', spec({ name: name(257) }), 'name', nameMessage);
    const jobs = [
      { name: 'a', command: 'true' },
      { name: 'b', command: 'true' },
      { name: 'c', command: 'true' },
    ];
    jobs.push({ name: name(257), command: 'true' });
    await refused('POST', '/api/v1/workflows', spec({ jobs }), 'jobs[3].name', nameMessage);
    const files = [{ name: name(257), path: '/tmp/x' }];
    await refused('POST', '/api/v1/workflows', spec({ files }), 'files[0].name', nameMessage);
    await refused('POST', '/api/v1/workflows', spec({ user: name(257) }), 'user', nameMessage);
    const rr = [{ name: name(257) }];
    await refused(
      'POST',
      '/api/v1/workflows',
      spec({ resource_requirements: rr }),
      'resource_requirements[0].name',
      nameMessage,
    );
  });

  it('refuses a command, description or path over 64 KiB, naming it', async () => {
    const jobs = [
      { name: 'a', command: 'true' },
      { name: 'b', command: text(MAX_TEXT_LENGTH + 1) },
    ];
    await refused('POST', '/api/v1/workflows', spec({ jobs }), 'jobs[1].command', textMessage);
    await refused(
      'POST',
      '/api/v1/workflows',
      spec({ description: text(MAX_TEXT_LENGTH + 1) }),
      'description',
      textMessage,
    );
    const files = [{ name: 'f', path: `/${'p'.repeat(MAX_TEXT_LENGTH)}` }];
    await refused('POST', '/api/v1/workflows', spec({ files }), 'files[0].path', textMessage);
  });

  it('takes strings at the caps', async () => {
    const res = await api.call(
      'POST',
      '/api/v1/workflows',
      spec({
        name: name(MAX_NAME_LENGTH),
        description: text(MAX_TEXT_LENGTH),
        jobs: [{ name: name(MAX_NAME_LENGTH), command: text(MAX_TEXT_LENGTH) }],
      }),
    );
    expect(res.status, res.text.slice(0, 500)).toBe(201);
    const jobs = await api.store.listDocuments(res.body._key, 'jobs', {});
    expect(jobs.items[0]!.command).toHaveLength(MAX_TEXT_LENGTH);
  });
});

describe('named fields of Direct-mode documents', () => {
  it('refuses over-long job names and commands, file paths and user data names', async () => {
    await refused('POST', `/api/v1/workflows/${wf}/jobs`, { name: name(257), command: 'true' }, 'name', nameMessage);
    const long = { name: 'b', command: text(MAX_TEXT_LENGTH + 1) };
    await refused('POST', `/api/v1/workflows/${wf}/jobs`, long, 'command', textMessage);
    const [job] = (await api.store.listDocuments(wf, 'jobs', {})).items;
    await refused('PATCH', `/api/v1/workflows/${wf}/jobs/${job!._key}`, { name: name(257) }, 'name', nameMessage);
    const file = { name: 'g', path: `/${'p'.repeat(MAX_TEXT_LENGTH)}` };
    await refused('POST', `/api/v1/workflows/${wf}/files`, file, 'path', textMessage);
    await refused('POST', `/api/v1/workflows/${wf}/user_data`, { name: name(257), data: 1 }, 'name', nameMessage);
  });

  it('refuses an over-long name in a list filter (query)', async () => {
    const res = await api.call('GET', `/api/v1/workflows/${wf}/jobs?name=${name(257)}`);
    expectRefused(res, 'name', nameMessage);
  });

  it('shows the caps in the OpenAPI document as maxLength', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body;
    const job = doc.components.schemas.JobCreate.properties;
    expect(job.name.maxLength).toBe(MAX_NAME_LENGTH);
    expect(job.command.maxLength).toBe(MAX_TEXT_LENGTH);
    expect(doc.components.schemas.FileCreate.properties.path.maxLength).toBe(MAX_TEXT_LENGTH);
    expect(doc.components.schemas.CreateAccessGroupRequest.properties.name.maxLength).toBe(64);
  });
});

describe('every other string: JOBGRAPH_MAX_STRING_BYTES', () => {
  const over = 'y'.repeat(MAX_STRING + 1);

  it('refuses a string or key over the cap anywhere in a body, naming its path', async () => {
    await refused(
      'POST',
      `/api/v1/workflows/${wf}/events`,
      { type: 'note', detail: { note: [over] } },
      'detail.note[0]',
      genericMessage,
    );
    await refused(
      'POST',
      `/api/v1/workflows/${wf}/schedulers`,
      { name: 's', [over]: 1 },
      '(root)',
      `a key ${genericMessage}`,
    );
    // Before the spec's schema: a field no schema caps (a scheduler's partition).
    const spec = { name: 'w', slurm_schedulers: [{ name: 's', account: 'a', partition: over }] };
    await refused('POST', '/api/v1/workflows', spec, 'slurm_schedulers[0].partition', genericMessage);
  });

  it('counts bytes, not characters', async () => {
    // MAX_STRING / 2 + 1 two-byte characters: under the cap in characters, over it in bytes.
    const wide = 'é'.repeat(MAX_STRING / 2 + 1);
    await refused('POST', `/api/v1/workflows/${wf}/events`, { type: 'note', note: wide }, 'note', genericMessage);
  });

  it('refuses an over-long query parameter of any name', async () => {
    const res = await api.call('GET', `/api/v1/workflows?anything=${over}`);
    expectRefused(res, 'query.anything', genericMessage);
  });

  it('lets user data values be as long as the body limit allows, in specs and documents', async () => {
    const big = 'z'.repeat(2 * MAX_STRING);
    const created = await api.call('POST', '/api/v1/workflows', {
      name: 'big-data',
      user_data: [
        { name: 'blob', data: big },
        { name: 'tree', data: { [big]: [big] } },
      ],
    });
    expect(created.status, created.text.slice(0, 500)).toBe(201);
    const posted = await api.call('POST', `/api/v1/workflows/${wf}/user_data`, { name: 'blob2', data: { b: big } });
    expect(posted.status, posted.text.slice(0, 500)).toBe(201);
    const patched = await api.call('PATCH', `/api/v1/workflows/${wf}/user_data/${posted.body._key}`, { data: big });
    expect(patched.status, patched.text.slice(0, 500)).toBe(200);
    expect((await api.store.getDocument(wf, 'user_data', posted.body._key)).data).toBe(big);
    // Only the value: the same string as a user data name is refused.
    await refused(
      'POST',
      `/api/v1/workflows/${wf}/user_data`,
      { name: 'u', data: 1, note: big },
      'note',
      genericMessage,
    );
  });
});
