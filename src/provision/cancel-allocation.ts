/**
 * Ask a provider to release an allocation (its workers get SIGTERM and report their attempts
 * interrupted), with an `allocation_cancel_requested` event. The end itself is recorded when
 * the provider reports it (track-allocations.ts), with reason `canceled`.
 */
import type { Logger } from '../core/logger.js';
import type { AllocationDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import type { ProviderRegistry } from './provider-registry.js';

export interface CancelDeps {
  store: Pick<GraphStore, 'writeDocuments'>;
  providers: ProviderRegistry;
  logger: Logger;
}

export async function cancelAllocation(deps: CancelDeps, allocation: AllocationDoc, reason: string): Promise<void> {
  if (allocation.state === 'ended' || allocation.cancel_requested_at !== undefined) return;
  if (allocation.state === 'requested') {
    // Nothing was submitted: the request just ends.
    await deps.store.writeDocuments(allocation.workflow, {
      update: [
        {
          collection: 'allocations',
          key: allocation._key,
          expect: { state: 'requested' },
          patch: { state: 'ended', reason: 'canceled', message: reason, ended_at: new Date().toISOString() },
        },
      ],
      events: [{ type: 'allocation_ended', allocation: allocation._key, reason: 'canceled', message: reason }],
    });
    return;
  }
  if (allocation.provider_id === undefined) return; // still submitting: canceled once it has an id
  await deps.providers.get(allocation.provider).cancel(allocation.provider_id);
  await deps.store.writeDocuments(allocation.workflow, {
    update: [
      {
        collection: 'allocations',
        key: allocation._key,
        patch: { cancel_requested_at: new Date().toISOString(), cancel_reason: reason },
      },
    ],
    events: [
      {
        type: 'allocation_cancel_requested',
        allocation: allocation._key,
        provider_id: allocation.provider_id,
        reason,
      },
    ],
  });
  deps.logger.info({ allocation: allocation._key, reason }, 'allocation canceled');
}
