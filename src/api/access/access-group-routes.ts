/**
 * Access groups (admins, route-rules.ts) and sharing a workflow with one (its owner):
 * torc's access groups. A share is kept on the workflow document as
 * `access_groups: {group: "read" | "write"}`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { principalOf } from '../auth/principal-context.js';
import { sharesOf } from '../auth/workflow-access.js';
import { problems } from '../common/problem-schema.js';
import { WorkflowSchema } from '../workflows/workflow-schema.js';
import { AccessGroupSchema, AddMembersSchema, CreateAccessGroupSchema, ShareSchema, json } from './access-schemas.js';

const groupParam = z
  .string()
  .max(64)
  .openapi({ param: { name: 'group', in: 'path' } });
const wfParam = z.string().openapi({ param: { name: 'wf', in: 'path' } });

const createGroupRoute = createRoute({
  method: 'post',
  path: '/api/v1/access-groups',
  operationId: 'createAccessGroup',
  tags: ['access'],
  summary: 'Create an access group (admin)',
  request: { body: { required: true, content: json(CreateAccessGroupSchema) } },
  responses: { 201: { description: 'Created', content: json(AccessGroupSchema) }, ...problems(409, 413, 415, 422) },
});

const listGroupsRoute = createRoute({
  method: 'get',
  path: '/api/v1/access-groups',
  operationId: 'listAccessGroups',
  tags: ['access'],
  summary: 'List access groups (admin)',
  responses: { 200: { description: 'The groups', content: json(z.object({ items: z.array(AccessGroupSchema) })) } },
});

const addMembersRoute = createRoute({
  method: 'post',
  path: '/api/v1/access-groups/{group}/members',
  operationId: 'addAccessGroupMembers',
  tags: ['access'],
  summary: 'Add users to an access group (admin)',
  request: { params: z.object({ group: groupParam }), body: { required: true, content: json(AddMembersSchema) } },
  responses: { 200: { description: 'The group', content: json(AccessGroupSchema) }, ...problems(404, 413, 415, 422) },
});

const shareRoute = createRoute({
  method: 'put',
  path: '/api/v1/workflows/{wf}/access-groups/{group}',
  operationId: 'shareWorkflow',
  tags: ['access'],
  summary: "Share a workflow with an access group, to read or to read and change (the workflow's owner)",
  request: {
    params: z.object({ wf: wfParam, group: groupParam }),
    body: { required: true, content: json(ShareSchema) },
  },
  responses: { 200: { description: 'The workflow', content: json(WorkflowSchema) }, ...problems(404, 413, 415, 422) },
});

const unshareRoute = createRoute({
  method: 'delete',
  path: '/api/v1/workflows/{wf}/access-groups/{group}',
  operationId: 'unshareWorkflow',
  tags: ['access'],
  summary: "Stop sharing a workflow with an access group (the workflow's owner)",
  request: { params: z.object({ wf: wfParam, group: groupParam }) },
  responses: { 200: { description: 'The workflow', content: json(WorkflowSchema) }, ...problems(404) },
});

export function accessGroupRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(createGroupRoute, async (c) => {
    const { name, members } = c.req.valid('json');
    const createdBy = principalOf(c)?.user;
    const group = await deps.store.createAccessGroup({
      _key: name,
      members: [...new Set(members)],
      created_at: new Date().toISOString(),
      ...(createdBy !== undefined && { created_by: createdBy }),
    });
    return c.json(group, 201);
  });
  app.openapi(listGroupsRoute, async (c) => c.json({ items: await deps.store.listAccessGroups() }, 200));
  app.openapi(addMembersRoute, async (c) => {
    const group = await deps.store.addGroupMembers(c.req.valid('param').group, c.req.valid('json').users);
    return c.json(group, 200);
  });
  app.openapi(shareRoute, async (c) => {
    const { wf, group } = c.req.valid('param');
    await deps.store.getAccessGroup(group); // 404 for an unknown group
    const shares = Object.fromEntries(sharesOf((await deps.store.getWorkflow(wf)).access_groups));
    const updated = await deps.store.updateWorkflow(wf, {
      access_groups: { ...shares, [group]: c.req.valid('json').access },
    });
    return c.json(updated, 200);
  });
  app.openapi(unshareRoute, async (c) => {
    const { wf, group } = c.req.valid('param');
    const shares = sharesOf((await deps.store.getWorkflow(wf)).access_groups);
    shares.delete(group);
    const updated = await deps.store.updateWorkflow(wf, { access_groups: Object.fromEntries(shares) });
    return c.json(updated, 200);
  });
}
