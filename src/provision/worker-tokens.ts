/**
 * Short-lived worker tokens for allocations (issue 15): on a server with auth, each
 * allocation's workers get a token of role `worker` scoped to the allocation's workflow,
 * living as long as the allocation may (its walltime) and a margin for the last reports.
 * Minted by the provisioner with its store access, handed to the workers in their
 * environment (worker-args.ts).
 */
import type { WorkflowDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { issueToken } from '../graph/issue-token.js';

/** Makes the token of one allocation's workers. */
export type WorkerTokenMinter = (grant: {
  workflow: WorkflowDoc;
  allocation: string;
  walltime_s?: number;
}) => Promise<string>;

/** Lifetime of a token of an allocation without a walltime (a cloud instance): a day. */
export const DEFAULT_WORKER_TOKEN_S = 24 * 3600;
/** Added to the walltime: a pending allocation starts later than submitted, and its workers report after. */
export const WORKER_TOKEN_MARGIN_S = 3600;

/** Mint into `store`. The token's user is the workflow's owner, so the audit names whose work it did. */
export function storeWorkerTokens(store: Pick<GraphStore, 'createToken'>): WorkerTokenMinter {
  return async ({ workflow, allocation, walltime_s }) => {
    const issued = await issueToken(store, {
      user: typeof workflow.user === 'string' ? workflow.user : 'system',
      role: 'worker',
      workflows: [workflow._key],
      allocation,
      expiresInS: (walltime_s ?? DEFAULT_WORKER_TOKEN_S) + WORKER_TOKEN_MARGIN_S,
      label: `allocation ${allocation}`,
      createdBy: 'provisioner',
    });
    return issued.token;
  };
}
