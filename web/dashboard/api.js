/**
 * Every request the dashboard makes goes through this module, so that credentials (a
 * bearer token, once the API has them) are added in one place: `setAuthorization`.
 */

const BASE = '/api/v1';
/** Headers sent with every request; `setAuthorization` fills in `authorization`. */
const headers = {};

/** Send `Authorization: <value>` with every later request (undefined: stop sending it). */
export function setAuthorization(value) {
  if (value === undefined) delete headers.authorization;
  else headers.authorization = value;
}

/** An API answer that was not 2xx: `status` and the problem's `detail` (or `title`). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * A 401 means no valid token (the server runs with auth and the login cookie is missing or
 * expired): go to the login page, which comes back here afterwards.
 */
function toLogin() {
  const here = location.pathname + location.search + location.hash;
  location.assign(`/login?next=${encodeURIComponent(here)}`);
}

/** Call the API: JSON in and out. @throws ApiError on a non-2xx answer (after a 401, the page is leaving for /login) */
export async function call(method, path, body) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(BASE + path, init);
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (res.status === 401) toLogin();
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

/** Every item of a paged list (`{items, total}`), read in pages of `pageSize`. */
export async function listAll(path, pageSize = 10000) {
  const items = [];
  const sep = path.includes('?') ? '&' : '?';
  for (;;) {
    const page = await call('GET', `${path}${sep}offset=${items.length}&limit=${pageSize}`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

/**
 * The live events of a workflow (Server-Sent Events), each handed to `onEvent` as its
 * document. The browser reconnects by itself and sends `Last-Event-ID`, so nothing is
 * missed or repeated across a reconnect. EventSource cannot send headers: with auth, the
 * same-origin login cookie authenticates it. A stream the server refused (a 401 closes an
 * EventSource for good) is followed by one plain call, which goes to /login on a 401.
 */
export function eventStream(wf, onEvent, onState) {
  const source = new EventSource(`${BASE}/workflows/${encodeURIComponent(wf)}/events/stream`);
  source.onmessage = (m) => onEvent(JSON.parse(m.data));
  source.addEventListener('stream_error', () => {
    source.close();
    onState?.('closed');
  });
  source.onopen = () => onState?.('live');
  source.onerror = () => {
    const closed = source.readyState === EventSource.CLOSED;
    onState?.(closed ? 'closed' : 'reconnecting');
    if (closed) call('GET', `/workflows/${encodeURIComponent(wf)}/status`).catch(() => undefined);
  };
  return { close: () => source.close() };
}

/** Workflow and job keys in paths. */
export const enc = encodeURIComponent;
