/**
 * Direct mode with the TypeScript client: build a workflow vertex by vertex and edge by edge,
 * start it, wait until it has finished, then read its results and events.
 *
 *     JOBGRAPH_API=http://127.0.0.1:8080 npx tsx examples/clients/typescript/direct-mode.ts
 *
 * A worker must be serving the API (`jobgraph worker start`). The last line printed is a JSON
 * summary.
 */
import { createClient, waitForWorkflow } from 'jobgraph/client';

const client = createClient();

/** The answer's data, or an Error carrying the problem+json the API sent. */
function ok<T>(answer: { data?: T; error?: { code: string; detail: string }; response: Response }): T {
  if (answer.data === undefined) {
    throw new Error(`HTTP ${answer.response.status}: ${answer.error?.code} ${answer.error?.detail}`);
  }
  return answer.data;
}

const wf = ok(await client.POST('/api/v1/workflows', { body: { name: 'direct-mode-typescript' } }))._key;
const path = { params: { path: { wf } } };

// Vertices: two jobs and the file that passes between them.
const make = ok(await client.POST('/api/v1/workflows/{wf}/jobs', { ...path, body: { name: 'make', command: 'echo hello > greeting.txt' } }));
const use = ok(await client.POST('/api/v1/workflows/{wf}/jobs', { ...path, body: { name: 'use', command: 'cat greeting.txt' } }));
const greeting = ok(await client.POST('/api/v1/workflows/{wf}/files', { ...path, body: { name: 'greeting', path: 'greeting.txt' } }));

// Edges: `make` produces the file and `use` needs it; starting derives `make` blocks `use`.
ok(await client.POST('/api/v1/workflows/{wf}/edges/produces', { ...path, body: { _from: make._id, _to: greeting._id } }));
ok(await client.POST('/api/v1/workflows/{wf}/edges/needs', { ...path, body: { _from: use._id, _to: greeting._id } }));

ok(await client.POST('/api/v1/workflows/{wf}/start', { ...path, body: {} }));
const status = await waitForWorkflow(client, wf, { timeoutMs: 300_000 });

const results = ok(await client.GET('/api/v1/workflows/{wf}/results', path)).items;
const events = ok(await client.GET('/api/v1/workflows/{wf}/events', path)).items;
for (const r of results) console.log(`result ${r._key}: return code ${String(r.return_code)}`);
for (const e of events) console.log(`event ${String(e.type)}`);
console.log(
  JSON.stringify({
    workflow: wf,
    status: status.status,
    completed: status.counts.completed,
    results: results.length,
    events: events.length,
  }),
);
process.exitCode = status.status === 'completed' ? 0 : 1;
