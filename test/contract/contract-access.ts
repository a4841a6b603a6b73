/**
 * GraphStore contract, part: tokens and access groups (decision 0013).
 */
import { describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../src/core/access.js';
import { ConflictError, NotFoundError } from '../../src/core/errors.js';
import { generateToken } from '../../src/core/tokens.js';
import type { ContractFixture } from './contract-fixture.js';

function tokenRecord(user: string, createdAt: string, extra: Partial<TokenRecord> = {}): TokenRecord {
  const { key, hash } = generateToken();
  return { _key: key, hash, user, role: 'user', created_at: createdAt, ...extra };
}

export function accessContract(fx: ContractFixture): void {
  describe('tokens and access groups', () => {
    it('finds a token by its hash only, and lists tokens oldest first, per user', async () => {
      const { store } = fx;
      const a = tokenRecord('alice', '2026-01-01T00:00:01.000Z');
      const b = tokenRecord('bob', '2026-01-01T00:00:02.000Z', { role: 'worker', workflows: ['w1'] });
      const c = tokenRecord('alice', '2026-01-01T00:00:03.000Z', { expires_at: '2026-02-01T00:00:00.000Z' });
      for (const t of [c, a, b]) await store.createToken(t);
      expect(await store.findTokenByHash(b.hash)).toEqual(b);
      expect(await store.findTokenByHash('0'.repeat(64))).toBeUndefined();
      expect((await store.listTokens()).map((t) => t._key)).toEqual([a._key, b._key, c._key]);
      expect(await store.listTokens('alice')).toEqual([a, c]);
      expect(await store.listTokens('nobody')).toEqual([]);
    });

    it('refuses a second token with the same key or hash', async () => {
      const { store } = fx;
      const a = tokenRecord('alice', '2026-01-01T00:00:00.000Z');
      await store.createToken(a);
      await expect(store.createToken({ ...tokenRecord('x', a.created_at), _key: a._key })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(store.createToken({ ...tokenRecord('x', a.created_at), hash: a.hash })).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await store.listTokens()).toEqual([a]);
    });

    it('revokes a token once: a second revocation keeps the first time', async () => {
      const { store } = fx;
      const a = tokenRecord('alice', '2026-01-01T00:00:00.000Z');
      await store.createToken(a);
      const first = await store.revokeToken(a._key, '2026-01-02T00:00:00.000Z');
      expect(first).toEqual({ ...a, revoked_at: '2026-01-02T00:00:00.000Z' });
      expect(await store.revokeToken(a._key, '2026-01-03T00:00:00.000Z')).toEqual(first);
      expect(await store.findTokenByHash(a.hash)).toEqual(first);
      await expect(store.revokeToken('missing', '2026-01-02T00:00:00.000Z')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('creates access groups, adds members once each, and lists the groups of a member', async () => {
      const { store } = fx;
      const at = '2026-01-01T00:00:00.000Z';
      await store.createAccessGroup({ _key: 'physics', members: ['alice'], created_at: at });
      await store.createAccessGroup({ _key: 'chemistry', members: [], created_at: at, created_by: 'admin' });
      await expect(store.createAccessGroup({ _key: 'physics', members: [], created_at: at })).rejects.toBeInstanceOf(
        ConflictError,
      );
      const grown = await store.addGroupMembers('chemistry', ['bob', 'alice', 'bob']);
      expect(grown.members).toEqual(['bob', 'alice']);
      expect((await store.addGroupMembers('chemistry', ['alice'])).members).toEqual(['bob', 'alice']);
      expect(await store.getAccessGroup('chemistry')).toEqual({
        _key: 'chemistry',
        members: ['bob', 'alice'],
        created_at: at,
        created_by: 'admin',
      });
      expect((await store.listAccessGroups()).map((g) => g._key)).toEqual(['chemistry', 'physics']);
      expect((await store.listAccessGroups('alice')).map((g) => g._key)).toEqual(['chemistry', 'physics']);
      expect((await store.listAccessGroups('bob')).map((g) => g._key)).toEqual(['chemistry']);
      await expect(store.getAccessGroup('none')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.addGroupMembers('none', ['x'])).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
