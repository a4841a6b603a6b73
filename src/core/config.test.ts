import { describe, expect, it } from 'vitest';
import { fenceMsOf, loadConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig({}, {});
    expect(c.JOBGRAPH_GRAPH).toBe('sqlite');
    expect(c.JOBGRAPH_PORT).toBe(8080);
    expect(c.REDIS_URL).toBeUndefined();
  });

  it('lets flags override the environment', () => {
    const c = loadConfig({ JOBGRAPH_PORT: 9000 }, { JOBGRAPH_PORT: '7000' });
    expect(c.JOBGRAPH_PORT).toBe(9000);
  });

  it('validates the reliability settings', () => {
    expect(loadConfig({}, {})).toMatchObject({
      JOBGRAPH_HEARTBEAT_MS: 10_000,
      JOBGRAPH_WORKER_TIMEOUT_MS: 30_000,
      JOBGRAPH_MAX_LOST_RERUNS: 3,
      JOBGRAPH_TERMINATE_GRACE_MS: 10_000,
      JOBGRAPH_RECONCILE_AGE_MS: 10_000,
      JOBGRAPH_SHUTDOWN_MS: 10_000,
    });
    expect(loadConfig({}, { JOBGRAPH_MAX_LOST_RERUNS: '0' }).JOBGRAPH_MAX_LOST_RERUNS).toBe(0);
    expect(() => loadConfig({}, { JOBGRAPH_HEARTBEAT_MS: '0' })).toThrow(/JOBGRAPH_HEARTBEAT_MS/);
    expect(() => loadConfig({}, { JOBGRAPH_WORKER_TIMEOUT_MS: 'soon' })).toThrow(/JOBGRAPH_WORKER_TIMEOUT_MS/);
    expect(() => loadConfig({}, { JOBGRAPH_MAX_LOST_RERUNS: '-1' })).toThrow(/JOBGRAPH_MAX_LOST_RERUNS/);
    expect(() => loadConfig({}, { JOBGRAPH_TERMINATE_GRACE_MS: '1.5' })).toThrow(/JOBGRAPH_TERMINATE_GRACE_MS/);
    expect(() => loadConfig({}, { JOBGRAPH_RECONCILE_AGE_MS: '-5' })).toThrow(/JOBGRAPH_RECONCILE_AGE_MS/);
    expect(() => loadConfig({}, { JOBGRAPH_SHUTDOWN_MS: '0' })).toThrow(/JOBGRAPH_SHUTDOWN_MS/);
    expect(() => loadConfig({}, { JOBGRAPH_HEARTBEAT_MS: '5000', JOBGRAPH_WORKER_TIMEOUT_MS: '5000' })).toThrow(
      /JOBGRAPH_WORKER_TIMEOUT_MS: must be longer than JOBGRAPH_HEARTBEAT_MS/,
    );
  });

  it('derives and validates the fencing timeout, naming the variable', () => {
    expect(fenceMsOf(loadConfig({}, {}))).toBe(20_000);
    expect(fenceMsOf(loadConfig({}, { JOBGRAPH_HEARTBEAT_MS: '500', JOBGRAPH_WORKER_TIMEOUT_MS: '1500' }))).toBe(1000);
    expect(fenceMsOf(loadConfig({}, { JOBGRAPH_FENCE_MS: '15000' }))).toBe(15_000);
    expect(() => loadConfig({}, { JOBGRAPH_FENCE_MS: '10000' })).toThrow(
      /JOBGRAPH_FENCE_MS: must be longer than JOBGRAPH_HEARTBEAT_MS/,
    );
    expect(() => loadConfig({}, { JOBGRAPH_FENCE_MS: '30000' })).toThrow(
      /JOBGRAPH_FENCE_MS: must be shorter than JOBGRAPH_WORKER_TIMEOUT_MS/,
    );
    expect(() => loadConfig({}, { JOBGRAPH_FENCE_MS: 'soon' })).toThrow(/JOBGRAPH_FENCE_MS/);
  });

  it('reads the input limits', () => {
    expect(loadConfig({}, {})).toMatchObject({ JOBGRAPH_MAX_BODY_BYTES: 64 * 1024 ** 2, JOBGRAPH_MAX_JOBS: 1_000_000 });
    expect(loadConfig({}, { JOBGRAPH_MAX_BODY_BYTES: '1048576', JOBGRAPH_MAX_JOBS: '500' })).toMatchObject({
      JOBGRAPH_MAX_BODY_BYTES: 1024 ** 2,
      JOBGRAPH_MAX_JOBS: 500,
    });
    expect(() => loadConfig({}, { JOBGRAPH_MAX_BODY_BYTES: '64m' })).toThrow(/JOBGRAPH_MAX_BODY_BYTES/);
    expect(() => loadConfig({}, { JOBGRAPH_MAX_BODY_BYTES: '10' })).toThrow(/JOBGRAPH_MAX_BODY_BYTES/);
    expect(() => loadConfig({}, { JOBGRAPH_MAX_JOBS: '0' })).toThrow(/JOBGRAPH_MAX_JOBS/);
    expect(loadConfig({}, {}).JOBGRAPH_MAX_STRING_BYTES).toBe(1024 ** 2);
    expect(loadConfig({}, { JOBGRAPH_MAX_STRING_BYTES: '262144' }).JOBGRAPH_MAX_STRING_BYTES).toBe(262_144);
    // Below the longest command (64 KiB) the generic cap would refuse what the schemas allow.
    expect(() => loadConfig({}, { JOBGRAPH_MAX_STRING_BYTES: '65536' })).toThrow(/JOBGRAPH_MAX_STRING_BYTES/);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({}, { JOBGRAPH_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({}, { JOBGRAPH_GRAPH: 'mongo' })).toThrow(/JOBGRAPH_GRAPH/);
    expect(() => loadConfig({}, { JOBGRAPH_WORKER_REDIS_URL: 'redis-host:6379' })).toThrow(/JOBGRAPH_WORKER_REDIS_URL/);
    expect(() => loadConfig({}, { JOBGRAPH_SPAWN_HELPER: 'perl' })).toThrow(/JOBGRAPH_SPAWN_HELPER/);
  });

  it('starts jobs through the Python helper when it can, unless told otherwise', () => {
    expect(loadConfig({}, {}).JOBGRAPH_SPAWN_HELPER).toBe('auto');
    expect(loadConfig({}, { JOBGRAPH_SPAWN_HELPER: 'node' }).JOBGRAPH_SPAWN_HELPER).toBe('node');
  });
});
