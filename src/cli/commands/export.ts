/**
 * `jobgraph export KEY > wf.json`: a whole workflow (every document and edge, keys
 * preserved) as stable JSON on stdout, for backups and for moving a workflow between
 * stores (SQLite ↔ ArangoDB). Reads the graph store directly, not through the API.
 */
import { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import type { GraphStore } from '../../graph/graph-store.js';
import { addGraphFlags, graphOverrides, type GraphFlags } from '../graph-flags.js';

/**
 * The export format: `JSON.stringify(bundle, null, 2)` plus a newline. Stores export
 * collections in model order and documents by `_key`, so the same data gives the same bytes.
 */
export async function exportWorkflowJson(store: GraphStore, key: string): Promise<string> {
  return `${JSON.stringify(await store.exportWorkflow(key), null, 2)}\n`;
}

/** Open the store the flags and environment name, run `work`, always close it. */
export async function withGraphStore<T>(flags: GraphFlags, work: (store: GraphStore) => Promise<T>): Promise<T> {
  // Loaded on use: the store drivers are heavy and most commands never open a store.
  const { openGraphStore } = await import('../../graph/open-graph-store.js');
  const store = await openGraphStore(loadConfig(graphOverrides(flags)));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export function exportCommand(): Command {
  const command = new Command('export')
    .description('print a whole workflow as JSON (documents and edges, keys preserved): jobgraph export KEY > wf.json')
    .argument('<key>', 'workflow key');
  addGraphFlags(command);
  return command.action(async (key: string, flags: GraphFlags) => {
    const json = await withGraphStore(flags, (store) => exportWorkflowJson(store, key));
    // Wait for the write to drain: a large export piped into a slow reader must arrive whole.
    await new Promise<void>((resolve, reject) => process.stdout.write(json, (err) => (err ? reject(err) : resolve())));
  });
}
