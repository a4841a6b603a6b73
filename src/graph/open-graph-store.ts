/**
 * Open the graph store the configuration names. The one place that picks an adapter.
 */
import type { Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import type { GraphStore } from './graph-store.js';
import { openSqliteGraphStore } from './sqlite/sqlite-graph-store.js';

export async function openGraphStore(config: Config): Promise<GraphStore> {
  switch (config.JOBGRAPH_GRAPH) {
    case 'sqlite':
      return openSqliteGraphStore(config.JOBGRAPH_DB);
    case 'arango': {
      if (!config.ARANGO_URL) {
        throw new ConfigError([
          { path: 'ARANGO_URL', message: 'required when JOBGRAPH_GRAPH is arango (or pass --arango-url)' },
        ]);
      }
      // Loaded on use: arangojs is a large module that a SQLite deployment never needs.
      const { openArangoGraphStore } = await import('./arango/arango-graph-store.js');
      return openArangoGraphStore({
        url: config.ARANGO_URL,
        database: config.ARANGO_DB,
        username: config.ARANGO_USER,
        password: config.ARANGO_PASSWORD,
      });
    }
  }
}
