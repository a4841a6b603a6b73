/**
 * Job and workflow references: what a user types (`jobgraph logs demo step_2`) to what the
 * store keys by. Built on the port's equality filters, so both adapters answer it the same way
 * (contract: test/contract/contract-refs.ts).
 *
 * Resolution order, for a job: a job whose `_key` is the reference wins; otherwise the job whose
 * `name` is the reference (names are unique within a workflow). So when one job's key equals
 * another job's name, the string means the keyed job — keys are what the system itself writes
 * and must stay unambiguous; the named job is still reachable by its own key. Workflows: the key
 * first, then the name when exactly one workflow carries it (several: a conflict listing them).
 */
import { ConflictError, NotFoundError } from '../core/errors.js';
import type { GraphStore } from './graph-store.js';

/** Most workflows named in an ambiguity error. */
const MAX_NAMED = 5;

/** The key of the workflow `ref` names (key, else unique name). @throws NotFoundError, ConflictError */
export async function resolveWorkflowRef(store: GraphStore, ref: string): Promise<string> {
  try {
    return (await store.getWorkflow(ref))._key;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const named = await store.listWorkflows({ filter: { name: ref }, limit: MAX_NAMED });
  if (named.total === 1) return named.items[0]!._key;
  if (named.total === 0) throw new NotFoundError('workflows', ref);
  const keys = named.items.map((w) => w._key).join(', ');
  throw new ConflictError(
    `${named.total} workflows are named "${ref}" (${keys}${named.total > MAX_NAMED ? ', …' : ''}): use a key`,
    { name: ref, keys: named.items.map((w) => w._key) },
  );
}

/** The key of the job `ref` names in `workflow` (key, else name). @throws NotFoundError */
export async function resolveJobRef(store: GraphStore, workflow: string, ref: string): Promise<string> {
  try {
    return (await store.getDocument(workflow, 'jobs', ref))._key;
  } catch (err) {
    if (!(err instanceof NotFoundError) || err.collection !== 'jobs') throw err;
  }
  const named = await store.listDocuments(workflow, 'jobs', { filter: { name: ref }, limit: 1 });
  const job = named.items[0];
  if (!job) throw new NotFoundError('jobs', ref);
  return job._key;
}
