/**
 * The TypeScript client, `import { createClient } from 'jobgraph/client'`: openapi-fetch over
 * the types generated from the OpenAPI document (`npm run openapi` writes openapi/schema.d.ts),
 * so every path, parameter, body and answer is typed and nothing is generated at run time.
 */
import createFetchClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../openapi/schema.js';
import { loadConfig } from '../core/config.js';

export type { components, paths };

/** A typed client of the jobgraph API: `client.GET('/api/v1/workflows/{wf}', { params: … })`. */
export type JobgraphClient = Client<paths>;

/** Options for {@link createClient}; each falls back to the environment, as the CLI does. */
export interface ClientOptions {
  /** API base URL. @default JOBGRAPH_API, else http://127.0.0.1:8080 */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <token>`. @default JOBGRAPH_TOKEN, else none */
  token?: string;
}

/** A client for the API `options` (or JOBGRAPH_API / JOBGRAPH_TOKEN) name. */
export function createClient(options: ClientOptions = {}): JobgraphClient {
  const config = loadConfig({ JOBGRAPH_API: options.baseUrl, JOBGRAPH_TOKEN: options.token });
  return createFetchClient<paths>({
    // The document's paths carry the /api/v1 prefix themselves.
    baseUrl: config.JOBGRAPH_API.replace(/\/+$/, ''),
    headers: config.JOBGRAPH_TOKEN === undefined ? {} : { Authorization: `Bearer ${config.JOBGRAPH_TOKEN}` },
  });
}

export type WorkflowStatus = components['schemas']['WorkflowStatus'];

/** Workflow statuses after which nothing more runs unless the workflow is restarted. */
export const FINAL_WORKFLOW_STATUSES: ReadonlySet<WorkflowStatus['status']> = new Set([
  'completed',
  'failed',
  'canceled',
]);

/** Options for {@link waitForWorkflow}. */
export interface WaitOptions {
  /** Give up after this long. @default 600_000 */
  timeoutMs?: number;
  /** Time between status reads. @default 500 */
  pollMs?: number;
}

/** Poll a workflow's status until it is final; throws once `timeoutMs` has passed, naming the last status. */
export async function waitForWorkflow(
  client: JobgraphClient,
  wf: string,
  { timeoutMs = 600_000, pollMs = 500 }: WaitOptions = {},
): Promise<WorkflowStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data, error, response } = await client.GET('/api/v1/workflows/{wf}/status', { params: { path: { wf } } });
    if (!data)
      throw new Error(`status of workflow ${wf}: HTTP ${response.status} ${error?.code ?? ''} ${error?.detail ?? ''}`);
    if (FINAL_WORKFLOW_STATUSES.has(data.status)) return data;
    if (Date.now() >= deadline) throw new Error(`workflow ${wf} is still ${data.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
