/** Small DOM helpers and formatters shared by the pages. */

/**
 * An element: `attrs` are attributes, except `on<event>` (a listener) and `class`;
 * children are nodes, strings, numbers, arrays of those, or null/undefined (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : String(c));
  }
}

/** A coloured state label, with a count when given. */
export function stateChip(state, n) {
  return h('span', { class: `chip state-${state}`, 'data-state': state }, n === undefined ? state : `${n} ${state}`);
}

/** A table of `rows` (arrays of cells), with `head` labels. */
export function table(head, rows, attrs = {}) {
  return h(
    'table',
    attrs,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((label) => h('th', {}, label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  );
}

/** A local date and time, or an em dash. */
export function fmtTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** `1 h 2 min`, `3.4 s`. */
export function fmtDuration(seconds) {
  if (seconds === undefined || seconds === null) return '—';
  if (seconds < 60) return `${Number(seconds).toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** `2.0 GiB`. */
export function fmtBytes(bytes) {
  if (bytes === undefined || bytes === null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** Show `message` in the page's status line (`kind`: info or error). */
export function flash(message, kind = 'info') {
  const line = document.getElementById('flash');
  if (!line) return;
  line.textContent = message;
  line.className = kind;
}

/** Run `action`, reporting its error in the status line instead of throwing. */
export async function guarded(action) {
  try {
    return await action();
  } catch (err) {
    flash(err.message ?? String(err), 'error');
    return undefined;
  }
}

/** Call `fn` at most once per `ms`, after the last of a burst of calls. */
export function debounce(fn, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

/** Job states that do not change any more (unless the workflow is restarted). */
export const FINAL_STATES = new Set(['completed', 'failed', 'canceled', 'terminated', 'disabled']);
