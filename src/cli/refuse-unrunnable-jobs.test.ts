import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomKey } from '../core/keys.js';
import type { GraphStore } from '../graph/graph-store.js';
import { openSqliteGraphStore } from '../graph/sqlite/sqlite-graph-store.js';
import { LISTED_JOBS, refuseUnrunnableJobs } from './refuse-unrunnable-jobs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A workflow of jobs named `names` in a fresh SQLite file, refused as unrunnable; the store is closed after `check`. */
async function refuse(
  names: string[],
  check: (err: Error & { details: Record<string, unknown> }, store: GraphStore) => Promise<void>,
) {
  const dir = join(tmpdir(), `jobgraph-refuse-${randomKey(8)}`);
  dirs.push(dir);
  const store = openSqliteGraphStore(join(dir, 'graph.sqlite'));
  try {
    const wf = await store.createWorkflow({
      workflow: { _key: 'wfrefuse', _id: 'workflows/wfrefuse', name: 'refuse', status: 'created', created_at: '' },
      documents: {
        jobs: names.map((name) => ({ _key: name, _id: `jobs/${name}`, workflow: 'wfrefuse', name, command: 'true' })),
      } as never,
      edges: {},
    });
    const jobs = names.map((name) => ({ job: name, name, reason: 'needs 64 CPUs, the largest worker has 2' }));
    await check(await refuseUnrunnableJobs(store, wf._key, 'here', jobs, 'too big'), store);
  } finally {
    await store.close();
  }
}

describe('refuseUnrunnableJobs', () => {
  it('fails every job but lists at most LISTED_JOBS of them, one issue each, then how many more', () =>
    refuse(
      Array.from({ length: LISTED_JOBS + 7 }, (_, i) => `big_${i}`),
      async (err, store) => {
        const issues = err.details.issues as Array<{ path: string; message: string }>;
        expect(issues).toHaveLength(LISTED_JOBS + 1);
        expect(issues[0]).toEqual({ path: 'job "big_0"', message: 'needs 64 CPUs, the largest worker has 2' });
        expect(issues.at(-1)).toEqual({ path: 'jobs', message: '… and 7 more' });
        expect(err.details.jobs).toHaveLength(LISTED_JOBS + 7);
        expect(err.message).toMatch(/… and 22 more jobs$/);
        expect((await store.statusCounts('wfrefuse')).failed).toBe(LISTED_JOBS + 7);
      },
    ));

  it('adds no "more" line when every job is listed', () =>
    refuse(['a'], async (err) => {
      expect(err.details.issues).toEqual([{ path: 'job "a"', message: 'needs 64 CPUs, the largest worker has 2' }]);
    }));
});
