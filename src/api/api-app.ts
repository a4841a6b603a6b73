import type { OpenAPIHono } from '@hono/zod-openapi';

/** The app type every route module registers on. */
export type ApiApp = OpenAPIHono;
