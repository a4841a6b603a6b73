/**
 * The workflow's DAG: grouped by group-jobs.js, laid out by elkjs (layered), drawn as SVG.
 * elkjs is served from its npm package (`/ui/vendor/elk.js`, a script that defines `ELK`).
 */
import { STATES, groupJobs } from './group-jobs.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 170;
const NODE_H = 44;

/** Draw `jobs` and `blocks` into `container`; `onSelect(node)` on a click. Returns the grouped graph. */
export async function drawDag(container, jobs, blocks, onSelect) {
  const graph = groupJobs(jobs, blocks);
  if (graph.nodes.length === 0) {
    container.textContent = 'No jobs.';
    return graph;
  }
  // globalThis.ELK comes from the elkjs bundle loaded by index.html.
  const elk = new globalThis.ELK();
  const laid = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.edgeRouting': 'ORTHOGONAL',
    },
    children: graph.nodes.map((n) => ({ id: n.id, width: NODE_W, height: NODE_H })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const svg = el('svg', { width: laid.width + 20, height: laid.height + 20, class: 'dag', role: 'img' });
  svg.append(arrowHead());
  const root = el('g', { transform: 'translate(10,10)' });
  svg.append(root);
  for (const edge of laid.edges ?? []) {
    for (const s of edge.sections ?? []) {
      const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
      root.append(el('path', { d: 'M' + points.map((p) => `${p.x},${p.y}`).join(' L'), class: 'edge' }));
    }
  }
  for (const child of laid.children) {
    const node = byId.get(child.id);
    const g = el('g', {
      transform: `translate(${child.x},${child.y})`,
      class: `node ${node.group ? 'group' : 'state-' + Object.keys(node.counts)[0]}`,
      'data-node': node.id,
      tabindex: '0',
    });
    g.append(el('rect', { width: NODE_W, height: NODE_H, rx: 6 }));
    const label = el('text', { x: 8, y: 17 });
    label.textContent = truncate(node.label, 22);
    const sub = el('text', { x: 8, y: 33, class: 'sub' });
    sub.textContent = node.group ? `${node.jobs.length} jobs` : Object.keys(node.counts)[0];
    g.append(label, sub);
    if (node.group) g.append(statusBar(node.counts, node.jobs.length));
    const title = el('title', {});
    title.textContent = node.group ? `${node.label}: ${summary(node.counts)}` : node.label;
    g.append(title);
    g.addEventListener('click', () => onSelect(node));
    root.append(g);
  }
  container.replaceChildren(svg);
  return graph;
}

/** A thin stacked bar of states along the bottom of a group node. */
function statusBar(counts, total) {
  const g = el('g', { transform: `translate(0,${NODE_H - 5})` });
  let x = 0;
  for (const state of STATES) {
    const n = counts[state] ?? 0;
    if (!n) continue;
    const w = (n / total) * NODE_W;
    g.append(el('rect', { x, width: w, height: 5, class: `bar state-${state}` }));
    x += w;
  }
  return g;
}

function arrowHead() {
  const defs = el('defs', {});
  const marker = el('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto',
  });
  marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }));
  defs.append(marker);
  return defs;
}

/** "3 completed, 1 failed". */
export function summary(counts) {
  return STATES.filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
}

function truncate(text, n) {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

function el(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}
