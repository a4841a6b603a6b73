/**
 * The job table of a workflow page: filter by state and name, sort by any column (names
 * naturally: `step_2` before `step_10`). At most ROW_LIMIT rows are drawn; a note says so.
 */
import { h, stateChip } from './dom.js';
import { STATES, naturalCompare, namePattern } from './group-jobs.js';

const ROW_LIMIT = 500;

const COLUMNS = [
  { id: 'name', label: 'Name', compare: (a, b) => naturalCompare(a.name, b.name) },
  { id: 'status', label: 'Status', compare: (a, b) => STATES.indexOf(a.status) - STATES.indexOf(b.status) },
  { id: 'attempt', label: 'Attempt', compare: (a, b) => (a.attempt ?? 0) - (b.attempt ?? 0) },
  {
    id: 'blockers',
    label: 'Waiting on',
    compare: (a, b) => (a.unfinished_blockers ?? 0) - (b.unfinished_blockers ?? 0),
  },
  { id: 'key', label: 'Key', compare: (a, b) => a._key.localeCompare(b._key) },
];

/** A table element with `update(jobs)` and `filterPattern(pattern)` (from a DAG group click). */
export function jobTable(wf, onOpen) {
  const state = { status: '', text: '', pattern: '', sort: 'name', descending: false, jobs: [] };
  const statusSelect = h('select', {
    id: 'job-status-filter',
    'aria-label': 'Filter by state',
    onchange: () => {
      state.status = statusSelect.value;
      draw();
    },
  });
  const textInput = h('input', {
    id: 'job-name-filter',
    type: 'search',
    placeholder: 'name contains…',
    oninput: () => {
      state.text = textInput.value;
      state.pattern = '';
      draw();
    },
  });
  const note = h('span', { class: 'muted' });
  const body = h('tbody');
  const headRow = h('tr');
  const root = h(
    'section',
    { id: 'jobs-section' },
    h('h2', {}, 'Jobs'),
    h('div', { class: 'filters' }, statusSelect, textInput, note),
    h('table', { id: 'jobs' }, h('thead', {}, headRow), body),
  );

  function draw() {
    const text = state.text.toLowerCase();
    let rows = state.jobs.filter(
      (j) =>
        (!state.status || j.status === state.status) &&
        (!text || j.name.toLowerCase().includes(text)) &&
        (!state.pattern || namePattern(j.name) === state.pattern),
    );
    const column = COLUMNS.find((c) => c.id === state.sort);
    rows = rows.sort((a, b) => (state.descending ? -1 : 1) * column.compare(a, b));
    headRow.replaceChildren(
      ...COLUMNS.map((c) =>
        h(
          'th',
          {
            class: 'sortable',
            'data-column': c.id,
            'aria-sort': c.id === state.sort ? (state.descending ? 'descending' : 'ascending') : 'none',
            onclick: () => {
              state.descending = state.sort === c.id ? !state.descending : false;
              state.sort = c.id;
              draw();
            },
          },
          c.label + (c.id === state.sort ? (state.descending ? ' ▾' : ' ▴') : ''),
        ),
      ),
    );
    body.replaceChildren(
      ...rows.slice(0, ROW_LIMIT).map((j) =>
        h(
          'tr',
          { 'data-job': j._key, 'data-name': j.name },
          h(
            'td',
            {},
            h(
              'a',
              {
                href: `#/wf/${encodeURIComponent(wf)}/job/${encodeURIComponent(j._key)}`,
                onclick: (e) => {
                  e.preventDefault();
                  onOpen(j._key);
                },
              },
              j.name,
            ),
          ),
          h('td', {}, stateChip(j.status)),
          h('td', {}, String(j.attempt ?? '')),
          h('td', {}, j.unfinished_blockers ? String(j.unfinished_blockers) : ''),
          h('td', {}, h('code', {}, j._key)),
        ),
      ),
    );
    const shown = Math.min(rows.length, ROW_LIMIT);
    note.textContent =
      `${rows.length} of ${state.jobs.length} jobs` +
      (state.pattern ? ` matching ${state.pattern}` : '') +
      (shown < rows.length ? ` (first ${shown} shown: filter to narrow)` : '');
  }

  return {
    element: root,
    update(jobs) {
      state.jobs = jobs;
      const present = STATES.filter((s) => jobs.some((j) => j.status === s));
      const current = state.status;
      statusSelect.replaceChildren(
        h('option', { value: '' }, 'all states'),
        ...present.map((s) => h('option', { value: s, selected: s === current }, s)),
      );
      draw();
    },
    filterPattern(pattern) {
      state.pattern = pattern;
      state.text = '';
      textInput.value = '';
      draw();
      root.scrollIntoView({ behavior: 'smooth' });
    },
  };
}
