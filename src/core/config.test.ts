import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
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

  it('names the bad variable', () => {
    expect(() => loadConfig({}, { JOBGRAPH_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({}, { JOBGRAPH_GRAPH: 'mongo' })).toThrow(/JOBGRAPH_GRAPH/);
    expect(() => loadConfig({}, { JOBGRAPH_WORKER_REDIS_URL: 'redis-host:6379' })).toThrow(/JOBGRAPH_WORKER_REDIS_URL/);
  });
});
