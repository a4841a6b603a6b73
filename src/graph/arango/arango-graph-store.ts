/**
 * The ArangoDB GraphStore adapter: documents stored ArangoDB-native (`_key` as given,
 * `_id` by ArangoDB, edges `_from`/`_to`), `_rev` stripped from everything returned so
 * documents compare equal to the SQLite adapter's. Every scheduler/API operation is one
 * AQL query or one stream transaction; the operations live one per file beside this one,
 * named as in sqlite/, and this file only connects and wires them to the port.
 */
import { Database } from 'arangojs';
import type { GraphStore } from '../graph-store.js';
import { createArangoContext, type ArangoContext } from './arango-context.js';
import { mapArangoError } from './arango-errors.js';
import {
  addGroupMembers,
  createAccessGroup,
  createToken,
  findTokenByHash,
  getAccessGroup,
  listAccessGroups,
  listTokens,
  revokeToken,
} from './access-ops.js';
import { appendEvents } from './append-events.js';
import { listEventsAfter } from './list-events-after.js';
import { cancelJob, cancelWorkflow } from './cancel-jobs.js';
import { claimReady, listQueued } from './claim-jobs.js';
import { completeAttempts } from './complete-attempts.js';
import { deleteDocument, getDocument, insertDocument, listDocuments, updateDocument } from './document-ops.js';
import { insertEdge, listEdges } from './edge-ops.js';
import { ensureSchema } from './ensure-schema.js';
import { failJobs } from './fail-jobs.js';
import { initializeWorkflow } from './initialize-workflow.js';
import { listCanceledAttempts, listRunningAttempts, recordLostAttempts } from './lost-attempts.js';
import { restartJobs } from './restart-jobs.js';
import { schedulingDemand } from './scheduling-demand.js';
import { startAttempts } from './start-attempts.js';
import {
  createWorkflow,
  deleteWorkflow,
  exportWorkflow,
  getWorkflow,
  listWorkflows,
  updateWorkflow,
} from './workflow-ops.js';
import { finishWorkflowIfDone, listJobResources, listWorkflowKeys, statusCounts } from './workflow-status.js';
import { writeDocuments } from './write-documents.js';

/** Where and as whom to connect. */
export interface ArangoGraphStoreOptions {
  /** Server URL, e.g. `http://arangodb:8529` (a cluster: any coordinator). */
  url: string;
  /** Database name; created with the schema when missing (needs the right to create databases). */
  database: string;
  /** @default 'root' */
  username?: string;
  /** @default '' */
  password?: string;
}

/** The port over one connected database; `system` is the connection `close` releases. */
function arangoGraphStore(system: Database, ctx: ArangoContext): GraphStore {
  let closed = false;
  return {
    async close() {
      if (closed) return;
      closed = true;
      system.close();
    },
    createWorkflow: (bundle) => createWorkflow(ctx, bundle),
    getWorkflow: (key) => getWorkflow(ctx, key),
    listWorkflows: (options) => listWorkflows(ctx, options),
    updateWorkflow: (key, patch) => updateWorkflow(ctx, key, patch),
    deleteWorkflow: (key) => deleteWorkflow(ctx, key),
    exportWorkflow: (key) => exportWorkflow(ctx, key),
    insertDocument: (workflow, collection, body) => insertDocument(ctx, workflow, collection, body),
    getDocument: (workflow, collection, key) => getDocument(ctx, workflow, collection, key),
    listDocuments: (workflow, collection, options) => listDocuments(ctx, workflow, collection, options),
    updateDocument: (workflow, collection, key, patch) => updateDocument(ctx, workflow, collection, key, patch),
    deleteDocument: (workflow, collection, key) => deleteDocument(ctx, workflow, collection, key),
    insertEdge: (workflow, collection, body) => insertEdge(ctx, workflow, collection, body),
    listEdges: (workflow, collection, options) => listEdges(ctx, workflow, collection, options),
    initializeWorkflow: (key, options) => initializeWorkflow(ctx, key, options),
    claimReady: (limit, workflow) => claimReady(ctx, limit, workflow),
    listQueued: (olderThan, limit) => listQueued(ctx, olderThan, limit),
    startAttempts: (requests) => startAttempts(ctx, requests),
    completeAttempts: (requests, options) => completeAttempts(ctx, requests, options),
    statusCounts: (workflow, jobs) => statusCounts(ctx, workflow, jobs),
    schedulingDemand: (workflow) => schedulingDemand(ctx, workflow),
    writeDocuments: (workflow, write) => writeDocuments(ctx, workflow, write),
    finishWorkflowIfDone: (workflow) => finishWorkflowIfDone(ctx, workflow),
    listWorkflowKeys: (status) => listWorkflowKeys(ctx, status),
    listJobResources: (workflow) => listJobResources(ctx, workflow),
    failJobs: (workflow, jobs, message) => failJobs(ctx, workflow, jobs, message),
    listRunningAttempts: (limit) => listRunningAttempts(ctx, limit),
    listCanceledAttempts: (limit) => listCanceledAttempts(ctx, limit),
    recordLostAttempts: (requests, options) => recordLostAttempts(ctx, requests, options),
    cancelWorkflow: (key, message) => cancelWorkflow(ctx, key, message),
    cancelJob: (workflow, job, message) => cancelJob(ctx, workflow, job, message),
    restartJobs: (workflow, jobs, options) => restartJobs(ctx, workflow, jobs, options),
    appendEvents: (events) => appendEvents(ctx, events),
    listEventsAfter: (workflow, afterKey, limit) => listEventsAfter(ctx, workflow, afterKey, limit),
    createToken: (token) => createToken(ctx, token),
    findTokenByHash: (hash) => findTokenByHash(ctx, hash),
    listTokens: (user) => listTokens(ctx, user),
    revokeToken: (key, at) => revokeToken(ctx, key, at),
    createAccessGroup: (group) => createAccessGroup(ctx, group),
    getAccessGroup: (name) => getAccessGroup(ctx, name),
    addGroupMembers: (name, users) => addGroupMembers(ctx, name, users),
    listAccessGroups: (member) => listAccessGroups(ctx, member),
  };
}

/**
 * Connect to ArangoDB, create the database and schema when missing (idempotent), and
 * return the store.
 * @throws UnavailableError naming the URL when the server cannot be reached or refuses the credentials
 */
export async function openArangoGraphStore(opts: ArangoGraphStoreOptions): Promise<GraphStore> {
  const system = new Database({
    url: opts.url,
    databaseName: '_system',
    auth: { username: opts.username ?? 'root', password: opts.password ?? '' },
    // A request that failed to connect is retried once; anything longer is the caller's policy.
    maxRetries: 1,
  });
  try {
    const db = await ensureSchema(system, opts.database);
    return arangoGraphStore(system, createArangoContext(db, opts.url));
  } catch (err) {
    system.close();
    throw mapArangoError(err, { url: opts.url });
  }
}
