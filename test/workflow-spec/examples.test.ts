import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkflowBundle } from '../../src/core/model.js';
import { blockerPairs, loadSpecFile, specToBundle } from '../../src/workflow-spec/index.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const specFiles = readdirSync(EXAMPLES).filter((f) => /\.(ya?ml|json5?)$/.test(f));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Job `_id`s in an order that respects explicit and derived (file, user data) dependencies. */
function topologicalOrder(bundle: WorkflowBundle): string[] {
  const jobs = bundle.documents.jobs ?? [];
  const edges: Array<[string, string]> = [...blockerPairs(bundle)].flatMap(([job, blockers]) =>
    [...blockers].map((b): [string, string] => [b, job]),
  );
  const pending = new Map(jobs.map((j) => [j._id, 0]));
  for (const [, to] of edges) pending.set(to, pending.get(to)! + 1);
  const order: string[] = [];
  const ready = jobs.filter((j) => pending.get(j._id) === 0).map((j) => j._id);
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const [from, to] of edges)
      if (from === id) {
        pending.set(to, pending.get(to)! - 1);
        if (pending.get(to) === 0) ready.push(to);
      }
  }
  return order;
}

describe('examples/', () => {
  it('has the four documented examples', () => {
    expect(specFiles).toEqual(
      expect.arrayContaining(['diamond.yaml', 'parameter-sweep.yaml', 'resource-packing.yaml', 'user-data.yaml']),
    );
  });

  it.each(specFiles)('%s loads, builds, and its commands run with sh in dependency order', async (file) => {
    const bundle = specToBundle(await loadSpecFile(join(EXAMPLES, file)));
    const jobs = bundle.documents.jobs ?? [];
    expect(jobs.length).toBeGreaterThan(0);
    const order = topologicalOrder(bundle);
    expect(order).toHaveLength(jobs.length);
    const cwd = mkdtempSync(join(tmpdir(), 'jobgraph-example-'));
    dirs.push(cwd);
    const byId = new Map(jobs.map((j) => [j._id, j]));
    // resource-packing sleeps 1 s per job; run just one of them serially to keep the suite fast.
    const toRun = file === 'resource-packing.yaml' ? order.slice(0, 1) : order;
    for (const id of toRun) execFileSync('sh', ['-c', byId.get(id)!.command as string], { cwd, stdio: 'pipe' });
    for (const f of bundle.documents.files ?? [])
      expect(existsSync(join(cwd, f.path as string)), `${file}: ${f.path}`).toBe(true);
  });

  it('diamond computes through the files', async () => {
    const bundle = specToBundle(await loadSpecFile(join(EXAMPLES, 'diamond.yaml')));
    const cwd = mkdtempSync(join(tmpdir(), 'jobgraph-example-'));
    dirs.push(cwd);
    const byId = new Map((bundle.documents.jobs ?? []).map((j) => [j._id, j]));
    for (const id of topologicalOrder(bundle)) execFileSync('sh', ['-c', byId.get(id)!.command as string], { cwd });
    expect(readFileSync(join(cwd, 'output/summary.txt'), 'utf8').split(/\s+/).filter(Boolean)).toEqual(['10', '15']);
    expect(bundle.edges.blocks ?? []).toHaveLength(0);
  });

  it('parameter-sweep has 20 + 3 + 2 jobs and an aggregate waiting on all of them', async () => {
    const bundle = specToBundle(await loadSpecFile(join(EXAMPLES, 'parameter-sweep.yaml')), { workflowKey: 'wf' });
    const jobs = bundle.documents.jobs ?? [];
    expect(jobs).toHaveLength(25);
    const aggregate = jobs.find((j) => j.name === 'aggregate')!;
    const needs = (bundle.edges.needs ?? []).filter((e) => e._from === aggregate._id);
    const blocks = (bundle.edges.blocks ?? []).filter((e) => e._to === aggregate._id);
    expect(needs).toHaveLength(20);
    expect(blocks).toHaveLength(3);
  });

  it('resource-packing has 8 one-CPU 100m jobs; user-data links its jobs only through user data', async () => {
    const packing = specToBundle(await loadSpecFile(join(EXAMPLES, 'resource-packing.yaml')));
    expect(packing.documents.jobs).toHaveLength(8);
    expect(packing.documents.resource_requirements![0]).toMatchObject({ num_cpus: 1, memory_bytes: 100 * 1024 ** 2 });
    expect(packing.edges.requires).toHaveLength(8);
    const ud = specToBundle(await loadSpecFile(join(EXAMPLES, 'user-data.yaml')));
    expect(ud.edges.blocks ?? []).toHaveLength(0);
    expect(ud.edges.needs ?? []).toHaveLength(0);
    expect(ud.edges.stores).toHaveLength(1);
    expect(ud.edges.consumes).toHaveLength(1);
  });
});
