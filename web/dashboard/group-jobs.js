/**
 * The DAG as drawn: jobs of one parameter sweep collapse into one group node, so a
 * 10,000-job workflow is a handful of boxes. A sweep's jobs share their name with the
 * numbers taken out (`train_lr0.01_bs32` → `train_lr#.#_bs#`): that pattern is the group.
 * Pure, so the browser test can run it on a large workflow directly.
 */

/** The name of a job with every run of digits replaced by `#`. */
export function namePattern(name) {
  return name.replace(/\d+/g, '#');
}

/** Job states in the order a status bar shows them. */
export const STATES = [
  'completed',
  'running',
  'queued',
  'ready',
  'blocked',
  'uninitialized',
  'failed',
  'terminated',
  'canceled',
  'disabled',
];

/**
 * Nodes and edges to lay out.
 * @param jobs `{_key, name, status}` of every job
 * @param blocks `[from job key, to job key]` pairs
 * @param options.minGroup a pattern shared by at least this many jobs becomes one node (default 5)
 * @param options.maxNodes when more nodes than this remain, every shared pattern is grouped (default 300)
 * @returns nodes `{id, label, jobs: [keys], counts: {state: n}, group: boolean, pattern}` and
 *   edges `{id, source, target, count}` between distinct nodes
 */
export function groupJobs(jobs, blocks, options = {}) {
  const minGroup = options.minGroup ?? 5;
  const maxNodes = options.maxNodes ?? 300;
  const byPattern = new Map();
  for (const job of jobs) {
    const pattern = namePattern(job.name);
    let members = byPattern.get(pattern);
    if (!members) byPattern.set(pattern, (members = []));
    members.push(job);
  }
  let threshold = minGroup;
  const countNodes = (t) => [...byPattern.values()].reduce((n, m) => n + (m.length >= t ? 1 : m.length), 0);
  if (countNodes(threshold) > maxNodes) threshold = 2;

  const nodes = [];
  const nodeOf = new Map();
  for (const [pattern, members] of byPattern) {
    if (members.length >= threshold) {
      const id = `g:${pattern}`;
      nodes.push({
        id,
        label: pattern,
        pattern,
        group: true,
        jobs: members.map((j) => j._key),
        counts: count(members),
      });
      for (const j of members) nodeOf.set(j._key, id);
    } else {
      for (const j of members) {
        const id = `j:${j._key}`;
        nodes.push({ id, label: j.name, pattern, group: false, jobs: [j._key], counts: count([j]) });
        nodeOf.set(j._key, id);
      }
    }
  }
  const edges = new Map();
  for (const [from, to] of blocks) {
    const source = nodeOf.get(from);
    const target = nodeOf.get(to);
    if (!source || !target || source === target) continue;
    const id = `${source}->${target}`;
    const edge = edges.get(id);
    if (edge) edge.count += 1;
    else edges.set(id, { id, source, target, count: 1 });
  }
  return { nodes, edges: [...edges.values()] };
}

function count(jobs) {
  const counts = {};
  for (const j of jobs) counts[j.status] = (counts[j.status] ?? 0) + 1;
  return counts;
}

/** `step_2` before `step_10`: names compared with their digit runs as numbers. */
export function naturalCompare(a, b) {
  return collator.compare(a, b);
}
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
