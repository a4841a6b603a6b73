/**
 * `#/wf/KEY`: one workflow — state counts, DAG, job table, live events, compute nodes and
 * allocations, and the buttons that steer it (start, cancel, restart failed). Live: each
 * event from the SSE stream schedules a refresh of what it can have changed.
 */
import { call, enc, eventStream, listAll } from './api.js';
import { drawDag } from './dag.js';
import { debounce, flash, fmtBytes, fmtTime, guarded, h, stateChip, table } from './dom.js';
import { eventsPanel } from './events-panel.js';
import { STATES } from './group-jobs.js';
import { jobTable } from './job-table.js';
import { progress } from './workflows-page.js';

export function workflowPage(main, wf, navigate) {
  const header = h('header', { id: 'wf-header' });
  const dag = h('div', { id: 'dag', class: 'dag-box' }, 'Laying out…');
  const dagNote = h('p', { class: 'muted', id: 'dag-note' });
  const jobs = jobTable(wf, (job) => navigate(`#/wf/${enc(wf)}/job/${enc(job)}`));
  const events = eventsPanel();
  const nodes = h('section', { id: 'nodes-section' });
  main.replaceChildren(
    header,
    h('section', { id: 'dag-section' }, h('h2', {}, 'Graph'), dagNote, dag),
    jobs.element,
    h('div', { class: 'two' }, events.element, nodes),
  );

  let stopped = false;
  let lastShape = '';
  async function refreshJobs() {
    const [workflow, status, jobList] = await Promise.all([
      call('GET', `/workflows/${enc(wf)}`),
      call('GET', `/workflows/${enc(wf)}/status`),
      listAll(`/workflows/${enc(wf)}/jobs`),
    ]);
    if (stopped) return;
    renderHeader(workflow, status);
    jobs.update(jobList);
    // The layout only changes with the jobs and edges; states recolour it.
    const shape = jobList.map((j) => `${j._key}:${j.status}`).join(',');
    if (shape !== lastShape) {
      lastShape = shape;
      const blocks = await listAll(`/workflows/${enc(wf)}/edges/blocks`);
      const key = (id) => id.slice(id.indexOf('/') + 1);
      const started = performance.now();
      const graph = await drawDag(
        dag,
        jobList,
        blocks.map((e) => [key(e._from), key(e._to)]),
        (node) =>
          node.group ? jobs.filterPattern(node.pattern) : navigate(`#/wf/${enc(wf)}/job/${enc(node.jobs[0])}`),
      );
      const grouped = graph.nodes.filter((n) => n.group).length;
      dagNote.textContent =
        `${jobList.length} jobs, ${blocks.length} dependencies drawn as ${graph.nodes.length} nodes` +
        (grouped ? ` (${grouped} parameter sweep group${grouped === 1 ? '' : 's'}; click one to list its jobs)` : '') +
        `; layout ${Math.round(performance.now() - started)} ms.` +
        (status.status === 'created' ? ' Dependencies through files are added when the workflow starts.' : '');
      dag.dataset.nodes = String(graph.nodes.length);
    }
  }

  function renderHeader(workflow, status) {
    const running = workflow.status === 'running';
    const finished = ['completed', 'failed', 'canceled'].includes(workflow.status);
    header.replaceChildren(
      h('p', {}, h('a', { href: '#/' }, '← Workflows')),
      h('h1', {}, workflow.name, ' ', stateChip(workflow.status)),
      h(
        'p',
        { class: 'muted' },
        `key ${workflow._key} · created ${fmtTime(workflow.created_at)}`,
        workflow.started_at ? ` · started ${fmtTime(workflow.started_at)}` : '',
        workflow.finished_at ? ` · finished ${fmtTime(workflow.finished_at)}` : '',
      ),
      h(
        'div',
        { class: 'summary' },
        progress(status.counts, status.total),
        h(
          'span',
          { id: 'wf-counts' },
          STATES.filter((s) => status.counts[s]).map((s) => stateChip(s, status.counts[s])),
        ),
        h('span', { class: 'muted' }, ` ${status.total} jobs`),
      ),
      h(
        'div',
        { class: 'actions' },
        workflow.status === 'created' &&
          button('start-workflow', 'Start', () => call('POST', `/workflows/${enc(wf)}/start`), 'started'),
        running &&
          button(
            'cancel-workflow',
            'Cancel workflow',
            () => call('POST', `/workflows/${enc(wf)}/cancel`),
            'canceled',
            true,
          ),
        (finished || running) &&
          (status.counts.failed || status.counts.canceled || status.counts.terminated) &&
          button(
            'restart-failed',
            'Restart failed',
            () => call('POST', `/workflows/${enc(wf)}/restart`, { failed_only: true }),
            'restarted',
          ),
        h('a', { href: '/queues', class: 'button-link' }, 'Queues'),
      ),
    );
    header.dataset.status = workflow.status;
    document.title = `${workflow.name} · jobgraph`;
  }

  function button(id, label, action, done, confirmFirst = false) {
    return h(
      'button',
      {
        id,
        type: 'button',
        onclick: async (e) => {
          if (confirmFirst && !window.confirm(`${label}?`)) return;
          e.target.disabled = true;
          const ok = await guarded(action);
          if (ok !== undefined) flash(`Workflow ${done}.`);
          await guarded(refreshAll);
        },
      },
      label,
    );
  }

  async function refreshNodes() {
    const [computeNodes, allocations] = await Promise.all([
      listAll(`/workflows/${enc(wf)}/compute_nodes`),
      listAll(`/workflows/${enc(wf)}/allocations`),
    ]);
    if (stopped) return;
    nodes.replaceChildren(
      h('h2', {}, 'Compute nodes'),
      computeNodes.length
        ? table(
            ['Host', 'Worker', 'CPUs', 'Memory', 'GPUs', 'Active', 'Started', 'Allocation'],
            computeNodes.map((n) => [
              n.hostname,
              h('code', {}, n.worker_id),
              String(n.num_cpus),
              fmtBytes(n.memory_bytes),
              String(n.num_gpus),
              n.is_active ? 'yes' : 'no',
              fmtTime(n.started_at),
              n.allocation ?? '—',
            ]),
            { id: 'compute-nodes' },
          )
        : h('p', { class: 'muted' }, 'No worker has run a job of this workflow yet.'),
      h('h2', {}, 'Allocations'),
      allocations.length
        ? table(
            ['Scheduler', 'Provider', 'Id', 'State', 'Nodes', 'Submitted', 'Ends', 'Reason'],
            allocations.map((a) => [
              a.scheduler_name,
              a.provider,
              a.provider_id ?? '—',
              stateChip(a.state),
              String(a.nodes),
              fmtTime(a.submitted_at),
              fmtTime(a.ended_at ?? a.ends_at),
              a.reason ?? a.message ?? '',
            ]),
            { id: 'allocations' },
          )
        : h('p', { class: 'muted' }, 'No allocations (compute was not requested through a scheduler).'),
    );
  }

  const refreshAll = () => Promise.all([refreshJobs(), refreshNodes()]);
  const jobsSoon = debounce(() => guarded(refreshJobs), 400);
  const nodesSoon = debounce(() => guarded(refreshNodes), 400);
  void guarded(refreshAll);
  const stream = eventStream(
    wf,
    (event) => {
      events.add(event);
      if (event.source === 'system') jobsSoon();
      if (/^(worker|allocation)_/.test(event.type) || event.type === 'job_started') nodesSoon();
    },
    (state) => events.setState(state),
  );
  return () => {
    stopped = true;
    stream.close();
  };
}
