/**
 * The SQLite GraphStore adapter: one file, better-sqlite3, WAL. The embedded default.
 * Operations live one concept per file beside this one; this file opens the database
 * and wires them to the port. better-sqlite3 is synchronous, so each method runs its
 * transaction to the end before returning (an async method turns throws into rejections).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UnavailableError } from '../../core/errors.js';
import type { GraphStore } from '../graph-store.js';
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
import { failJobs } from './fail-jobs.js';
import { initializeWorkflow } from './initialize-workflow.js';
import { listCanceledAttempts, listRunningAttempts, recordLostAttempts } from './lost-attempts.js';
import { migrate } from './schema.js';
import { recordAuditEvent } from './record-audit-event.js';
import { restartJobs } from './restart-jobs.js';
import { schedulingDemand } from './scheduling-demand.js';
import { writeDocuments } from './write-documents.js';
import { createContext } from './sqlite-context.js';
import { startAttempts } from './start-attempts.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
import {
  createWorkflow,
  deleteWorkflow,
  exportWorkflow,
  getWorkflow,
  listWorkflows,
  updateWorkflow,
} from './workflow-ops.js';
import { finishWorkflowIfDone, listJobResources, listWorkflowKeys, statusCounts } from './workflow-status.js';

/** The store connection's automatic checkpoint mark, in pages: SQLite's default, and the backstop while a thread checkpoints. */
const AUTOCHECKPOINT_PAGES = 1000;
const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

export interface SqliteStoreOptions {
  /**
   * Checkpoint the WAL from a worker thread (wal-checkpointer.ts) from this long after the
   * open on: a store open for a second is a service (or a long run), not a short command
   * that would start a thread for nothing. `false`: on the store's connection, as SQLite does.
   * @default 1000
   */
  checkpointThreadAfterMs?: number | false;
}

/**
 * Open (creating when absent, with parent directories) the SQLite graph store at `path`.
 * `':memory:'` gives a private in-memory store.
 * @throws UnavailableError when the file cannot be opened
 */
export function openSqliteGraphStore(path: string, options: SqliteStoreOptions = {}): GraphStore {
  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // Bulk creation touches several B-trees per row; a 64 MiB page cache keeps them in memory.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    // Referential integrity is kept by the operations (edges are removed with their
    // endpoints); foreign keys would cost an index lookup per bulk insert for nothing.
    db.pragma('foreign_keys = OFF');
    migrate(db);
  } catch (err) {
    throw new UnavailableError(`cannot open SQLite graph store at ${path}: ${(err as Error).message}`, { path });
  }
  const ctx = createContext(db, { audit: recordAuditEvent });
  let closed = false;
  let checkpointer: WalCheckpointer | undefined;
  const after = options.checkpointThreadAfterMs ?? 1000;
  const startCheckpoints =
    path === ':memory:' || after === false
      ? undefined
      : setTimeout(() => {
          if (closed) return;
          checkpointer = startWalCheckpointer(path, {
            // Back to checkpoints on this connection: the log stays bounded without the thread.
            onFailure: () => {
              if (!closed) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
            },
          });
          db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
        }, after).unref();

  return {
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(startCheckpoints);
      // First: the last connection to close checkpoints the log into the file and removes it.
      await checkpointer?.stop();
      db.close();
    },
    createWorkflow: async (bundle) => createWorkflow(ctx, bundle),
    getWorkflow: async (key) => getWorkflow(ctx, key),
    listWorkflows: async (options) => listWorkflows(ctx, options),
    updateWorkflow: async (key, patch) => updateWorkflow(ctx, key, patch),
    deleteWorkflow: async (key) => deleteWorkflow(ctx, key),
    exportWorkflow: async (key) => exportWorkflow(ctx, key),
    insertDocument: async (workflow, collection, body) => insertDocument(ctx, workflow, collection, body),
    getDocument: async (workflow, collection, key) => getDocument(ctx, workflow, collection, key),
    listDocuments: async (workflow, collection, options) => listDocuments(ctx, workflow, collection, options),
    updateDocument: async (workflow, collection, key, patch) => updateDocument(ctx, workflow, collection, key, patch),
    deleteDocument: async (workflow, collection, key) => deleteDocument(ctx, workflow, collection, key),
    insertEdge: async (workflow, collection, body) => insertEdge(ctx, workflow, collection, body),
    listEdges: async (workflow, collection, options) => listEdges(ctx, workflow, collection, options),
    initializeWorkflow: async (key, options) => initializeWorkflow(ctx, key, options),
    claimReady: async (limit, workflow) => claimReady(ctx, limit, workflow),
    listQueued: async (olderThan, limit) => listQueued(ctx, olderThan, limit),
    startAttempts: async (requests) => startAttempts(ctx, requests),
    completeAttempts: async (requests, options) => completeAttempts(ctx, requests, options),
    statusCounts: async (workflow, jobs) => statusCounts(ctx, workflow, jobs),
    schedulingDemand: async (workflow) => schedulingDemand(ctx, workflow),
    writeDocuments: async (workflow, write) => writeDocuments(ctx, workflow, write),
    finishWorkflowIfDone: async (workflow) => finishWorkflowIfDone(ctx, workflow),
    listWorkflowKeys: async (status) => listWorkflowKeys(ctx, status),
    listJobResources: async (workflow) => listJobResources(ctx, workflow),
    failJobs: async (workflow, jobs, message) => failJobs(ctx, workflow, jobs, message),
    listRunningAttempts: async (limit) => listRunningAttempts(ctx, limit),
    listCanceledAttempts: async (limit) => listCanceledAttempts(ctx, limit),
    recordLostAttempts: async (requests, options) => recordLostAttempts(ctx, requests, options),
    cancelWorkflow: async (key, message) => cancelWorkflow(ctx, key, message),
    cancelJob: async (workflow, job, message) => cancelJob(ctx, workflow, job, message),
    restartJobs: async (workflow, jobs, options) => restartJobs(ctx, workflow, jobs, options),
    appendEvents: async (events) => appendEvents(ctx, events),
    listEventsAfter: async (workflow, afterKey, limit) => listEventsAfter(ctx, workflow, afterKey, limit),
    createToken: async (token) => createToken(ctx, token),
    findTokenByHash: async (hash) => findTokenByHash(ctx, hash),
    listTokens: async (user) => listTokens(ctx, user),
    revokeToken: async (key, at) => revokeToken(ctx, key, at),
    createAccessGroup: async (group) => createAccessGroup(ctx, group),
    getAccessGroup: async (name) => getAccessGroup(ctx, name),
    addGroupMembers: async (name, users) => addGroupMembers(ctx, name, users),
    listAccessGroups: async (member) => listAccessGroups(ctx, member),
  };
}
