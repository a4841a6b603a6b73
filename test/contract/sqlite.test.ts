import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomKey } from '../../src/core/keys.js';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { describeGraphStoreContract } from './graph-store.contract.js';

/** Each store gets its own SQLite file in its own temp directory, removed after the test. */
const dirOf = new WeakMap<GraphStore, string>();

describeGraphStoreContract(
  'sqlite',
  async () => {
    const dir = join(tmpdir(), `jobgraph-contract-${randomKey(8)}`);
    const store = openSqliteGraphStore(join(dir, 'graph.sqlite'));
    dirOf.set(store, dir);
    return store;
  },
  async (store) => {
    await store.close();
    const dir = dirOf.get(store);
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
);
