/**
 * The ArangoDB GraphStore adapter: documents stored ArangoDB-native (`_key` as given,
 * `_id` by ArangoDB, edges `_from`/`_to`), `_rev` stripped from everything returned so
 * documents compare equal to the SQLite adapter's. Every scheduler/API operation is one
 * AQL query or one stream transaction; the operations live in small modules beside this
 * file, this one only wires them to the port.
 */
import { Database } from 'arangojs';
import type {
  BaseDoc,
  EdgeCollection,
  EdgeDoc,
  EventDoc,
  JobStatus,
  Resources,
  WorkflowBundle,
  WorkflowCollection,
  WorkflowDoc,
  WorkflowStatus,
} from '../../core/model.js';
import type {
  CancelOutcome,
  ClaimedJob,
  CompleteOptions,
  CompleteOutcome,
  DemandGroup,
  DocumentWrite,
  DocumentWriteOutcome,
  CompleteRequest,
  GraphStore,
  InitializeOutcome,
  ListOptions,
  LostAttemptOutcome,
  LostAttemptRequest,
  Page,
  RestartOutcome,
  RunningAttempt,
  StartOutcome,
  StartRequest,
} from '../graph-store.js';
import { createArangoContext, type ArangoContext } from './arango-context.js';
import { mapArangoError } from './arango-errors.js';
import { completeAttempts, failJobs, startAttempts } from './attempt-ops.js';
import { cancelJob, cancelWorkflow } from './cancel-jobs.js';
import * as documents from './document-ops.js';
import { ensureSchema } from './ensure-schema.js';
import { initializeWorkflow } from './initialize-workflow.js';
import { listRunningAttempts, recordLostAttempts } from './lost-attempts.js';
import { restartJobs } from './restart-jobs.js';
import { schedulingDemand } from './scheduling-demand.js';
import { writeDocuments } from './write-documents.js';
import * as scheduling from './scheduler-ops.js';
import * as workflows from './workflow-ops.js';

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

class ArangoGraphStore implements GraphStore {
  private closed = false;

  constructor(
    private readonly system: Database,
    private readonly ctx: ArangoContext,
  ) {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.system.close();
  }

  createWorkflow(bundle: WorkflowBundle): Promise<WorkflowDoc> {
    return workflows.createWorkflow(this.ctx, bundle);
  }
  getWorkflow(key: string): Promise<WorkflowDoc> {
    return workflows.getWorkflow(this.ctx, key);
  }
  listWorkflows(options?: ListOptions): Promise<Page<WorkflowDoc>> {
    return workflows.listWorkflows(this.ctx, options);
  }
  updateWorkflow(key: string, patch: Partial<WorkflowDoc>): Promise<WorkflowDoc> {
    return workflows.updateWorkflow(this.ctx, key, patch);
  }
  deleteWorkflow(key: string): Promise<void> {
    return workflows.deleteWorkflow(this.ctx, key);
  }
  exportWorkflow(key: string): Promise<WorkflowBundle> {
    return workflows.exportWorkflow(this.ctx, key);
  }

  insertDocument(workflow: string, collection: WorkflowCollection, body: Record<string, unknown>): Promise<BaseDoc> {
    return documents.insertDocument(this.ctx, workflow, collection, body);
  }
  getDocument(workflow: string, collection: WorkflowCollection, key: string): Promise<BaseDoc> {
    return documents.getDocument(this.ctx, workflow, collection, key);
  }
  listDocuments(workflow: string, collection: WorkflowCollection, options?: ListOptions): Promise<Page<BaseDoc>> {
    return documents.listDocuments(this.ctx, workflow, collection, options);
  }
  updateDocument(
    workflow: string,
    collection: WorkflowCollection,
    key: string,
    patch: Record<string, unknown>,
  ): Promise<BaseDoc> {
    return documents.updateDocument(this.ctx, workflow, collection, key, patch);
  }
  deleteDocument(workflow: string, collection: WorkflowCollection, key: string): Promise<void> {
    return documents.deleteDocument(this.ctx, workflow, collection, key);
  }
  insertEdge(workflow: string, collection: EdgeCollection, body: Record<string, unknown>): Promise<EdgeDoc> {
    return documents.insertEdge(this.ctx, workflow, collection, body);
  }
  listEdges(workflow: string, collection: EdgeCollection, options?: ListOptions): Promise<Page<EdgeDoc>> {
    return documents.listEdges(this.ctx, workflow, collection, options);
  }

  initializeWorkflow(key: string): Promise<InitializeOutcome> {
    return initializeWorkflow(this.ctx, key);
  }
  claimReady(limit: number, workflow?: string): Promise<ClaimedJob[]> {
    return scheduling.claimReady(this.ctx, limit, workflow);
  }
  listQueued(olderThan: string, limit: number): Promise<ClaimedJob[]> {
    return scheduling.listQueued(this.ctx, olderThan, limit);
  }
  startAttempts(requests: StartRequest[]): Promise<StartOutcome[]> {
    return startAttempts(this.ctx, requests);
  }
  completeAttempts(requests: CompleteRequest[], options?: CompleteOptions): Promise<CompleteOutcome[]> {
    return completeAttempts(this.ctx, requests, options);
  }
  statusCounts(workflow: string, jobs?: readonly string[]): Promise<Record<JobStatus, number>> {
    return scheduling.statusCounts(this.ctx, workflow, jobs);
  }
  schedulingDemand(workflow: string): Promise<DemandGroup[]> {
    return schedulingDemand(this.ctx, workflow);
  }
  writeDocuments(workflow: string, write: DocumentWrite): Promise<DocumentWriteOutcome> {
    return writeDocuments(this.ctx, workflow, write);
  }
  finishWorkflowIfDone(workflow: string): Promise<WorkflowDoc | undefined> {
    return scheduling.finishWorkflowIfDone(this.ctx, workflow);
  }
  listWorkflowKeys(status: WorkflowStatus): Promise<string[]> {
    return scheduling.listWorkflowKeys(this.ctx, status);
  }
  listJobResources(workflow: string): Promise<Array<{ job: string; name: string; resources: Resources }>> {
    return scheduling.listJobResources(this.ctx, workflow);
  }
  failJobs(workflow: string, jobs: string[], message: string): Promise<void> {
    return failJobs(this.ctx, workflow, jobs, message);
  }
  listRunningAttempts(limit: number): Promise<RunningAttempt[]> {
    return listRunningAttempts(this.ctx, limit);
  }
  recordLostAttempts(
    requests: LostAttemptRequest[],
    options: { maxLostReruns: number; message?: string },
  ): Promise<LostAttemptOutcome[]> {
    return recordLostAttempts(this.ctx, requests, options);
  }
  cancelWorkflow(key: string, message?: string): Promise<CancelOutcome> {
    return cancelWorkflow(this.ctx, key, message);
  }
  cancelJob(workflow: string, job: string, message?: string): Promise<CancelOutcome> {
    return cancelJob(this.ctx, workflow, job, message);
  }
  restartJobs(workflow: string, jobKeys: string[]): Promise<RestartOutcome> {
    return restartJobs(this.ctx, workflow, jobKeys);
  }

  appendEvents(events: Array<Omit<EventDoc, '_key' | '_id' | 'timestamp'> & { timestamp?: string }>): Promise<void> {
    return documents.appendEvents(this.ctx, events);
  }
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
    return new ArangoGraphStore(system, createArangoContext(db, opts.url));
  } catch (err) {
    system.close();
    throw mapArangoError(err, { url: opts.url });
  }
}
