/**
 * Find one cycle in a directed graph, or undefined when it is acyclic.
 * Iterative DFS (no recursion: a million-job chain must not blow the stack), O(V + E).
 * Returns the node ids on the cycle in edge order with the first repeated at the end,
 * e.g. `['a', 'b', 'c', 'a']`.
 */
export function findCycle(nodes: Iterable<string>, edges: Iterable<readonly [string, string]>): string[] | undefined {
  // Out-edges of the nodes that have any: a node without one is on no cycle, and a sweep of a
  // million jobs with one fan-in has a million of them (an empty array each, before).
  const out = new Map<string, string[]>();
  for (const [from, to] of edges) {
    const next = out.get(from);
    if (next) next.push(to);
    else out.set(from, [to]);
  }
  const NONE: readonly string[] = [];
  const GREY = 1;
  const BLACK = 2;
  const color = new Map<string, number>();
  const parent = new Map<string, string>();
  const search = (start: string): string[] | undefined => {
    if (color.has(start)) return undefined;
    const stack: Array<[string, number]> = [[start, 0]];
    color.set(start, GREY);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      const next = out.get(node) ?? NONE;
      if (i >= next.length) {
        color.set(node, BLACK);
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      const child = next[i]!;
      const c = color.get(child);
      if (c === undefined) {
        color.set(child, GREY);
        parent.set(child, node);
        stack.push([child, 0]);
      } else if (c === GREY) {
        const cycle = [child];
        for (let n = node; n !== child; n = parent.get(n)!) cycle.push(n);
        // cycle = [child, node, parent(node), …]: reversed it walks the edges back to child.
        return [child, ...cycle.reverse()];
      }
    }
    return undefined;
  };
  // Searched from the nodes in their given order, then from nodes only the edges name: the
  // same first cycle as a search from every node would find.
  for (const start of nodes) {
    const cycle = out.has(start) ? search(start) : undefined;
    if (cycle) return cycle;
  }
  for (const start of out.keys()) {
    const cycle = search(start);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Every cycle a user must break, each reported once: find a cycle, set its jobs aside, look
 * again — so disjoint cycles are all named, and cycles sharing jobs are named through one of
 * them (breaking that one changes the others). At most `max` (the rest would be noise).
 * O(max · (V + E)).
 */
export function findCycles(nodes: Iterable<string>, edges: Iterable<readonly [string, string]>, max = 20): string[][] {
  const nodeList = [...nodes];
  let edgeList = [...edges];
  const cycles: string[][] = [];
  while (cycles.length < max) {
    const cycle = findCycle(nodeList, edgeList);
    if (!cycle) break;
    cycles.push(cycle);
    const aside = new Set(cycle);
    edgeList = edgeList.filter(([from, to]) => !aside.has(from) && !aside.has(to));
  }
  return cycles;
}
