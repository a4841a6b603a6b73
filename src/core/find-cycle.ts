/**
 * Find cycles in a directed graph. Iterative DFS (no recursion: a million-job chain must not
 * blow the stack), O(V + E), over nodes numbered 0..n-1 held in typed arrays: a million-job
 * sweep is checked twice (at create and at start), and Maps of strings per node cost seconds
 * there. A cycle is the node numbers on it in edge order with the first repeated at the end,
 * e.g. `[1, 2, 3, 1]`; callers turn numbers into names only for a cycle they report.
 */

/** Directed edges over nodes numbered 0..n-1: edge e runs from `from[e]` to `to[e]`. */
export interface NumberedEdges {
  from: ArrayLike<number>;
  to: ArrayLike<number>;
}

const WHITE = 0;
const GREY = 1;
const BLACK = 2;

/**
 * One cycle among nodes 0..n-1, or undefined when there is none. Searched from the nodes
 * 0..`starts`-1 in order, then from the other nodes with an out-edge in the order of their
 * first one; a node's out-edges are followed in edge order.
 */
export function findNumberedCycle(n: number, edges: NumberedEdges, starts = n): number[] | undefined {
  const { from, to } = edges;
  const m = from.length;
  // Out-edges grouped by source (counting sort, stable): node v's children are adj[first[v]..first[v+1]).
  const first = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) first[from[e]! + 1]!++;
  for (let v = 0; v < n; v++) first[v + 1]! += first[v]!;
  const fill = first.slice(0, n);
  const adj = new Int32Array(m);
  for (let e = 0; e < m; e++) adj[fill[from[e]!]!++] = to[e]!;

  const color = new Uint8Array(n);
  const parent = new Int32Array(n);
  // Each node is on the stack at most once: n entries suffice.
  const stackNode = new Int32Array(n);
  const stackNext = new Int32Array(n);
  const search = (start: number): number[] | undefined => {
    let top = 0;
    stackNode[0] = start;
    stackNext[0] = first[start]!;
    color[start] = GREY;
    while (top >= 0) {
      const node = stackNode[top]!;
      const i = stackNext[top]!;
      if (i >= first[node + 1]!) {
        color[node] = BLACK;
        top--;
        continue;
      }
      stackNext[top] = i + 1;
      const child = adj[i]!;
      if (color[child] === WHITE) {
        color[child] = GREY;
        parent[child] = node;
        top++;
        stackNode[top] = child;
        stackNext[top] = first[child]!;
      } else if (color[child] === GREY) {
        const cycle = [child];
        for (let v = node; v !== child; v = parent[v]!) cycle.push(v);
        // cycle = [child, node, parent(node), …]: reversed it walks the edges back to child.
        return [child, ...cycle.reverse()];
      }
    }
    return undefined;
  };
  // A node without an out-edge is on no cycle: not searched from.
  for (let s = 0; s < starts; s++) {
    if (color[s] !== WHITE || first[s + 1] === first[s]) continue;
    const cycle = search(s);
    if (cycle) return cycle;
  }
  for (let e = 0; e < m; e++) {
    const s = from[e]!;
    if (color[s] !== WHITE) continue;
    const cycle = search(s);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Every cycle a user must break, each reported once: find a cycle, set its nodes aside, look
 * again — so disjoint cycles are all named, and cycles sharing nodes are named through one of
 * them (breaking that one changes the others). At most `max` (the rest would be noise).
 * O(max · (V + E)).
 */
export function findNumberedCycles(n: number, edges: NumberedEdges, max = 20, starts = n): number[][] {
  const cycles: number[][] = [];
  let current = edges;
  while (cycles.length < max) {
    const cycle = findNumberedCycle(n, current, starts);
    if (!cycle) break;
    cycles.push(cycle);
    const aside = new Uint8Array(n);
    for (const v of cycle) aside[v] = 1;
    const from: number[] = [];
    const to: number[] = [];
    for (let e = 0; e < current.from.length; e++) {
      const a = current.from[e]!;
      const b = current.to[e]!;
      if (aside[a] || aside[b]) continue;
      from.push(a);
      to.push(b);
    }
    current = { from, to };
  }
  return cycles;
}
