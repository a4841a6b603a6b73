/**
 * Submit one allocation, recorded before and after: the document is written `submitting`
 * (so a crash before the provider answers leaves a trace that `list` can match by key), then
 * moved to `pending` with the provider's id and an `allocation_submitted` event (saying which
 * interrupted allocation it replaces and which pools it stayed out of, when so) — or, when
 * the provider refuses, to `ended` with reason `failed`, the provider's message and an
 * `allocation_failed` event. Nothing is left half-submitted: the provider guarantees that a
 * refused submission holds nothing.
 */
import { AppError, ConflictError, ProviderError, ValidationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AllocationDoc, SchedulerDoc, WorkflowDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { recordAllocation, type NewAllocation } from './record-allocation.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { AvoidPool, WorkerLaunch } from './provider.js';
import type { WorkerTokenMinter } from './worker-tokens.js';

export interface SubmitDeps {
  store: Pick<GraphStore, 'writeDocuments' | 'listDocuments'>;
  providers: ProviderRegistry;
  logger: Logger;
  /** The capacity pools a scheduler's requests stay out of now (recent interruptions there; interruptions.ts). */
  avoid?: (scheduler: string) => AvoidPool[];
  /** On a server with auth: mints each allocation's worker token (worker-tokens.ts). */
  workerTokens?: WorkerTokenMinter;
}

export interface SubmitInput {
  workflow: WorkflowDoc;
  scheduler: SchedulerDoc;
  trigger: AllocationDoc['trigger'];
  action?: string;
  nodes?: number;
  walltime_s?: number;
  /** Provider settings that win over the scheduler's (a manual request's account, QoS, partition). */
  overrides?: Record<string, unknown>;
  launch: WorkerLaunch;
  /** An allocation already recorded `submitting` (a manual request the provisioner claimed). */
  key?: string;
  /** The interrupted allocation this one replaces. */
  replaces?: string;
}

/** The allocation, `pending` once submitted. @throws the provider's error after recording the failure */
export async function submitAllocation(deps: SubmitDeps, input: SubmitInput): Promise<AllocationDoc> {
  const { store, providers, logger } = deps;
  const wf = input.workflow._key;
  const scheduler: SchedulerDoc = { ...input.scheduler, ...input.overrides };
  const nodes = input.nodes ?? scheduler.nodes ?? 1;
  const walltime_s = input.walltime_s ?? scheduler.walltime_s;
  const avoid = deps.avoid?.(scheduler._key) ?? [];
  const key = input.key ?? (await recordAllocation(store, wf, newRecord(input, nodes, walltime_s)))._key;
  const provider = providers.get(scheduler.type);
  try {
    await provider.validate(scheduler);
    const token = await deps.workerTokens?.({
      workflow: input.workflow,
      allocation: key,
      ...(walltime_s !== undefined && { walltime_s }),
    });
    const submitted = await provider.submit({
      allocation: key,
      workflow: wf,
      scheduler,
      nodes,
      ...(walltime_s !== undefined && { walltime_s }),
      worker: token === undefined ? input.launch : { ...input.launch, token },
      ...(avoid.length > 0 && { avoid }),
    });
    const moved = await store.writeDocuments(wf, {
      update: [
        {
          collection: 'allocations',
          key,
          expect: { state: 'submitting' },
          patch: {
            state: 'pending',
            provider_id: submitted.provider_id,
            ...(submitted.details && { details: submitted.details }),
            ...(avoid.length > 0 && { avoid }),
          },
        },
      ],
      events: [
        {
          type: 'allocation_submitted',
          allocation: key,
          scheduler: scheduler._key,
          scheduler_name: scheduler.name,
          provider: scheduler.type,
          provider_id: submitted.provider_id,
          nodes,
          trigger: input.trigger,
          ...(input.action && { action: input.action }),
          ...(input.replaces !== undefined && { reason: 'replacement', replaces: input.replaces }),
          ...(avoid.length > 0 && { avoid }),
        },
      ],
    });
    if (!moved.ok) throw new ConflictError(`allocation ${key} changed while it was submitted: ${moved.reason}`);
    logger.info(
      { allocation: key, provider_id: submitted.provider_id, scheduler: scheduler.name },
      'allocation submitted',
    );
    return moved.docs[0] as AllocationDoc;
  } catch (err) {
    const message = (err as Error).message;
    await store
      .writeDocuments(wf, {
        update: [
          {
            collection: 'allocations',
            key,
            expect: { state: 'submitting' },
            patch: { state: 'ended', reason: 'failed', message, ended_at: new Date().toISOString() },
          },
        ],
        events: [
          {
            type: 'allocation_failed',
            allocation: key,
            scheduler: scheduler._key,
            scheduler_name: scheduler.name,
            provider: scheduler.type,
            message,
            ...(err instanceof AppError && { code: err.code }),
          },
        ],
      })
      .catch((recordErr: unknown) =>
        logger.error({ err: recordErr, allocation: key }, 'could not record a failed submission'),
      );
    // A refusal is recorded with its event; only an unexpected failure is worth a warning.
    const level = err instanceof ProviderError || err instanceof ValidationError ? 'info' : 'warn';
    logger[level]({ allocation: key, scheduler: scheduler.name, err }, 'allocation refused');
    throw err;
  }
}

function newRecord(input: SubmitInput, nodes: number, walltime_s: number | undefined): NewAllocation {
  return {
    scheduler: input.scheduler._key,
    scheduler_name: input.scheduler.name,
    provider: input.scheduler.type,
    state: 'submitting',
    nodes,
    ...(walltime_s !== undefined && { walltime_s }),
    trigger: input.trigger,
    ...(input.action && { action: input.action }),
    ...(input.replaces !== undefined && { replaces: input.replaces }),
    ...(input.overrides && Object.keys(input.overrides).length > 0 && { overrides: input.overrides }),
    submitted_at: new Date().toISOString(),
  };
}
