import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { specToBundle } from '../../src/workflow-spec/index.js';

let store: GraphStore | undefined;
let dir: string | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a spec with schedulers, actions and settings', () => {
  it('is written by a real SQLite store and read back unchanged', async () => {
    dir = mkdtempSync(join(tmpdir(), 'jobgraph-spec-store-'));
    store = openSqliteGraphStore(join(dir, 'graph.sqlite'));
    const bundle = specToBundle({
      name: 'provisioned',
      compute_node_expiration_buffer_seconds: 60,
      resource_monitor: { enabled: true },
      slurm_defaults: { account: 'proj', qos: 'high' },
      slurm_schedulers: [{ name: 'hpc', partition: 'short', walltime: '1-00:00:00', constraint: 'cpu' }],
      local_schedulers: [{ name: 'here', num_cpus: 2, memory: '4g' }],
      aws_schedulers: [{ name: 'cloud', region: 'us-east-1', min_memory: '16g', idle_timeout: '5m' }],
      jobs: [
        { name: 'a', command: 'true', scheduler: 'hpc' },
        { name: 'b_{i}', command: 'true', parameters: { i: '1:2' }, depends_on: ['a'], scheduler: 'cloud' },
      ],
      actions: [
        { trigger_type: 'on_workflow_start', action_type: 'schedule_nodes', scheduler: 'hpc' },
        { trigger_type: 'on_jobs_ready', action_type: 'schedule_nodes', scheduler: 'cloud', job_name_regexes: ['b_'] },
        { trigger_type: 'on_worker_start', action_type: 'run_commands', commands: ['hostname'], persistent: true },
      ],
    });
    await store.createWorkflow(bundle);
    const wf = bundle.workflow._key;
    expect(await store.getWorkflow(wf)).toMatchObject({
      compute_node_expiration_buffer_seconds: 60,
      resource_monitor: { enabled: true },
      slurm_defaults: { account: 'proj', qos: 'high' },
    });
    const schedulers = (await store.listDocuments(wf, 'schedulers')).items;
    expect(schedulers).toEqual(bundle.documents.schedulers);
    const actions = (await store.listDocuments(wf, 'actions')).items;
    expect(actions).toEqual(bundle.documents.actions);
    expect(actions.map((a) => a.job_keys)).toEqual([undefined, [`${wf}-j2`, `${wf}-j3`], undefined]);
    expect((await store.listEdges(wf, 'scheduled_by')).items).toHaveLength(3);
  });
});
