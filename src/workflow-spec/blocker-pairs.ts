import type { WorkflowBundle } from '../core/model.js';

/**
 * Every job's blockers in a built bundle, by `_id`: its explicit `blocks` edges plus those the
 * store derives at start — the producer of each file it needs and the writer of each user-data
 * item it consumes (never itself). What a dry run plans with and tests count.
 */
export function blockerPairs(bundle: WorkflowBundle): Map<string, Set<string>> {
  const blockers = new Map<string, Set<string>>((bundle.documents.jobs ?? []).map((j) => [j._id, new Set<string>()]));
  for (const e of bundle.edges.blocks ?? []) blockers.get(e._to)!.add(e._from);
  for (const [out, inp] of [
    ['produces', 'needs'],
    ['stores', 'consumes'],
  ] as const) {
    const writers = new Map<string, string[]>();
    for (const e of bundle.edges[out] ?? []) writers.set(e._to, [...(writers.get(e._to) ?? []), e._from]);
    for (const e of bundle.edges[inp] ?? [])
      for (const w of writers.get(e._to) ?? []) if (w !== e._from) blockers.get(e._from)!.add(w);
  }
  return blockers;
}
