/**
 * The shared fixture of the GraphStore contract: a fresh store and workflow key per test,
 * and small helpers to drive jobs through their lifecycle via the port only.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { JobStatus } from '../../src/core/model.js';
import type { CompleteRequest, GraphStore, WorkerIdentity } from '../../src/graph/graph-store.js';
import { buildBundle, keyOf, newWorkflowKey, type BundleSpec } from './bundles.js';

export const WORKER: WorkerIdentity = {
  worker_id: 'wk1',
  hostname: 'node1',
  pid: 42,
  num_cpus: 8,
  memory_bytes: 16 * 1024 ** 3,
  num_gpus: 0,
};

export interface ContractFixture {
  /** The store of the running test. */
  readonly store: GraphStore;
  /** A fresh workflow key for the running test. */
  readonly wf: string;
  /** Another empty store (closed and cleaned up after the test). */
  fresh(): Promise<GraphStore>;
  /** Key of the document named `n` in the test's workflow. */
  k(n: string): string;
  create(spec: BundleSpec, s?: GraphStore, key?: string): ReturnType<GraphStore['createWorkflow']>;
  status(n: string): Promise<JobStatus>;
  claimAll(): ReturnType<GraphStore['claimReady']>;
  start(n: string, attempt?: number): ReturnType<GraphStore['startAttempts']>;
  completion(n: string, s?: CompleteRequest['status'], attempt?: number): CompleteRequest;
  /** Claim every ready job, then start and complete `n` (which must be among them). */
  run(n: string, s?: CompleteRequest['status']): Promise<{ newly_ready: number }>;
}

/** Register per-test setup and teardown (call inside a describe) and return the fixture. */
export function useContractFixture(
  open: () => Promise<GraphStore>,
  cleanup?: (store: GraphStore) => Promise<void>,
): ContractFixture {
  const opened: GraphStore[] = [];
  let store: GraphStore;
  let wf: string;
  const k = (n: string) => keyOf(wf, n);
  const fresh = async () => {
    const s = await open();
    opened.push(s);
    return s;
  };
  beforeEach(async () => {
    store = await fresh();
    wf = newWorkflowKey();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) {
      if (cleanup) await cleanup(s);
      await s.close();
    }
  });

  const create = (spec: BundleSpec, s = store, key = wf) => s.createWorkflow(buildBundle(key, spec));
  const status = async (n: string) => (await store.getDocument(wf, 'jobs', k(n))).status as JobStatus;
  const claimAll = () => store.claimReady(10_000, wf);
  const start = (n: string, attempt = 1) => store.startAttempts([{ workflow: wf, job: k(n), attempt, worker: WORKER }]);
  const completion = (n: string, s: CompleteRequest['status'] = 'completed', attempt = 1): CompleteRequest => ({
    workflow: wf,
    job: k(n),
    attempt,
    status: s,
    return_code: s === 'completed' ? 0 : 1,
    exec_time_s: 1.5,
    completion_time: '2026-01-01T00:00:01.000Z',
    compute_node: `${wf}-${WORKER.worker_id}`,
    stdout_path: `/logs/${n}.o`,
  });
  /** Claim every ready job, then start and complete `n` (which must be among them). */
  const run = async (n: string, s: CompleteRequest['status'] = 'completed') => {
    await claimAll();
    const [started] = await start(n);
    expect(started?.ok).toBe(true);
    const [done] = await store.completeAttempts([completion(n, s)]);
    expect(done).toMatchObject({ ok: true, duplicate: false });
    return done as { newly_ready: number };
  };

  return {
    get store() {
      return store;
    },
    get wf() {
      return wf;
    },
    fresh,
    k,
    create,
    status,
    claimAll,
    start,
    completion,
    run,
  };
}
