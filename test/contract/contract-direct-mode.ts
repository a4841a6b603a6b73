/**
 * GraphStore contract, part: Direct mode: documents, edges and events of one workflow.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/core/errors.js';
import { keyOf, newWorkflowKey } from './bundles.js';
import type { ContractFixture } from './contract-fixture.js';

export function directModeContract(fx: ContractFixture): void {
  const { k, create } = fx;
  describe('direct mode', () => {
    it('inserts a document with a generated key, _id and workflow', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      const file = await store.insertDocument(wf, 'files', { name: 'g', path: '/g' });
      expect(file._key).toEqual(expect.any(String));
      expect(file).toMatchObject({ _id: `files/${file._key}`, workflow: wf, name: 'g', path: '/g' });
      expect(await store.getDocument(wf, 'files', file._key)).toEqual(file);
      const named = await store.insertDocument(wf, 'files', { _key: k('h'), name: 'h', path: '/h' });
      expect(named._key).toBe(k('h'));
      await expect(store.insertDocument(wf, 'files', { _key: k('h'), name: 'h2' })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(store.insertDocument('nope', 'files', { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('hides documents of another workflow', async () => {
      const { store } = fx;
      await create({ jobs: ['a'] });
      const other = newWorkflowKey();
      await create({ jobs: ['a'] }, store, other);
      await expect(store.getDocument(other, 'jobs', k('a'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.updateDocument(other, 'jobs', k('a'), { x: 1 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.deleteDocument(other, 'jobs', k('a'))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lists documents by _key with paging, total and equality filters', async () => {
      const { store, wf } = fx;
      await create({
        jobs: [
          { name: 'j3', group: 'x' },
          { name: 'j1', group: 'y', flag: true },
          { name: 'j2', group: 'x', flag: false, status: 'disabled' },
          { name: 'j4', group: 'x', size: 3 },
        ],
      });
      const all = await store.listDocuments(wf, 'jobs');
      expect(all.total).toBe(4);
      expect(all.items.map((d) => d.name)).toEqual(['j1', 'j2', 'j3', 'j4']);
      const page = await store.listDocuments(wf, 'jobs', { offset: 1, limit: 2 });
      expect(page).toMatchObject({ total: 4 });
      expect(page.items.map((d) => d.name)).toEqual(['j2', 'j3']);
      const xs = await store.listDocuments(wf, 'jobs', { filter: { group: 'x' }, limit: 2 });
      expect(xs.total).toBe(3);
      expect(xs.items.map((d) => d.name)).toEqual(['j2', 'j3']);
      expect(
        (await store.listDocuments(wf, 'jobs', { filter: { status: 'disabled' } })).items.map((d) => d.name),
      ).toEqual(['j2']);
      expect((await store.listDocuments(wf, 'jobs', { filter: { flag: true } })).items.map((d) => d.name)).toEqual([
        'j1',
      ]);
      expect((await store.listDocuments(wf, 'jobs', { filter: { flag: false } })).items.map((d) => d.name)).toEqual([
        'j2',
      ]);
      expect((await store.listDocuments(wf, 'jobs', { filter: { size: 3 } })).items.map((d) => d.name)).toEqual(['j4']);
      expect((await store.listDocuments(wf, 'jobs', { filter: { group: 'x', status: 'uninitialized' } })).total).toBe(
        2,
      );
      expect((await store.listDocuments(wf, 'files')).total).toBe(0);
    });

    it('pages 100 documents by default', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'], files: Array.from({ length: 120 }, (_, i) => `f${String(i).padStart(3, '0')}`) });
      const first = await store.listDocuments(wf, 'files');
      expect(first.total).toBe(120);
      expect(first.items).toHaveLength(100);
      const rest = await store.listDocuments(wf, 'files', { offset: 100, limit: 50 });
      expect(rest.items.map((d) => d.name)).toEqual(Array.from({ length: 20 }, (_, i) => `f${100 + i}`));
    });

    it('updates a document by shallow merge; a job status change shows in statusCounts', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'] });
      const updated = await store.updateDocument(wf, 'jobs', k('a'), {
        status: 'disabled',
        note: 'n',
        _key: 'x',
        workflow: 'other',
      });
      expect(updated).toMatchObject({ _key: k('a'), workflow: wf, status: 'disabled', note: 'n', command: 'echo a' });
      expect(await store.getDocument(wf, 'jobs', k('a'))).toEqual(updated);
      expect((await store.statusCounts(wf)).disabled).toBe(1);
      expect((await store.listDocuments(wf, 'jobs', { filter: { status: 'disabled' } })).total).toBe(1);
    });

    it('deletes a document and every edge that touches it', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', 'b'],
        files: ['f'],
        edges: { produces: [['a', 'f']], needs: [['b', 'f']], blocks: [['a', 'b']] },
      });
      await store.deleteDocument(wf, 'files', k('f'));
      await expect(store.getDocument(wf, 'files', k('f'))).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.listEdges(wf, 'produces')).total).toBe(0);
      expect((await store.listEdges(wf, 'needs')).total).toBe(0);
      expect((await store.listEdges(wf, 'blocks')).total).toBe(1);
      await store.deleteDocument(wf, 'jobs', k('b'));
      expect((await store.listEdges(wf, 'blocks')).total).toBe(0);
      await expect(store.deleteDocument(wf, 'jobs', k('b'))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('inserts edges between documents of the workflow and lists them with _from/_to filters', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', 'c'], files: ['f'] });
      const edge = await store.insertEdge(wf, 'needs', { _from: `jobs/${k('a')}`, _to: `files/${k('f')}`, note: 1 });
      expect(edge).toMatchObject({ _id: `needs/${edge._key}`, workflow: wf, note: 1 });
      await store.insertEdge(wf, 'needs', { _from: `jobs/${k('b')}`, _to: `files/${k('f')}` });
      await store.insertEdge(wf, 'blocks', { _key: k('ab'), _from: `jobs/${k('a')}`, _to: `jobs/${k('b')}` });
      await expect(
        store.insertEdge(wf, 'blocks', { _key: k('ab'), _from: `jobs/${k('a')}`, _to: `jobs/${k('c')}` }),
      ).rejects.toBeInstanceOf(ConflictError);
      const byFrom = await store.listEdges(wf, 'needs', { filter: { _from: `jobs/${k('b')}` } });
      expect(byFrom.total).toBe(1);
      expect(byFrom.items[0]).toMatchObject({ _from: `jobs/${k('b')}`, _to: `files/${k('f')}` });
      expect((await store.listEdges(wf, 'needs', { filter: { _to: `files/${k('f')}` } })).total).toBe(2);
    });

    it('refuses edges with bad endpoints, naming _from or _to', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'], files: ['f'] });
      const other = newWorkflowKey();
      await create({ jobs: ['a'], files: ['f'] }, store, other);
      const fieldOf = async (p: Promise<unknown>) => {
        const err = await p.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ValidationError);
        return (err as ValidationError).issues.map((i) => i.path);
      };
      expect(
        await fieldOf(store.insertEdge(wf, 'needs', { _from: `jobs/${k('zz')}`, _to: `files/${k('f')}` })),
      ).toEqual(['_from']);
      expect(await fieldOf(store.insertEdge(wf, 'needs', { _from: `jobs/${k('a')}`, _to: `jobs/${k('a')}` }))).toEqual([
        '_to',
      ]);
      expect(
        await fieldOf(store.insertEdge(wf, 'needs', { _from: `jobs/${k('a')}`, _to: `files/${keyOf(other, 'f')}` })),
      ).toEqual(['_to']);
      expect(await fieldOf(store.insertEdge(wf, 'needs', { _to: `files/${k('f')}` }))).toEqual(['_from']);
      await expect(
        store.insertEdge('nope', 'needs', { _from: `jobs/${k('a')}`, _to: `files/${k('f')}` }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.listEdges(wf, 'needs')).total).toBe(0);
    });

    it('appends events with a default timestamp, listed in append order', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.appendEvents([
        { workflow: wf, source: 'system', type: 'first' },
        { workflow: wf, source: 'user', type: 'second', timestamp: '2020-01-01T00:00:00.000Z', body: { x: 1 } },
      ]);
      await store.appendEvents([{ workflow: wf, source: 'user', type: 'third' }]);
      const events = await store.listDocuments(wf, 'events');
      expect(events.total).toBe(3);
      expect(events.items.map((e) => e.type)).toEqual(['first', 'second', 'third']);
      expect(events.items[0]!.timestamp).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      expect(events.items[1]).toMatchObject({ timestamp: '2020-01-01T00:00:00.000Z', body: { x: 1 }, workflow: wf });
      expect((await store.listDocuments(wf, 'events', { filter: { source: 'user' } })).total).toBe(2);
      await expect(store.appendEvents([{ workflow: 'nope', source: 'user', type: 'x' }])).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });
}
