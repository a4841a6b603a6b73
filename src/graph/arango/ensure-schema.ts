/**
 * Idempotent setup of a jobgraph database: safe to run on every start, by several
 * processes at once (a "duplicate name" from a concurrent creator counts as success).
 */
import type { Database } from 'arangojs/databases';
import {
  DOCUMENT_COLLECTIONS,
  EDGE_COLLECTIONS,
  EDGE_ENDPOINTS,
  VERTEX_COLLECTIONS,
  WORKFLOW_COLLECTIONS,
} from '../../core/model.js';
import { ACCESS_COLLECTIONS, ACCESS_INDEXES } from './access-ops.js';
import { ARANGO_ERRORS, hasErrorNum } from './arango-errors.js';

/** The named graph that ties the vertex and edge collections together (for traversals in the web UI and AQL). */
export const GRAPH_NAME = 'jobgraph';

/** Persistent indexes beyond the `workflow` index every workflow-owned collection gets. */
const EXTRA_INDEXES: Array<{ collection: string; fields: string[]; sparse?: boolean }> = [
  { collection: 'workflows', fields: ['status'] },
  // statusCounts, finishWorkflowIfDone, claimReady for one workflow.
  { collection: 'jobs', fields: ['workflow', 'status'] },
  // claimReady across workflows.
  { collection: 'jobs', fields: ['status'] },
  // listQueued: the reconcile's "queued for too long" scan.
  { collection: 'jobs', fields: ['status', 'queued_at'] },
  { collection: 'jobs', fields: ['workflow', 'queued_at'] },
  { collection: 'results', fields: ['workflow', 'job'] },
  { collection: 'compute_nodes', fields: ['workflow', 'worker_id'] },
  { collection: 'events', fields: ['workflow', 'timestamp'] },
  // restartJobs looks up a request id; sparse: only the events that carry one are indexed.
  { collection: 'events', fields: ['workflow', 'request_id'], sparse: true },
];

async function ignoreDuplicate(work: () => Promise<unknown>, errorNum: number): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!hasErrorNum(err, errorNum)) throw err;
  }
}

/**
 * Create, when missing: the database (through `system`, which needs the right to create
 * databases), the 8 vertex collections, 9 edge collections, `events`, the named graph
 * `jobgraph` and the indexes. Returns the handle of the jobgraph database.
 */
export async function ensureSchema(system: Database, databaseName: string): Promise<Database> {
  const db = system.database(databaseName);
  if (!(await db.exists())) {
    await ignoreDuplicate(() => system.createDatabase(databaseName), ARANGO_ERRORS.DUPLICATE_NAME);
  }

  for (const name of VERTEX_COLLECTIONS) {
    if (!(await db.collection(name).exists())) {
      await ignoreDuplicate(() => db.createCollection(name), ARANGO_ERRORS.DUPLICATE_NAME);
    }
  }
  for (const name of DOCUMENT_COLLECTIONS) {
    if (!(await db.collection(name).exists())) {
      // `padded` keys sort lexicographically in insertion order, so events listed "by
      // _key" come out oldest first, like they do in SQLite.
      await ignoreDuplicate(
        () => db.createCollection(name, { keyOptions: { type: 'padded', allowUserKeys: true } }),
        ARANGO_ERRORS.DUPLICATE_NAME,
      );
    }
  }
  for (const name of ACCESS_COLLECTIONS) {
    if (!(await db.collection(name).exists())) {
      await ignoreDuplicate(() => db.createCollection(name), ARANGO_ERRORS.DUPLICATE_NAME);
    }
  }
  for (const name of EDGE_COLLECTIONS) {
    if (!(await db.collection(name).exists())) {
      await ignoreDuplicate(() => db.createEdgeCollection(name), ARANGO_ERRORS.DUPLICATE_NAME);
    }
  }

  if (!(await db.graph(GRAPH_NAME).exists())) {
    const edgeDefinitions = EDGE_COLLECTIONS.map((collection) => ({
      collection,
      from: [EDGE_ENDPOINTS[collection][0]],
      to: [EDGE_ENDPOINTS[collection][1]],
    }));
    await ignoreDuplicate(
      () => db.createGraph(GRAPH_NAME, edgeDefinitions, { orphanCollections: ['workflows'] }),
      ARANGO_ERRORS.GRAPH_DUPLICATE,
    );
  }

  // ensureIndex is idempotent: an identical index is found, not created twice.
  const owned: string[] = [...WORKFLOW_COLLECTIONS, ...EDGE_COLLECTIONS];
  for (const collection of owned) {
    await db
      .collection(collection)
      .ensureIndex({ type: 'persistent', fields: ['workflow'], name: `idx_${collection}_workflow` });
  }
  const indexes: Array<{ collection: string; fields: string[]; sparse?: boolean; unique?: boolean }> = [
    ...EXTRA_INDEXES,
    ...ACCESS_INDEXES,
  ];
  for (const { collection, fields, sparse, unique } of indexes) {
    await db.collection(collection).ensureIndex({
      type: 'persistent',
      fields,
      name: `idx_${collection}_${fields.join('_')}`,
      ...(sparse && { sparse: true }),
      ...(unique && { unique: true }),
    });
  }
  return db;
}
