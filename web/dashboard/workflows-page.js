/** `#/`: every workflow, newest first, with its job counts per state. Refreshed every few seconds. */
import { call } from './api.js';
import { fmtTime, h, stateChip, table } from './dom.js';
import { STATES } from './group-jobs.js';

const REFRESH_MS = 3000;

export function workflowsPage(main) {
  let timer;
  let stopped = false;
  async function render() {
    const page = await call('GET', '/workflows?limit=200');
    const workflows = [...page.items].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    const statuses = await Promise.all(
      workflows.map((wf) => call('GET', `/workflows/${encodeURIComponent(wf._key)}/status`).catch(() => undefined)),
    );
    if (stopped) return;
    const rows = workflows.map((wf, i) => {
      const st = statuses[i];
      return [
        h('a', { href: `#/wf/${encodeURIComponent(wf._key)}`, class: 'wf-link' }, wf.name),
        h('code', {}, wf._key),
        stateChip(wf.status),
        fmtTime(wf.created_at),
        st ? String(st.total) : '—',
        st ? progress(st.counts, st.total) : '',
        st
          ? h(
              'span',
              { class: 'counts' },
              STATES.filter((s) => st.counts[s]).map((s) => stateChip(s, st.counts[s])),
            )
          : '',
      ];
    });
    main.replaceChildren(
      h('h1', {}, 'Workflows'),
      h('p', { class: 'muted' }, `${page.total} workflow${page.total === 1 ? '' : 's'}`),
      workflows.length
        ? table(['Name', 'Key', 'Status', 'Created', 'Jobs', 'Progress', 'Jobs per state'], rows, { id: 'workflows' })
        : h('p', {}, 'No workflows yet. Create one with `jobgraph workflow create SPEC` or POST /api/v1/workflows.'),
    );
  }
  const loop = async () => {
    await render().catch((err) => main.replaceChildren(h('p', { class: 'error' }, String(err.message ?? err))));
    if (!stopped) timer = setTimeout(loop, REFRESH_MS);
  };
  void loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** A stacked bar of the final states (and running) out of `total`. */
export function progress(counts, total) {
  const bar = h('div', { class: 'progress', title: `${counts.completed ?? 0} of ${total} completed` });
  for (const state of ['completed', 'failed', 'terminated', 'canceled', 'running']) {
    const n = counts[state] ?? 0;
    if (n && total) bar.append(h('span', { class: `state-${state}`, style: `width:${(100 * n) / total}%` }));
  }
  return bar;
}
