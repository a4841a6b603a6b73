/**
 * What the Slurm end-to-end tests share: a `jobgraph server` (API, scheduler, provisioner)
 * process that submits to the run's test cluster, and readers of the graph and of Slurm
 * that the assertions use.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { randomKey } from '../../../src/core/keys.js';
import type { AllocationDoc, BaseDoc, JobDoc, ResultDoc } from '../../../src/core/model.js';
import type { SlurmTestCluster } from '../../setup/require-slurm.js';
import { runCli, spawnCli, waitFor } from './cli.js';
import { freePort, type Child } from './test-server.js';

const run = promisify(execFile);

/** Short intervals: allocation states are polled, heartbeats expire fast. */
export function slurmEnv(cluster: SlurmTestCluster): Record<string, string> {
  return {
    ...cluster.env,
    REDIS_URL: inject('redisUrl'),
    JOBGRAPH_QUEUE_PREFIX: `slurm-${randomKey(6)}`,
    JOBGRAPH_PROVISION_MS: '500',
    JOBGRAPH_RECONCILE_MS: '500',
  };
}

export interface SlurmServer {
  api: string;
  env: Record<string, string>;
  cli(...args: string[]): Promise<string>;
  json<T>(...args: string[]): Promise<T>;
  get<T>(path: string): Promise<T>;
  list<T>(path: string): Promise<T[]>;
}

export async function startSlurmServer(
  dir: string,
  cluster: SlurmTestCluster,
  children: Child[],
): Promise<SlurmServer> {
  const port = await freePort();
  const env = slurmEnv(cluster);
  children.push(spawnCli(['server', '--port', String(port), '--db', 'graph.sqlite'], { cwd: dir, env }));
  const api = `http://127.0.0.1:${port}`;
  await waitFor(async () => ((await fetch(`${api}/health`).catch(() => undefined))?.ok ? true : undefined), 60_000);
  const cli = async (...args: string[]) => {
    const r = await runCli([...args, '--api', api], { cwd: dir, env });
    if (r.code !== 0) throw new Error(`jobgraph ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const get = async <T>(path: string) => (await (await fetch(`${api}/api/v1${path}`)).json()) as T;
  return {
    api,
    env,
    cli,
    json: async <T>(...args: string[]) => JSON.parse(await cli(...args, '--json')) as T,
    get,
    list: async <T>(path: string) =>
      (await get<{ items: T[] }>(`${path}${path.includes('?') ? '&' : '?'}limit=10000`)).items,
  };
}

/** Create a workflow from YAML text written into `dir`. */
export async function createWorkflow(server: SlurmServer, dir: string, yaml: string): Promise<string> {
  const file = join(dir, `wf-${randomKey(4)}.yaml`);
  writeFileSync(file, yaml);
  return (await server.cli('workflow', 'create', file)).trim();
}

export async function waitForWorkflow(server: SlurmServer, wf: string, timeoutMs: number): Promise<string> {
  return waitFor(
    async () => {
      const { status } = await server.get<{ status: string }>(`/workflows/${wf}`);
      return ['completed', 'failed', 'canceled'].includes(status) ? status : undefined;
    },
    timeoutMs,
    `workflow ${wf} to end`,
  );
}

export interface Graph {
  jobs: JobDoc[];
  results: ResultDoc[];
  allocations: AllocationDoc[];
  nodes: BaseDoc[];
  events: BaseDoc[];
}

export async function readGraph(server: SlurmServer, wf: string): Promise<Graph> {
  const base = `/workflows/${wf}`;
  const [jobs, results, allocations, nodes, events] = await Promise.all([
    server.list<JobDoc>(`${base}/jobs`),
    server.list<ResultDoc>(`${base}/results`),
    server.list<AllocationDoc>(`${base}/allocations`),
    server.list<BaseDoc>(`${base}/compute_nodes`),
    server.list<BaseDoc>(`${base}/events`),
  ]);
  return { jobs, results, allocations, nodes, events };
}

/** The output files of the allocations (their workers' logs), each under its allocation's key: for a failure's message. */
export function allocationLogs(allocations: AllocationDoc[]): string {
  return allocations
    .map((a) => {
      const path = a.details?.output_path;
      let text = '(no output file)';
      if (typeof path === 'string')
        try {
          text = readFileSync(path, 'utf8');
        } catch (err) {
          text = `(${(err as Error).message})`;
        }
      return `--- ${a._key} (${a.provider_id ?? 'not submitted'}, ${a.state}, ${a.reason ?? ''})\n${text}`;
    })
    .join('\n');
}

/** Wait until every allocation of the workflow has ended (its workers exit with the workflow). */
export async function waitForAllocationsEnded(
  server: SlurmServer,
  wf: string,
  timeoutMs = 60_000,
): Promise<AllocationDoc[]> {
  return waitFor(
    async () => {
      const all = await server.list<AllocationDoc>(`/workflows/${wf}/allocations`);
      return all.length > 0 && all.every((a) => a.state === 'ended') ? all : undefined;
    },
    timeoutMs,
    'every allocation to end',
  );
}

/** `scontrol show job ID` as key=value pairs (Slurm's fixed `Key=Value` form). */
export async function scontrolJob(cluster: SlurmTestCluster, id: string): Promise<Record<string, string>> {
  const { stdout } = await run('scontrol', ['show', 'job', id], { env: { ...process.env, ...cluster.env } });
  const fields: Record<string, string> = {};
  for (const m of stdout.matchAll(/(\w+)=(\S*)/g)) fields[m[1]!] ??= m[2]!;
  return fields;
}

export async function scancel(cluster: SlurmTestCluster, id: string): Promise<void> {
  await run('scancel', [id], { env: { ...process.env, ...cluster.env } });
}
