/**
 * Tokens through the API (admins only, route-rules.ts): create (the secret is in this one
 * answer only), list (never hashes or secrets), revoke.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { parseDuration } from '../../core/units.js';
import { issueToken, publicTokenRecord } from '../../graph/issue-token.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { principalOf } from '../auth/principal-context.js';
import { problems } from '../common/problem-schema.js';
import { CreatedTokenSchema, CreateTokenSchema, TokenInfoSchema, UserName, json } from './access-schemas.js';

const createTokenRoute = createRoute({
  method: 'post',
  path: '/api/v1/tokens',
  operationId: 'createToken',
  tags: ['access'],
  summary: 'Create a token for a user (admin); the secret is answered once and stored only as a hash',
  request: { body: { required: true, content: json(CreateTokenSchema) } },
  responses: {
    201: { description: 'Created', content: json(CreatedTokenSchema) },
    ...problems(400, 413, 415, 422),
  },
});

const listTokensRoute = createRoute({
  method: 'get',
  path: '/api/v1/tokens',
  operationId: 'listTokens',
  tags: ['access'],
  summary: 'List tokens (admin), oldest first; never their secrets or hashes',
  request: { query: z.object({ user: UserName.optional().openapi({ param: { name: 'user', in: 'query' } }) }) },
  responses: {
    200: { description: 'The tokens', content: json(z.object({ items: z.array(TokenInfoSchema) })) },
    ...problems(422),
  },
});

const revokeTokenRoute = createRoute({
  method: 'delete',
  path: '/api/v1/tokens/{key}',
  operationId: 'revokeToken',
  tags: ['access'],
  summary: 'Revoke a token (admin); it is refused from now on. Revoking twice keeps the first time',
  request: {
    params: z.object({
      key: z
        .string()
        .max(64)
        .openapi({ param: { name: 'key', in: 'path' } }),
    }),
  },
  responses: {
    200: { description: 'The revoked token', content: json(TokenInfoSchema) },
    ...problems(404),
  },
});

export function tokenRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(createTokenRoute, async (c) => {
    const body = c.req.valid('json');
    const issued = await issueToken(deps.store, {
      user: body.user,
      role: body.role,
      ...(body.expires !== undefined && { expiresInS: parseDuration(body.expires)! }),
      ...(body.workflows !== undefined && { workflows: body.workflows }),
      ...(body.label !== undefined && { label: body.label }),
      ...(principalOf(c) && { createdBy: principalOf(c)!.user }),
    });
    deps.logger?.info({ token: issued.record._key, user: body.user, role: body.role }, 'token created');
    return c.json({ token: issued.token, info: publicTokenRecord(issued.record) }, 201);
  });
  app.openapi(listTokensRoute, async (c) => {
    const tokens = await deps.store.listTokens(c.req.valid('query').user);
    return c.json({ items: tokens.map(publicTokenRecord) }, 200);
  });
  app.openapi(revokeTokenRoute, async (c) => {
    const revoked = await deps.store.revokeToken(c.req.valid('param').key, new Date().toISOString());
    deps.logger?.info({ token: revoked._key, user: revoked.user }, 'token revoked');
    return c.json(publicTokenRecord(revoked), 200);
  });
}
