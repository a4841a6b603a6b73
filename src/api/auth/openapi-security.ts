/**
 * The OpenAPI document's security (issue 15, part 3): the bearer scheme (and the login
 * cookie), each operation's requirement derived from its rule in route-rules.ts — so the
 * document and the middleware cannot disagree — and the 401/403 answers of every
 * operation that needs a token. Public operations declare `security: []`.
 */
import { matchRouteRule, type RouteAccess } from './route-rules.js';
import { TOKEN_COOKIE } from './authenticate.js';

/** The document parts this module reads and writes (a structural view of the OpenAPI 3.1 object). */
interface OpenApiLike {
  paths?: object;
  components?: object;
}

type Operation = {
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, unknown>;
  description?: string;
  'x-jobgraph-access'?: string;
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description: 'A jobgraph token (`jobgraph token create`), sent as `Authorization: Bearer <token>`.',
  },
  cookieAuth: {
    type: 'apiKey',
    in: 'cookie',
    name: TOKEN_COOKIE,
    description: 'The same token, as the login page (`/login`) stores it for the browser pages.',
  },
} as const;

const problemRef = { $ref: '#/components/schemas/Problem' };
const SECURITY_RESPONSES = {
  401: {
    description: 'No valid token (missing, unknown, expired or revoked)',
    content: { 'application/problem+json': { schema: problemRef } },
  },
  403: {
    description: 'The token is valid but its role, ownership or worker scope does not allow this',
    content: { 'application/problem+json': { schema: problemRef } },
  },
};

/** Words for the rule, as the operation's `x-jobgraph-access`. */
export function describeAccess(access: RouteAccess): string {
  switch (access.kind) {
    case 'public':
      return 'public';
    case 'roles':
      return `roles: ${access.roles.join(', ')}`;
    case 'workflow':
      return `workflow ${access.level === 'own' ? 'owner' : access.level}${access.workers ? ' (worker tokens of the workflow too)' : ''}`;
    case 'worker-protocol':
      return 'worker protocol: worker tokens for the workflows in the body, their users, admins';
  }
}

/** Add the schemes, per-operation security and 401/403 answers to `document` (in place), and return it. */
export function addSecurity<T extends OpenApiLike>(document: T): T {
  document.components = {
    ...document.components,
    securitySchemes: SECURITY_SCHEMES,
  };
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      const { access } = matchRouteRule(method, path);
      op['x-jobgraph-access'] = describeAccess(access);
      if (access.kind === 'public') {
        op.security = [];
        continue;
      }
      op.security = [{ bearerAuth: [] }, { cookieAuth: [] }];
      op.responses = { ...op.responses, ...SECURITY_RESPONSES };
    }
  }
  return document;
}
