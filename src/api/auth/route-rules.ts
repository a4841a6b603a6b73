/**
 * Who may call what: one table, matched by method and path, first match wins. A request no
 * rule matches is for admins only (deny by default), so a route added without a rule is
 * closed, not open; the route test (test/api/route-access.test.ts) walks every operation
 * of the OpenAPI document through this table, and openapi-security.ts declares each rule's
 * requirement in the document.
 *
 * Patterns are written as in the OpenAPI document: `{name}` matches one path segment and a
 * trailing `/**` matches any rest (or none).
 */
import type { AccessLevel, Role } from '../../core/access.js';

/** What a matching request needs. */
export type RouteAccess =
  /** Anyone, signed in or not: health, the API documents, the login page. */
  | { kind: 'public' }
  /** A signed-in caller with one of `roles`. */
  | { kind: 'roles'; roles: readonly Role[] }
  /**
   * Access to the workflow of the `{wf}` segment: its owner, members of groups it is shared
   * with at `level`, admins, readers (`read` only) and, with `workers`, worker tokens scoped to it.
   */
  | { kind: 'workflow'; level: AccessLevel | 'own'; workers?: boolean }
  /**
   * The worker protocol: the workflows named in the body must be the caller's to work for
   * (a worker token's scope; a user's own or write-shared workflows; any for admins).
   */
  | { kind: 'worker-protocol' };

export interface RouteRule {
  /** Upper-case methods, or `*` for any. */
  methods: readonly string[] | '*';
  pattern: string;
  access: RouteAccess;
}

const PUBLIC: RouteAccess = { kind: 'public' };
const ADMIN: RouteAccess = { kind: 'roles', roles: ['admin'] };
const READ = ['GET', 'HEAD'] as const;
const CHANGE = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The rules, most specific first. */
export const ROUTE_RULES: readonly RouteRule[] = [
  { methods: READ, pattern: '/health', access: PUBLIC },
  { methods: READ, pattern: '/openapi.json', access: PUBLIC },
  // "Try it out" in the docs sends the bearer token the reader types in; the pages themselves are public.
  { methods: READ, pattern: '/docs/**', access: PUBLIC },
  { methods: ['GET', 'HEAD', 'POST'], pattern: '/login', access: PUBLIC },
  { methods: ['POST'], pattern: '/logout', access: PUBLIC },
  // The dashboard's page and static files hold no data (that comes from the API, under these
  // rules); public, so an anonymous browser gets the page that sends it to /login on a 401.
  { methods: READ, pattern: '/', access: PUBLIC },
  { methods: READ, pattern: '/ui/**', access: PUBLIC },
  { methods: READ, pattern: '/api/v1/whoami', access: { kind: 'roles', roles: ['admin', 'user', 'reader', 'worker'] } },
  { methods: '*', pattern: '/api/v1/tokens/**', access: ADMIN },
  { methods: '*', pattern: '/api/v1/access-groups/**', access: ADMIN },
  { methods: ['POST'], pattern: '/api/v1/workers', access: { kind: 'worker-protocol' } },
  { methods: ['POST'], pattern: '/api/v1/attempts/start', access: { kind: 'worker-protocol' } },
  { methods: ['POST'], pattern: '/api/v1/attempts/complete', access: { kind: 'worker-protocol' } },
  // Listing shows each caller only what it may read (list-workflows filters).
  { methods: READ, pattern: '/api/v1/workflows', access: { kind: 'roles', roles: ['admin', 'user', 'reader'] } },
  { methods: ['POST'], pattern: '/api/v1/workflows', access: { kind: 'roles', roles: ['admin', 'user'] } },
  // What a worker reads and writes of the workflow it works for (src/worker/api-client.ts).
  { methods: READ, pattern: '/api/v1/workflows/{wf}', access: { kind: 'workflow', level: 'read', workers: true } },
  {
    methods: READ,
    pattern: '/api/v1/workflows/{wf}/status',
    access: { kind: 'workflow', level: 'read', workers: true },
  },
  {
    methods: ['POST'],
    pattern: '/api/v1/workflows/{wf}/events',
    access: { kind: 'workflow', level: 'write', workers: true },
  },
  // Sharing and deleting are the owner's.
  { methods: '*', pattern: '/api/v1/workflows/{wf}/access-groups/**', access: { kind: 'workflow', level: 'own' } },
  { methods: ['DELETE'], pattern: '/api/v1/workflows/{wf}', access: { kind: 'workflow', level: 'own' } },
  { methods: READ, pattern: '/api/v1/workflows/{wf}/**', access: { kind: 'workflow', level: 'read' } },
  { methods: CHANGE, pattern: '/api/v1/workflows/{wf}/**', access: { kind: 'workflow', level: 'write' } },
  // bull-board can drain and retry any queue.
  { methods: '*', pattern: '/queues/**', access: ADMIN },
];

/** Where no rule matches. */
export const DEFAULT_ACCESS: RouteAccess = ADMIN;

/** A rule's pattern as a regular expression; `{name}` segments become named groups. */
function compile(pattern: string): RegExp {
  let rest = pattern;
  let tail = '';
  if (rest.endsWith('/**')) {
    rest = rest.slice(0, -3);
    tail = '(?:/.*)?';
  }
  const body = rest
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      return param ? `(?<${param[1]}>[^/]+)` : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${body}${tail}/?$`);
}

const COMPILED = ROUTE_RULES.map((rule) => ({ rule, regex: compile(rule.pattern) }));

/** The rule for a request, with the path parameters it captured. */
export interface MatchedRule {
  access: RouteAccess;
  /** The rule's pattern, or undefined for the default. */
  pattern?: string;
  params: Record<string, string>;
}

/** The first rule that matches `method` and `path` (an OpenAPI path or a request path), or the default. */
export function matchRouteRule(method: string, path: string): MatchedRule {
  const upper = method.toUpperCase();
  for (const { rule, regex } of COMPILED) {
    if (rule.methods !== '*' && !rule.methods.includes(upper)) continue;
    const m = regex.exec(path);
    if (m) return { access: rule.access, pattern: rule.pattern, params: decodeParams(m.groups ?? {}) };
  }
  return { access: DEFAULT_ACCESS, params: {} };
}

function decodeParams(groups: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups)) {
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}
