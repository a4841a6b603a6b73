import { z } from '@hono/zod-openapi';
import { ACCESS_LEVELS, MAX_PRINCIPAL_NAME, PRINCIPAL_NAME, PRINCIPAL_NAME_RULE, ROLES } from '../../core/access.js';
import { parseDuration } from '../../core/units.js';
import { MAX_NAME_LENGTH, NAME_TOO_LONG } from '../../core/schemas/string-limits.js';

/** Built from @hono/zod-openapi's `z` (core's schema lacks `.openapi` when loaded first). */
/** A JSON request or response body of `schema`, for route definitions. */
export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

export const UserName = z
  .string()
  .max(MAX_PRINCIPAL_NAME)
  .regex(PRINCIPAL_NAME, PRINCIPAL_NAME_RULE)
  .openapi({ example: 'alice' });

export const TokenInfoSchema = z
  .object({
    _key: z.string(),
    user: z.string(),
    role: z.enum(ROLES),
    workflows: z.array(z.string()).optional(),
    allocation: z.string().optional(),
    created_at: z.string(),
    created_by: z.string().optional(),
    expires_at: z.string().optional(),
    revoked_at: z.string().optional(),
    label: z.string().optional(),
  })
  .openapi('TokenInfo');

/** Longest lifetime a token may be given: a year (`--expires 365d`). */
const MAX_TOKEN_LIFETIME_S = 366 * 86400;

export const CreateTokenSchema = z
  .strictObject({
    user: UserName,
    role: z.enum(ROLES).default('user'),
    /** A duration (`30d`, `12h`, `PT1H`, seconds). */
    expires: z
      .union([z.string().max(64), z.number()])
      .optional()
      .refine((v) => v === undefined || (parseDuration(v) ?? 0) > 0, 'a duration such as 30d, 12h or PT1H')
      .refine((v) => v === undefined || (parseDuration(v) ?? 0) <= MAX_TOKEN_LIFETIME_S, 'at most 366d')
      .openapi({ example: '30d' }),
    workflows: z.array(z.string().min(1).max(MAX_NAME_LENGTH, NAME_TOO_LONG)).max(1000).optional(),
    label: z.string().max(200).optional(),
  })
  .openapi('CreateTokenRequest', { example: { user: 'alice', role: 'user', expires: '30d', label: 'laptop' } });

export const CreatedTokenSchema = z
  .object({ token: z.string().openapi({ description: 'The secret; shown this once only' }), info: TokenInfoSchema })
  .openapi('CreatedToken');

export const AccessGroupSchema = z
  .object({
    _key: z.string(),
    members: z.array(z.string()),
    created_at: z.string(),
    created_by: z.string().optional(),
  })
  .openapi('AccessGroup');

export const CreateAccessGroupSchema = z
  .strictObject({ name: UserName, members: z.array(UserName).max(10_000).default([]) })
  .openapi('CreateAccessGroupRequest', { example: { name: 'lab', members: ['alice', 'bob'] } });

export const AddMembersSchema = z
  .strictObject({ users: z.array(UserName).min(1).max(10_000) })
  .openapi('AddGroupMembersRequest', { example: { users: ['carol'] } });

export const ShareSchema = z
  .strictObject({ access: z.enum(ACCESS_LEVELS) })
  .openapi('WorkflowShare', { example: { access: 'read' } });

export const WhoAmISchema = z
  .object({
    user: z.string(),
    role: z.enum(ROLES),
    workflows: z.array(z.string()).optional(),
    auth: z.boolean().openapi({ description: 'false: the server runs without authentication' }),
  })
  .openapi('WhoAmI');
