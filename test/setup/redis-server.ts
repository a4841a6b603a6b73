/**
 * Vitest global setup: one real redis-server on a private port for the whole run
 * (tests isolate themselves with their own queue prefix). Tests read its URL with
 * `inject('redisUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { startPrivateRedis } from '../../src/queue/private-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const redis = await startPrivateRedis();
  project.provide('redisUrl', redis.url);
  return async () => redis.stop();
}
