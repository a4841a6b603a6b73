/**
 * Follow live allocations at their providers: one `status` call per provider for all of them,
 * then one compare-and-set step per change (allocation-transition.ts), so two provisioners
 * record a start or an end once. An allocation left `submitting` by a crash is looked up by its
 * key (`list`): adopted when the provider has it, else ended `failed` once it is old enough
 * that no submission can still be under way.
 */
import type { Logger } from '../core/logger.js';
import type { AllocationDoc, SchedulerType } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { allocationTransition } from './allocation-transition.js';
import type { ProviderRegistry } from './provider-registry.js';

export interface TrackDeps {
  store: Pick<GraphStore, 'writeDocuments'>;
  providers: ProviderRegistry;
  logger: Logger;
  /** @default Date.now */
  now?: () => number;
  /** A `submitting` record older than this with nothing at the provider is a failed submission. @default 120000 */
  submitGraceMs?: number;
}

/** @returns the allocations whose state changed. */
export async function trackAllocations(deps: TrackDeps, allocations: AllocationDoc[]): Promise<AllocationDoc[]> {
  const now = (deps.now ?? Date.now)();
  const changed: AllocationDoc[] = [];
  const byType = new Map<SchedulerType, AllocationDoc[]>();
  for (const a of allocations)
    if (a.state !== 'ended' && a.state !== 'requested') byType.set(a.provider, [...(byType.get(a.provider) ?? []), a]);
  for (const [type, docs] of byType) {
    const provider = deps.providers.get(type);
    const submitted = docs.filter((a) => a.provider_id !== undefined);
    const statuses = submitted.length ? await provider.status(submitted.map((a) => a.provider_id!)) : new Map();
    for (const doc of submitted) {
      const status = statuses.get(doc.provider_id!);
      if (!status) continue;
      const step = allocationTransition(doc, status, new Date(now).toISOString());
      if (!step) continue;
      const done = await deps.store.writeDocuments(doc.workflow, {
        update: [{ collection: 'allocations', key: doc._key, expect: step.expect, patch: step.patch }],
        events: [step.event],
      });
      if (done.ok) {
        changed.push(done.docs[0] as AllocationDoc);
        deps.logger.info(
          { allocation: doc._key, event: step.event.type, reason: step.patch.reason },
          'allocation changed',
        );
      }
    }
    const orphans = docs.filter((a) => a.provider_id === undefined && a.state === 'submitting');
    if (orphans.length) changed.push(...(await settleOrphans(deps, type, orphans, now)));
  }
  return changed;
}

async function settleOrphans(
  deps: TrackDeps,
  type: SchedulerType,
  orphans: AllocationDoc[],
  now: number,
): Promise<AllocationDoc[]> {
  const grace = deps.submitGraceMs ?? 120_000;
  const old = orphans.filter((a) => now - Date.parse(a.submitted_at) > grace);
  if (old.length === 0) return [];
  const known = new Map((await deps.providers.get(type).list()).map((s) => [s.allocation, s]));
  const changed: AllocationDoc[] = [];
  for (const doc of old) {
    const found = known.get(doc._key);
    if (found) {
      const adopted = await adoptAllocation(deps.store, doc, found.provider_id);
      if (adopted) changed.push(adopted);
      continue;
    }
    const done = await deps.store.writeDocuments(doc.workflow, {
      update: [
        {
          collection: 'allocations',
          key: doc._key,
          expect: { state: 'submitting' },
          patch: {
            state: 'ended',
            reason: 'failed',
            message: 'the submission was interrupted',
            ended_at: new Date(now).toISOString(),
          },
        },
      ],
      events: [{ type: 'allocation_failed', allocation: doc._key, message: 'the submission was interrupted' }],
    });
    if (done.ok) changed.push(done.docs[0] as AllocationDoc);
  }
  return changed;
}

/**
 * Record that the provider holds an allocation left `submitting` (a crash between its answer
 * and the record): `pending` with the provider's id, and an `allocation_submitted` event marked
 * `adopted`. Compare-and-set: undefined when another provisioner recorded it first.
 */
export async function adoptAllocation(
  store: Pick<GraphStore, 'writeDocuments'>,
  doc: Pick<AllocationDoc, '_key' | 'workflow'>,
  providerId: string,
): Promise<AllocationDoc | undefined> {
  const done = await store.writeDocuments(doc.workflow, {
    update: [
      {
        collection: 'allocations',
        key: doc._key,
        expect: { state: 'submitting' },
        patch: { state: 'pending', provider_id: providerId },
      },
    ],
    events: [{ type: 'allocation_submitted', allocation: doc._key, provider_id: providerId, adopted: true }],
  });
  return done.ok ? (done.docs[0] as AllocationDoc) : undefined;
}
