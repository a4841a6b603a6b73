/**
 * GraphStore contract, part: create, get, list, update, delete and export of whole workflows.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/core/errors.js';
import { buildBundle, keyOf, newWorkflowKey, type BundleSpec } from './bundles.js';
import type { ContractFixture } from './contract-fixture.js';

export function workflowsContract(fx: ContractFixture): void {
  const { k, fresh, create, run } = fx;
  describe('workflows', () => {
    it('creates a workflow and reads back every document as given', async () => {
      const { store, wf } = fx;
      const bundle = buildBundle(wf, { jobs: [{ name: 'a', extra: { nested: [1, 2] } }], files: ['f'] });
      const created = await store.createWorkflow(bundle);
      expect(created).toMatchObject({ _key: wf, _id: `workflows/${wf}`, status: 'created' });
      expect(await store.getWorkflow(wf)).toEqual(created);
      expect(await store.getDocument(wf, 'jobs', k('a'))).toEqual(bundle.documents.jobs![0]);
      expect(await store.getDocument(wf, 'files', k('f'))).toEqual(bundle.documents.files![0]);
    });

    it('answers NotFoundError for an unknown workflow', async () => {
      const { store } = fx;
      await expect(store.getWorkflow('nope')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.updateWorkflow('nope', { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.deleteWorkflow('nope')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.statusCounts('nope')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lists workflows with paging, total and a status filter', async () => {
      const { store } = fx;
      const keys = [newWorkflowKey(), newWorkflowKey(), newWorkflowKey()].sort();
      for (const key of keys) await create({ jobs: ['a'] }, store, key);
      await store.initializeWorkflow(keys[1]!);
      const all = await store.listWorkflows({ limit: 10 });
      expect(all.total).toBe(3);
      expect(all.items.map((w) => w._key)).toEqual(keys);
      const page = await store.listWorkflows({ offset: 1, limit: 1 });
      expect(page.total).toBe(3);
      expect(page.items.map((w) => w._key)).toEqual([keys[1]]);
      const running = await store.listWorkflows({ filter: { status: 'running' } });
      expect(running.items.map((w) => w._key)).toEqual([keys[1]]);
      expect(running.total).toBe(1);
      expect(await store.listWorkflowKeys('created')).toEqual([keys[0], keys[2]]);
    });

    it('updates a workflow by shallow merge, ignoring _key and _id', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      const updated = await store.updateWorkflow(wf, { description: 'hello', _key: 'other', _id: 'workflows/other' });
      expect(updated).toMatchObject({ _key: wf, _id: `workflows/${wf}`, description: 'hello', name: `workflow ${wf}` });
      expect(await store.getWorkflow(wf)).toEqual(updated);
    });

    it('deletes a workflow with every document and edge it owns, and nothing else', async () => {
      const { store, wf } = fx;
      const spec: BundleSpec = {
        jobs: ['a', 'b'],
        files: ['f'],
        edges: { produces: [['a', 'f']], needs: [['b', 'f']] },
      };
      await create(spec);
      const other = newWorkflowKey();
      await create(spec, store, other);
      await store.appendEvents([{ workflow: wf, source: 'user', type: 'note' }]);
      await store.deleteWorkflow(wf);
      await expect(store.getWorkflow(wf)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getDocument(wf, 'jobs', k('a'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.listDocuments(wf, 'events')).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.listWorkflows()).items.map((w) => w._key)).toEqual([other]);
      expect((await store.listEdges(other, 'needs')).total).toBe(1);
      expect((await store.listDocuments(other, 'jobs')).total).toBe(2);
    });

    it('rejects a duplicate key with ConflictError and writes nothing', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await expect(create({ jobs: ['b'] })).rejects.toBeInstanceOf(ConflictError);
      // A second workflow whose job key collides with an existing one: nothing of it remains.
      const other = newWorkflowKey();
      const bundle = buildBundle(other, { jobs: ['x', 'y'], files: ['f'] });
      bundle.documents.jobs![1] = { ...bundle.documents.jobs![1]!, _key: k('a'), _id: `jobs/${k('a')}` };
      await expect(store.createWorkflow(bundle)).rejects.toBeInstanceOf(ConflictError);
      await expect(store.getWorkflow(other)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getDocument(other, 'jobs', keyOf(other, 'x'))).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.listWorkflows()).total).toBe(1);
      expect((await store.getDocument(wf, 'jobs', k('a'))).name).toBe('a');
    });

    it('exports in a stable order that imports into a fresh store unchanged', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['c', 'a', 'b'],
        files: ['f2', 'f1'],
        user_data: ['u'],
        resource_requirements: [
          { name: 'big', num_cpus: 4, memory_bytes: 1024, num_gpus: 0, num_nodes: 1, runtime_s: 60 },
        ],
        edges: {
          produces: [['a', 'f1']],
          needs: [['b', 'f1']],
          stores: [['b', 'u']],
          consumes: [['c', 'u']],
          requires: [['a', 'big']],
        },
      });
      await store.initializeWorkflow(wf);
      await run('a');
      await store.appendEvents([{ workflow: wf, source: 'user', type: 'note', text: 'hi' }]);
      const first = await store.exportWorkflow(wf);
      expect(JSON.stringify(await store.exportWorkflow(wf))).toBe(JSON.stringify(first));
      expect(first.documents.jobs!.map((j) => j._key)).toEqual([k('a'), k('b'), k('c')]);
      expect(first.documents.results).toHaveLength(1);
      expect(first.edges.blocks).toHaveLength(2);
      const other = await fresh();
      await other.createWorkflow(first);
      expect(JSON.stringify(await other.exportWorkflow(wf))).toBe(JSON.stringify(first));
    });
  });
}
