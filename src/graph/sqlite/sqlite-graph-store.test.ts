import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { UnavailableError, ValidationError } from '../../core/errors.js';
import { randomKey } from '../../core/keys.js';
import { openGraphStore } from '../open-graph-store.js';
import { openSqliteGraphStore } from './sqlite-graph-store.js';

const dirs: string[] = [];
const tempFile = () => {
  const dir = join(tmpdir(), `jobgraph-sqlite-${randomKey(8)}`);
  dirs.push(dir);
  return join(dir, 'nested', 'graph.sqlite');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const job = (wf: string, name: string, extra: Record<string, unknown> = {}) => ({
  _key: `${wf}-${name}`,
  _id: `jobs/${wf}-${name}`,
  workflow: wf,
  name,
  command: 'true',
  ...extra,
});
const bundle = (wf: string, jobs: Array<Record<string, unknown>>) => ({
  workflow: {
    _key: wf,
    _id: `workflows/${wf}`,
    name: wf,
    status: 'created' as const,
    created_at: '2026-01-01T00:00:00Z',
  },
  documents: { jobs: jobs as never[] },
  edges: {},
});

describe('openSqliteGraphStore', () => {
  it('creates parent directories and keeps data across reopen', async () => {
    const file = tempFile();
    const first = openSqliteGraphStore(file);
    await first.createWorkflow(bundle('w1', [job('w1', 'a')]));
    await first.close();
    await first.close();
    expect(existsSync(file)).toBe(true);
    const second = openSqliteGraphStore(file);
    expect((await second.getWorkflow('w1')).name).toBe('w1');
    expect((await second.statusCounts('w1')).uninitialized).toBe(1);
    await second.close();
  });

  it('starts only its own jobs when other workflows and later-added jobs sit between them in the table', async () => {
    const store = openSqliteGraphStore(tempFile());
    await store.createWorkflow(bundle('w1', [job('w1', 'a'), job('w1', 'off', { status: 'disabled' })]));
    await store.createWorkflow(bundle('w2', [job('w2', 'a'), job('w2', 'b')]));
    // Added after w2's jobs: w1's rows are not contiguous.
    await store.insertDocument('w1', 'jobs', { _key: 'w1-late', name: 'late', command: 'true' });
    const outcome = await store.initializeWorkflow('w1');
    expect(outcome).toMatchObject({ ready: 2, blocked: 0 });
    expect(await store.statusCounts('w1')).toMatchObject({ ready: 2, disabled: 1 });
    expect(await store.getDocument('w1', 'jobs', 'w1-late')).toMatchObject({ status: 'ready', attempt: 1 });
    expect(await store.getDocument('w1', 'jobs', 'w1-off')).toMatchObject({ status: 'disabled' });
    expect(await store.statusCounts('w2')).toMatchObject({ uninitialized: 2, ready: 0 });
    await store.close();
  });

  it('fills lifecycle fields of a bare job so the document and the status index agree', async () => {
    const store = openSqliteGraphStore(tempFile());
    await store.createWorkflow(bundle('w1', [job('w1', 'a')]));
    expect(await store.getDocument('w1', 'jobs', 'w1-a')).toMatchObject({
      status: 'uninitialized',
      attempt: 1,
      unfinished_blockers: 0,
    });
    const inserted = await store.insertDocument('w1', 'jobs', { name: 'b', command: 'true' });
    expect(inserted).toMatchObject({ status: 'uninitialized', attempt: 1 });
    expect((await store.listDocuments('w1', 'jobs', { filter: { status: 'uninitialized' } })).total).toBe(2);
    await store.close();
  });

  it('rejects a job status that is not one, naming the field', async () => {
    const store = openSqliteGraphStore(tempFile());
    const err = await store
      .createWorkflow(bundle('w1', [job('w1', 'a'), job('w1', 'b', { status: 'sleeping' })]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.path).toBe('documents.jobs[1].status');
    await expect(store.getWorkflow('w1')).rejects.toThrow();
    await expect(store.updateDocument('w1', 'jobs', 'w1-a', { status: 'x' })).rejects.toThrow();
    await store.close();
  });

  it('rejects a bundle edge whose endpoint is not in the bundle, naming it', async () => {
    const store = openSqliteGraphStore(tempFile());
    const b = {
      ...bundle('w1', [job('w1', 'a')]),
      edges: { blocks: [{ _key: 'e1', _id: 'blocks/e1', _from: 'jobs/w1-a', _to: 'jobs/w1-zz', workflow: 'w1' }] },
    };
    const err = await store.createWorkflow(b).catch((e: unknown) => e);
    expect((err as ValidationError).issues.map((i) => i.path)).toEqual(['edges.blocks[0]._to']);
    await store.close();
  });

  it('answers UnavailableError after close', async () => {
    const store = openSqliteGraphStore(tempFile());
    await store.close();
    await expect(store.listWorkflows()).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe('openGraphStore', () => {
  it('opens the SQLite store the configuration names', async () => {
    const file = tempFile();
    const store = await openGraphStore(loadConfig({ JOBGRAPH_DB: file }, {}));
    expect((await store.listWorkflows()).total).toBe(0);
    await store.close();
    expect(existsSync(file)).toBe(true);
  });
});
