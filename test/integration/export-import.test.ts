/**
 * Export/import round trip through real SQLite files: a workflow that has run (derived
 * edges, results, compute node, events) → export → file → fresh store → export again →
 * the same bytes. Then the CLI itself (three spawns: export, import, import again).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportWorkflowJson } from '../../src/cli/commands/export.js';
import { importWorkflowJson, parseWorkflowBundle } from '../../src/cli/commands/import.js';
import { ConflictError, ValidationError } from '../../src/core/errors.js';
import { randomKey } from '../../src/core/keys.js';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { buildBundle, keyOf, newWorkflowKey } from '../contract/bundles.js';

const run = promisify(execFile);
const WORKER = { worker_id: 'wk1', hostname: 'node1', pid: 7, num_cpus: 4, memory_bytes: 8 * 1024 ** 3, num_gpus: 0 };

let dir: string;
const stores: GraphStore[] = [];
const openStore = async (name: string) => {
  const store = await openSqliteGraphStore(join(dir, `${name}.sqlite`));
  stores.push(store);
  return store;
};

beforeEach(() => {
  dir = join(tmpdir(), `jobgraph-export-${randomKey(8)}`);
  mkdirSync(dir, { recursive: true });
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A workflow with every kind of document, one job run to completion. */
async function ranWorkflow(store: GraphStore): Promise<string> {
  const wf = newWorkflowKey();
  await store.createWorkflow(
    buildBundle(wf, {
      jobs: ['prep', 'work', { name: 'report', note: 'ünïcödé ✓' }],
      files: ['raw', 'clean'],
      user_data: ['params'],
      resource_requirements: [
        {
          name: 'big',
          num_cpus: 4,
          memory: '2g',
          memory_bytes: 2 * 1024 ** 3,
          num_gpus: 0,
          num_nodes: 1,
          runtime: 'PT1H',
          runtime_s: 3600,
        },
      ],
      edges: {
        produces: [['prep', 'clean']],
        needs: [
          ['prep', 'raw'],
          ['work', 'clean'],
        ],
        stores: [['work', 'params']],
        consumes: [['report', 'params']],
        requires: [['work', 'big']],
      },
    }),
  );
  await store.initializeWorkflow(wf);
  await store.claimReady(100, wf);
  const [started] = await store.startAttempts([{ workflow: wf, job: keyOf(wf, 'prep'), attempt: 1, worker: WORKER }]);
  expect(started?.ok).toBe(true);
  const [done] = await store.completeAttempts([
    {
      workflow: wf,
      job: keyOf(wf, 'prep'),
      attempt: 1,
      status: 'completed',
      return_code: 0,
      exec_time_s: 0.5,
      completion_time: '2026-01-01T00:00:01.000Z',
      compute_node: `${wf}-${WORKER.worker_id}`,
    },
  ]);
  expect(done).toMatchObject({ ok: true, newly_ready: 1 });
  await store.appendEvents([{ workflow: wf, source: 'user', type: 'note', text: 'hello' }]);
  return wf;
}

describe('export / import', () => {
  it('round-trips a workflow that has run, byte for byte, through a file into a fresh store', async () => {
    const source = await openStore('source');
    const wf = await ranWorkflow(source);
    const exported = await exportWorkflowJson(source, wf);
    expect(exported.endsWith('}\n')).toBe(true);
    const bundle = JSON.parse(exported) as ReturnType<typeof parseWorkflowBundle>;
    // Everything that happened is in the file, not only what was created.
    expect(bundle.documents.results).toHaveLength(1);
    expect(bundle.documents.compute_nodes).toHaveLength(1);
    // The store records the lifecycle events itself (the start too, since issue 9); the user added a note.
    expect(bundle.documents.events!.map((e) => e.type).sort()).toEqual([
      'job_completed',
      'job_started',
      'note',
      'workflow_started',
    ]);
    expect(bundle.edges.blocks).toHaveLength(2);
    expect(bundle.edges.executed).toHaveLength(1);

    const file = join(dir, 'wf.json');
    writeFileSync(file, exported);
    const target = await openStore('target');
    const imported = await importWorkflowJson(target, readFileSync(file, 'utf8'), file);
    expect(imported._key).toBe(wf);
    expect(await exportWorkflowJson(target, wf)).toBe(exported);
    // The imported workflow carries on where it was: the unblocked job is ready.
    expect((await target.statusCounts(wf)).ready).toBe(1);
  });

  it('refuses a second import of the same workflow with a clear conflict, writing nothing', async () => {
    const source = await openStore('source');
    const wf = await ranWorkflow(source);
    const exported = await exportWorkflowJson(source, wf);
    const err = await importWorkflowJson(source, exported, 'wf.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain('cannot import wf.json');
    expect((err as Error).message).toContain(wf);
    expect((await source.listWorkflows()).total).toBe(1);
  });

  it('names the bad fields of a malformed file', () => {
    const bad = JSON.stringify({
      workflow: { _key: 'w1', name: 'x', status: 'sleeping', created_at: '2026-01-01' },
      documents: { jobs: [{ _key: 'w1-a', workflow: 'w1' }, { name: 'no key' }], gadgets: [] },
      edges: { needs: [{ _key: 'e', _from: 'jobs/w1-a', workflow: 'w2' }] },
    });
    const err = (() => {
      try {
        parseWorkflowBundle(bad, 'bad.json');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ValidationError);
    const paths = (err as ValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['workflow.status', 'documents.jobs[1]._key', 'edges.needs[0]._to']));
    expect((err as ValidationError).issues).toContainEqual({
      path: 'documents',
      message: expect.stringContaining('gadgets'),
    });
    expect(() => parseWorkflowBundle('{not json', 'bad.json')).toThrow(/bad\.json is not JSON/);
    // A document of another workflow, once the shape is right.
    const foreign = JSON.stringify({
      workflow: { _key: 'w1', name: 'x', status: 'created', created_at: '2026-01-01' },
      documents: { jobs: [{ _key: 'w2-a', workflow: 'w2' }] },
      edges: {},
    });
    expect(() => parseWorkflowBundle(foreign, 'f.json')).toThrow(
      /documents\.jobs\[0\]\.workflow: must be the workflow's key w1/,
    );
  });

  it('works through the CLI: jobgraph export KEY > file, jobgraph import file --db other', async () => {
    const sourceDb = join(dir, 'cli-source.sqlite');
    const source = await openSqliteGraphStore(sourceDb);
    const wf = await ranWorkflow(source);
    const expected = await exportWorkflowJson(source, wf);
    await source.close();

    const cli = (args: string[]) =>
      run(process.execPath, ['bin/jobgraph.js', ...args], {
        env: { ...process.env, JOBGRAPH_GRAPH: 'sqlite', JOBGRAPH_LOG_LEVEL: 'silent' },
      });
    const exported = await cli(['export', wf, '--db', sourceDb]);
    expect(exported.stdout).toBe(expected);
    const file = join(dir, 'cli.json');
    writeFileSync(file, exported.stdout);
    const targetDb = join(dir, 'cli-target.sqlite');
    const imported = await cli(['import', file, '--db', targetDb]);
    expect(imported.stdout).toBe(`${wf}\n`);
    const target = await openStore('cli-target');
    expect(await exportWorkflowJson(target, wf)).toBe(expected);
    const again = await cli(['import', file, '--db', targetDb]).catch((e: { code: number; stderr: string }) => e);
    expect((again as { code: number }).code).toBe(1);
    expect((again as { stderr: string }).stderr).toContain('already exists');
  }, 120_000);
});
