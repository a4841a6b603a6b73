import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../api-app.js';
import { principalOf } from '../auth/principal-context.js';
import { WhoAmISchema } from './access-schemas.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/whoami',
  operationId: 'whoAmI',
  tags: ['access'],
  summary: 'The caller as its token says: user, role, and (worker tokens) the workflows it is for',
  responses: { 200: { description: 'The caller', content: { 'application/json': { schema: WhoAmISchema } } } },
});

/** `GET /api/v1/whoami`: how the CLI and the dashboard check a token; on a server without auth, an anonymous admin. */
export function whoAmIRoute(app: ApiApp): void {
  app.openapi(route, (c) => {
    const p = principalOf(c);
    if (!p) return c.json({ user: 'anonymous', role: 'admin' as const, auth: false }, 200);
    return c.json({ user: p.user, role: p.role, ...(p.workflows && { workflows: [...p.workflows] }), auth: true }, 200);
  });
}
