import { describe, expect, it } from 'vitest';
import { mayAccessWorkflow, needsGroups, type Principal } from './workflow-access.js';

const alice: Principal = { user: 'alice', role: 'user' };
const bob: Principal = { user: 'bob', role: 'user' };
const wf = { _key: 'w1', user: 'alice', access_groups: { physics: 'read', chem: 'write', junk: 'admin' } };

describe('mayAccessWorkflow', () => {
  it('lets the owner read, change and own; another user nothing without a share', () => {
    for (const level of ['read', 'write', 'own'] as const) {
      expect(mayAccessWorkflow(alice, wf, level)).toBe(true);
      expect(mayAccessWorkflow(bob, wf, level)).toBe(false);
    }
  });

  it('grants members of shared groups what the share says, never ownership', () => {
    expect(mayAccessWorkflow(bob, wf, 'read', { groups: ['physics'] })).toBe(true);
    expect(mayAccessWorkflow(bob, wf, 'write', { groups: ['physics'] })).toBe(false);
    expect(mayAccessWorkflow(bob, wf, 'write', { groups: ['chem'] })).toBe(true);
    expect(mayAccessWorkflow(bob, wf, 'own', { groups: ['chem', 'physics'] })).toBe(false);
    // A malformed level shares nothing.
    expect(mayAccessWorkflow(bob, wf, 'read', { groups: ['junk'] })).toBe(false);
    expect(needsGroups(bob, wf)).toBe(true);
    expect(needsGroups(alice, wf)).toBe(false);
  });

  it('lets readers read everything and change nothing; admins do all', () => {
    const reader: Principal = { user: 'r', role: 'reader' };
    expect(mayAccessWorkflow(reader, wf, 'read')).toBe(true);
    expect(mayAccessWorkflow(reader, wf, 'write')).toBe(false);
    expect(mayAccessWorkflow({ user: 'root', role: 'admin' }, wf, 'own')).toBe(true);
  });

  it('lets a worker token act only on worker routes of the workflows it names', () => {
    const scoped: Principal = { user: 'alloc', role: 'worker', workflows: ['w1'] };
    expect(mayAccessWorkflow(scoped, wf, 'read', { workers: true })).toBe(true);
    expect(mayAccessWorkflow(scoped, wf, 'read')).toBe(false);
    expect(mayAccessWorkflow(scoped, { _key: 'w2', user: 'alice' }, 'read', { workers: true })).toBe(false);
    expect(mayAccessWorkflow(scoped, wf, 'own', { workers: true })).toBe(false);
    const pool: Principal = { user: 'pool', role: 'worker' };
    expect(mayAccessWorkflow(pool, { _key: 'w2' }, 'write', { workers: true })).toBe(true);
  });

  it('leaves a workflow without an owner to admins (and readers)', () => {
    expect(mayAccessWorkflow(alice, { _key: 'old' }, 'read')).toBe(false);
  });
});
