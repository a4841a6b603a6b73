/**
 * Tokens and access groups in ArangoDB (decision 0013): collections `tokens` (unique
 * persistent index on `hash`, one on `user`) and `access_groups`, created by ensureSchema.
 * Documents are returned without `_id`/`_rev`, as the SQLite adapter stores them.
 */
import type { AccessGroup, TokenRecord } from '../../core/access.js';
import { NotFoundError } from '../../core/errors.js';
import { byCreation, mergeMembers } from '../access-records.js';
import type { ArangoContext } from './arango-context.js';

/** The access collections, for ensureSchema. */
export const ACCESS_COLLECTIONS = ['tokens', 'access_groups'] as const;

/** Indexes of the access collections, for ensureSchema. */
export const ACCESS_INDEXES: Array<{ collection: string; fields: string[]; unique?: boolean }> = [
  { collection: 'tokens', fields: ['hash'], unique: true },
  { collection: 'tokens', fields: ['user'] },
];

const STRIP = `UNSET(d, '_id', '_rev')`;

export async function createToken(ctx: ArangoContext, token: TokenRecord): Promise<TokenRecord> {
  await ctx.run.all({
    query: `INSERT @doc INTO tokens OPTIONS { overwriteMode: 'conflict' }`,
    bindVars: { doc: token },
  });
  return token;
}

export async function findTokenByHash(ctx: ArangoContext, hash: string): Promise<TokenRecord | undefined> {
  return ctx.run.one<TokenRecord>({
    query: `FOR d IN tokens FILTER d.hash == @hash LIMIT 1 RETURN ${STRIP}`,
    bindVars: { hash },
  });
}

export async function listTokens(ctx: ArangoContext, user?: string): Promise<TokenRecord[]> {
  const rows = await ctx.run.all<TokenRecord>({
    query: `FOR d IN tokens FILTER @user == null OR d.user == @user RETURN ${STRIP}`,
    bindVars: { user: user ?? null },
  });
  return rows.sort(byCreation);
}

export async function revokeToken(ctx: ArangoContext, key: string, at: string): Promise<TokenRecord> {
  // One query: the first revocation's time is kept whatever runs twice.
  const doc = await ctx.run.one<TokenRecord | null>({
    query: `
      LET d = DOCUMENT(CONCAT('tokens/', @key))
      FILTER d != null
      UPDATE d WITH { revoked_at: d.revoked_at == null ? @at : d.revoked_at } IN tokens
      RETURN UNSET(NEW, '_id', '_rev')`,
    bindVars: { key, at },
  });
  if (!doc) throw new NotFoundError('tokens', key);
  return doc;
}

export async function createAccessGroup(ctx: ArangoContext, group: AccessGroup): Promise<AccessGroup> {
  await ctx.run.all({
    query: `INSERT @doc INTO access_groups OPTIONS { overwriteMode: 'conflict' }`,
    bindVars: { doc: group },
  });
  return group;
}

export async function getAccessGroup(ctx: ArangoContext, name: string): Promise<AccessGroup> {
  const doc = await ctx.run.one<AccessGroup | null>({
    query: `LET d = DOCUMENT(CONCAT('access_groups/', @name)) RETURN d == null ? null : ${STRIP}`,
    bindVars: { name },
  });
  if (!doc) throw new NotFoundError('access_groups', name);
  return doc;
}

export async function addGroupMembers(ctx: ArangoContext, name: string, users: string[]): Promise<AccessGroup> {
  return ctx.transaction(['access_groups'], async (run) => {
    const group = await run.one<AccessGroup | null>({
      query: `LET d = DOCUMENT(CONCAT('access_groups/', @name)) RETURN d == null ? null : ${STRIP}`,
      bindVars: { name },
    });
    if (!group) throw new NotFoundError('access_groups', name);
    const members = mergeMembers(group.members, users);
    await run.all({
      query: `UPDATE @key WITH { members: @members } IN access_groups OPTIONS { mergeObjects: false }`,
      bindVars: { key: name, members },
    });
    return { ...group, members };
  });
}

export async function listAccessGroups(ctx: ArangoContext, member?: string): Promise<AccessGroup[]> {
  return ctx.run.all<AccessGroup>({
    query: `FOR d IN access_groups FILTER @member == null OR @member IN d.members SORT d._key RETURN ${STRIP}`,
    bindVars: { member: member ?? null },
  });
}
