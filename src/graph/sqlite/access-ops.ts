/**
 * Tokens and access groups in SQLite (decision 0013): a table each, the JSON document
 * beside the columns lookups use (`hash`, `user`).
 */
import type { AccessGroup, TokenRecord } from '../../core/access.js';
import { NotFoundError } from '../../core/errors.js';
import { byCreation, mergeMembers } from '../access-records.js';
import type { SqliteContext } from './sqlite-context.js';

type DocRow = { doc: string };

export function createToken(ctx: SqliteContext, token: TokenRecord): TokenRecord {
  ctx.write(() =>
    ctx
      .stmt('INSERT INTO tokens (_key, hash, user, doc) VALUES (?, ?, ?, ?)')
      .run(token._key, token.hash, token.user, JSON.stringify(token)),
  );
  return token;
}

export function findTokenByHash(ctx: SqliteContext, hash: string): TokenRecord | undefined {
  const row = ctx.read(() => ctx.stmt('SELECT doc FROM tokens WHERE hash = ?').get(hash) as DocRow | undefined);
  return row ? (JSON.parse(row.doc) as TokenRecord) : undefined;
}

export function listTokens(ctx: SqliteContext, user?: string): TokenRecord[] {
  const rows = ctx.read(
    () =>
      (user === undefined
        ? ctx.stmt('SELECT doc FROM tokens').all()
        : ctx.stmt('SELECT doc FROM tokens WHERE user = ?').all(user)) as DocRow[],
  );
  return rows.map((r) => JSON.parse(r.doc) as TokenRecord).sort(byCreation);
}

export function revokeToken(ctx: SqliteContext, key: string, at: string): TokenRecord {
  return ctx.write(() => {
    const row = ctx.stmt('SELECT doc FROM tokens WHERE _key = ?').get(key) as DocRow | undefined;
    if (!row) throw new NotFoundError('tokens', key);
    const token = JSON.parse(row.doc) as TokenRecord;
    if (token.revoked_at !== undefined) return token;
    const revoked = { ...token, revoked_at: at };
    ctx.stmt('UPDATE tokens SET doc = ? WHERE _key = ?').run(JSON.stringify(revoked), key);
    return revoked;
  });
}

export function createAccessGroup(ctx: SqliteContext, group: AccessGroup): AccessGroup {
  ctx.write(() =>
    ctx.stmt('INSERT INTO access_groups (_key, doc) VALUES (?, ?)').run(group._key, JSON.stringify(group)),
  );
  return group;
}

function readGroup(ctx: SqliteContext, name: string): AccessGroup {
  const row = ctx.stmt('SELECT doc FROM access_groups WHERE _key = ?').get(name) as DocRow | undefined;
  if (!row) throw new NotFoundError('access_groups', name);
  return JSON.parse(row.doc) as AccessGroup;
}

export function getAccessGroup(ctx: SqliteContext, name: string): AccessGroup {
  return ctx.read(() => readGroup(ctx, name));
}

export function addGroupMembers(ctx: SqliteContext, name: string, users: string[]): AccessGroup {
  return ctx.write(() => {
    const group = readGroup(ctx, name);
    const updated = { ...group, members: mergeMembers(group.members, users) };
    ctx.stmt('UPDATE access_groups SET doc = ? WHERE _key = ?').run(JSON.stringify(updated), name);
    return updated;
  });
}

export function listAccessGroups(ctx: SqliteContext, member?: string): AccessGroup[] {
  const rows = ctx.read(() => ctx.stmt('SELECT doc FROM access_groups ORDER BY _key').all() as DocRow[]);
  const groups = rows.map((r) => JSON.parse(r.doc) as AccessGroup);
  return member === undefined ? groups : groups.filter((g) => g.members.includes(member));
}
