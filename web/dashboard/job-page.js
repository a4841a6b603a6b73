/**
 * `#/wf/KEY/job/JOB`: one job — its definition, every attempt's result (return code,
 * status, reason, node, duration, log paths, the tail of its output when the worker sent
 * one, resource use when recorded), its events, and cancel / run-again buttons.
 */
import { call, enc, eventStream, listAll } from './api.js';
import { FINAL_STATES, debounce, flash, fmtBytes, fmtDuration, fmtTime, guarded, h, stateChip, table } from './dom.js';
import { eventsPanel } from './events-panel.js';
import { usageCharts } from './usage-charts.js';

/** Result fields shown in their own places; any other field is listed under "Recorded". */
const SHOWN = new Set([
  '_key',
  '_id',
  '_rev',
  'workflow',
  'job',
  'attempt',
  'status',
  'return_code',
  'exec_time_s',
  'completion_time',
  'compute_node',
  'message',
  'stdout_path',
  'stderr_path',
  'stdout_tail',
  'stderr_tail',
]);

export function jobPage(main, wf, job) {
  const top = h('div', { id: 'job-top' });
  const attempts = h('section', { id: 'attempts-section' });
  const events = eventsPanel('Events of this job');
  main.replaceChildren(top, attempts, events.element);
  let stopped = false;

  async function refresh() {
    const [workflow, doc, results, computeNodes] = await Promise.all([
      call('GET', `/workflows/${enc(wf)}`),
      call('GET', `/workflows/${enc(wf)}/jobs/${enc(job)}`),
      listAll(`/workflows/${enc(wf)}/results?job=${enc(job)}`),
      listAll(`/workflows/${enc(wf)}/compute_nodes`),
    ]);
    if (stopped) return;
    const hosts = new Map(computeNodes.map((n) => [n._key, n.hostname]));
    const final = FINAL_STATES.has(doc.status);
    top.replaceChildren(
      h('p', {}, h('a', { href: `#/wf/${enc(wf)}` }, `← ${workflow.name}`)),
      h('h1', {}, doc.name, ' ', stateChip(doc.status)),
      h('p', { class: 'muted' }, `key ${doc._key} · attempt ${doc.attempt}`),
      h('pre', { class: 'command' }, doc.command),
      h(
        'div',
        { class: 'actions' },
        !final &&
          h(
            'button',
            {
              id: 'cancel-job',
              type: 'button',
              onclick: () => act(() => call('POST', `/workflows/${enc(wf)}/jobs/${enc(job)}/cancel`), 'Job canceled.'),
            },
            'Cancel job',
          ),
        final &&
          workflow.status !== 'created' &&
          h(
            'button',
            {
              id: 'restart-job',
              type: 'button',
              onclick: () =>
                act(
                  () => call('POST', `/workflows/${enc(wf)}/restart`, { jobs: [job] }),
                  'Job restarted (with everything downstream).',
                ),
            },
            'Run again',
          ),
      ),
    );
    top.dataset.status = doc.status;
    document.title = `${doc.name} · ${workflow.name} · jobgraph`;
    const sorted = [...results].sort((a, b) => b.attempt - a.attempt);
    attempts.replaceChildren(
      h('h2', {}, 'Attempts'),
      sorted.length
        ? table(
            ['Attempt', 'Status', 'Return code', 'Reason', 'Node', 'Duration', 'Finished'],
            sorted.map((r) => [
              String(r.attempt),
              stateChip(r.status),
              String(r.return_code),
              reason(r),
              hosts.get(r.compute_node) ?? r.compute_node ?? '—',
              fmtDuration(r.exec_time_s),
              fmtTime(r.completion_time),
            ]),
            { id: 'attempts' },
          )
        : h('p', { class: 'muted' }, 'No attempt has finished yet.'),
      // The latest attempt opens unfolded: it is the one a person looks at first.
      ...sorted.map((r, i) => attemptDetail(r, i === 0)),
    );
  }

  async function act(action, done) {
    const ok = await guarded(action);
    if (ok !== undefined) flash(done);
    await guarded(refresh);
  }

  const soon = debounce(() => guarded(refresh), 300);
  void guarded(refresh);
  const stream = eventStream(
    wf,
    (event) => {
      if (event.job !== job) return;
      events.add(event);
      soon();
    },
    (state) => events.setState(state),
  );
  return () => {
    stopped = true;
    stream.close();
  };
}

/** OOM, runtime limit, lost, canceled, interrupted — whatever the result says, briefly. */
function reason(r) {
  const parts = [];
  if (r.status_reason) parts.push(r.status_reason);
  if (r.lost) parts.push('worker lost');
  if (r.interrupted) parts.push('interrupted');
  if (r.message) parts.push(r.message);
  return parts.join('; ') || '—';
}

function attemptDetail(r, open) {
  const extra = Object.entries(r).filter(([k]) => !SHOWN.has(k));
  return h(
    'details',
    { class: 'attempt', 'data-attempt': String(r.attempt), open },
    h('summary', {}, `Attempt ${r.attempt}: ${r.status}, return code ${r.return_code}`),
    logBlock('stdout', r.stdout_path, r.stdout_tail),
    logBlock('stderr', r.stderr_path, r.stderr_tail),
    usageCharts(r),
    extra.length
      ? h(
          'div',
          { class: 'recorded' },
          h('h3', {}, 'Recorded'),
          table(
            ['Field', 'Value'],
            extra.map(([k, v]) => [k, formatValue(k, v)]),
            { class: 'resource-use' },
          ),
        )
      : null,
  );
}

function logBlock(stream, path, tail) {
  return h(
    'div',
    { class: `log ${stream}` },
    h(
      'h3',
      {},
      stream,
      ' ',
      path ? h('code', { class: 'log-path' }, path) : h('span', { class: 'muted' }, '(no file recorded)'),
    ),
    typeof tail === 'string'
      ? h('pre', { class: 'log-tail', 'data-stream': stream }, tail || '(empty)')
      : h(
          'p',
          { class: 'muted' },
          'The worker did not send the end of this output; it stays in the file above, where the job ran.',
        ),
  );
}

/** Bytes and seconds in readable units, by the field's name; anything else as JSON. */
function formatValue(field, value) {
  if (typeof value === 'number' && /bytes$/.test(field)) return fmtBytes(value);
  if (typeof value === 'number' && /_s$/.test(field)) return fmtDuration(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
