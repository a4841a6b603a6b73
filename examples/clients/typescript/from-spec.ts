/**
 * Create a workflow from a spec object with the TypeScript client, start it, wait, read its jobs.
 *
 *     JOBGRAPH_API=http://127.0.0.1:8080 npx tsx examples/clients/typescript/from-spec.ts
 *
 * The spec has the shape of a YAML/JSON spec file (see examples/diamond.yaml). A worker must be
 * serving the API. The last line printed is a JSON summary.
 */
import { createClient, waitForWorkflow } from 'jobgraph/client';

const spec = {
  name: 'diamond-typescript',
  jobs: [
    { name: 'split', command: 'echo split' },
    { name: 'left', command: 'echo left', depends_on: ['split'] },
    { name: 'right', command: 'echo right', depends_on: ['split'] },
    { name: 'join', command: 'echo join', depends_on: ['left', 'right'] },
  ],
};

const client = createClient();
const created = await client.POST('/api/v1/workflows', { body: spec });
if (!created.data) throw new Error(`create: ${created.error?.code} ${created.error?.detail}`);
const wf = created.data._key;
const params = { path: { wf } };
const started = await client.POST('/api/v1/workflows/{wf}/start', { params, body: {} });
if (!started.data) throw new Error(`start: ${started.error?.code} ${started.error?.detail}`);

const status = await waitForWorkflow(client, wf, { timeoutMs: 300_000 });
const jobs = (await client.GET('/api/v1/workflows/{wf}/jobs', { params })).data?.items ?? [];
for (const job of jobs) console.log(`${String(job.name)}: ${String(job.status)}`);
console.log(JSON.stringify({ workflow: wf, status: status.status, completed: status.counts.completed }));
process.exitCode = status.status === 'completed' ? 0 : 1;
