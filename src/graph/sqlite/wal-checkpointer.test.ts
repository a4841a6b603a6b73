import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteGraphStore } from './sqlite-graph-store.js';
import { startWalCheckpointer, type CheckpointStats } from './wal-checkpointer.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-wal-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('WAL checkpoints from a worker thread', () => {
  it('copies the log into the database while another connection writes, and stops on request', async () => {
    const path = join(tempDir(), 'db.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // This connection never checkpoints by itself: whatever is copied, the thread copied.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 2000; i++) insert.run('x'.repeat(200));

    const heard: CheckpointStats[] = [];
    const failures: Error[] = [];
    const checkpointer = startWalCheckpointer(path, {
      everyMs: 10,
      onCheckpoint: (s) => heard.push(s),
      onFailure: (e) => failures.push(e),
    });
    const deadline = Date.now() + 10_000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(heard[0]!.checkpointed).toBeGreaterThan(0);
    expect(heard[0]!.checkpointed).toBe(heard[0]!.log);
    // Writes go on meanwhile, never blocked by the thread.
    for (let i = 0; i < 100; i++) insert.run('y');
    await checkpointer.stop();
    expect(failures).toEqual([]);
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(2100);
    db.close();
  });

  it('reports a thread that cannot open the database as a failure', async () => {
    const failures: Error[] = [];
    const checkpointer = startWalCheckpointer(join(tempDir(), 'missing.sqlite'), {
      onFailure: (e) => failures.push(e),
    });
    await checkpointer.stop();
    expect(failures.length).toBeGreaterThan(0);
  });

  it('a store checkpoints from its thread and, closed, leaves its database whole with no log', async () => {
    const path = join(tempDir(), 'graph.sqlite');
    const store = openSqliteGraphStore(path, { checkpointThreadAfterMs: 0 });
    await store.createWorkflow({
      workflow: {
        _key: 'wf1',
        _id: 'workflows/wf1',
        name: 'wf',
        status: 'created',
        created_at: '2026-01-01T00:00:00Z',
      },
      documents: {
        jobs: Array.from({ length: 500 }, (_, i) => ({
          _key: `wf1-j${i}`,
          _id: `jobs/wf1-j${i}`,
          workflow: 'wf1',
          name: `j${i}`,
          command: 'true',
        })) as never[],
      },
      edges: {},
    });
    await new Promise((r) => setTimeout(r, 300));
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = openSqliteGraphStore(path, { checkpointThreadAfterMs: false });
    try {
      expect((await reopened.listDocuments('wf1', 'jobs', { limit: 1 })).total).toBe(500);
    } finally {
      await reopened.close();
    }
  });
});
