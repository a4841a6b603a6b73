/**
 * Once per start of a provisioner: everything the providers in use still hold for jobgraph
 * (`list`: EC2 instances by tag, Slurm jobs by name) is matched against the graph by the
 * allocation key it carries, and judged (orphan-decision.ts): kept, adopted, terminated with an
 * `allocation_orphan_terminated` event, or left alone with a warning. What a crash or a lost
 * reply left behind is thus either followed again or ended — never paid for unseen.
 */
import { NotFoundError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AllocationDoc, SchedulerType } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { workflowOfAllocation } from './allocation-names.js';
import { judgeListedAllocation, type GraphView } from './orphan-decision.js';
import type { ProviderRegistry } from './provider-registry.js';
import { adoptAllocation } from './track-allocations.js';

export interface SweepDeps {
  store: Pick<GraphStore, 'getWorkflow' | 'getDocument' | 'writeDocuments'>;
  providers: ProviderRegistry;
  logger: Logger;
}

/** What the sweep did, by allocation key. */
export interface SweepOutcome {
  kept: string[];
  adopted: string[];
  terminated: string[];
  left: string[];
  /** Workflows whose allocations were kept or adopted: a pass should follow them. */
  workflows: string[];
}

const notFound = <T>(err: unknown): T | undefined => {
  if (err instanceof NotFoundError) return undefined;
  throw err;
};

export async function sweepOrphans(deps: SweepDeps, types: Iterable<SchedulerType>): Promise<SweepOutcome> {
  const { store, providers, logger } = deps;
  const outcome: SweepOutcome = { kept: [], adopted: [], terminated: [], left: [], workflows: [] };
  const known = new Map<string, boolean>();
  const workflowKnown = async (wf: string) => {
    if (!known.has(wf)) known.set(wf, (await store.getWorkflow(wf).catch(notFound)) !== undefined);
    return known.get(wf)!;
  };
  for (const type of types) {
    const provider = providers.get(type);
    let listed;
    try {
      listed = await provider.list();
    } catch (err) {
      logger.warn({ err, provider: type }, 'sweep: could not list what the provider holds');
      continue;
    }
    for (const found of listed) {
      const workflow = found.allocation === undefined ? undefined : workflowOfAllocation(found.allocation);
      const view: GraphView = { workflowKnown: workflow !== undefined && (await workflowKnown(workflow)) };
      if (view.workflowKnown) {
        const record = await store.getDocument(workflow!, 'allocations', found.allocation!).catch(notFound);
        if (record) view.record = record as AllocationDoc;
      }
      const verdict = judgeListedAllocation(found, view);
      const key = found.allocation ?? found.provider_id;
      const log = { provider: type, provider_id: found.provider_id, allocation: found.allocation };
      try {
        switch (verdict.action) {
          case 'keep':
            outcome.kept.push(key);
            outcome.workflows.push(workflow!);
            break;
          case 'adopt':
            if (await adoptAllocation(store, { _key: key, workflow: workflow! }, found.provider_id)) {
              outcome.adopted.push(key);
              outcome.workflows.push(workflow!);
              logger.info(log, 'sweep: adopted an allocation whose submission was not recorded');
            }
            break;
          case 'terminate':
            await provider.cancel(found.provider_id);
            await store.writeDocuments(workflow!, {
              events: [
                {
                  type: 'allocation_orphan_terminated',
                  allocation: key,
                  provider: type,
                  provider_id: found.provider_id,
                  reason: verdict.reason,
                },
              ],
            });
            outcome.terminated.push(key);
            logger.warn({ ...log, reason: verdict.reason }, 'sweep: terminated an allocation nothing follows');
            break;
          case 'leave':
            outcome.left.push(key);
            logger.warn({ ...log, reason: verdict.reason }, 'sweep: left alone an allocation this graph does not own');
            break;
        }
      } catch (err) {
        logger.warn({ err, ...log, action: verdict.action }, 'sweep: could not settle an allocation');
      }
    }
  }
  outcome.workflows = [...new Set(outcome.workflows)];
  return outcome;
}
