/**
 * The GraphStore contract against ArangoDB, when `ARANGO_URL` is set (CI runs it with an
 * `arangodb` service container: deploy/ci/contract-arango.yml). Every store the suite
 * opens gets its own throw-away database, dropped after the test. Without ARANGO_URL the
 * suite is visibly skipped.
 */
import { Database } from 'arangojs';
import { describe, it } from 'vitest';
import { randomKey } from '../../src/core/keys.js';
import { openArangoGraphStore } from '../../src/graph/arango/arango-graph-store.js';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { describeGraphStoreContract } from './graph-store.contract.js';

// Tests may read the environment (only src/ may not, outside core/config).
const url = process.env.ARANGO_URL;
const username = process.env.ARANGO_USER ?? 'root';
const password = process.env.ARANGO_PASSWORD ?? '';

if (!url) {
  console.warn('ArangoDB contract suite: skipped, ARANGO_URL is not set');
  describe.skip('GraphStore contract: arango', () => {
    it.skip('ArangoDB contract suite: skipped, ARANGO_URL is not set', () => undefined);
  });
} else {
  const databaseOf = new WeakMap<GraphStore, string>();

  describeGraphStoreContract(
    'arango',
    async () => {
      const database = `jobgraph_contract_${randomKey(10)}`;
      const store = await openArangoGraphStore({ url, database, username, password });
      databaseOf.set(store, database);
      return store;
    },
    async (store) => {
      await store.close();
      const database = databaseOf.get(store);
      if (!database) return;
      const system = new Database({ url, databaseName: '_system', auth: { username, password } });
      try {
        await system.dropDatabase(database);
      } finally {
        system.close();
      }
    },
  );
}
