import type { Logger } from '../core/logger.js';
import type { GraphStore } from '../graph/graph-store.js';
import type { Notifier } from '../queue/notifications.js';

/** What the HTTP API needs from its process; `createApp` wires every route to these. */
export interface ApiDeps {
  /** The graph: the API is its one gateway for users and workers. */
  store: GraphStore;
  /** Handed to registering workers so they can reach the queues. */
  redisUrl: string;
  /** BullMQ key prefix the scheduler uses; handed to workers, read by the dashboard. */
  queuePrefix: string;
  /** Wakes the scheduler when jobs become ready. Absent: the scheduler's reconcile still finds them. */
  notifier?: Notifier;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Heartbeat timing handed to registering workers (`JOBGRAPH_HEARTBEAT_MS`,
   * `JOBGRAPH_WORKER_TIMEOUT_MS`, `JOBGRAPH_FENCE_MS`).
   */
  heartbeat?: { intervalMs: number; ttlMs: number; fenceMs?: number };
  /** Cap on re-runs of interrupted attempts for jobs without their own (`JOBGRAPH_MAX_LOST_RERUNS`). @default 3 */
  maxLostReruns?: number;
  /** Serve the bull-board queue dashboard at `/queues`. @default true */
  dashboard?: boolean;
  /**
   * Input limits (`JOBGRAPH_MAX_BODY_BYTES`, `JOBGRAPH_MAX_JOBS`, `JOBGRAPH_MAX_STRING_BYTES`).
   * @default the defaults of core/config.ts
   */
  limits?: { maxBodyBytes?: number; maxJobs?: number; maxStringBytes?: number };
  /** Browser origins allowed to call the API (`JOBGRAPH_CORS_ORIGINS`). @default none: CORS off */
  corsOrigins?: readonly string[];
  /**
   * Require tokens (decision 0013): every route but the public ones (health, documents,
   * login) needs a bearer token whose role and scope allow it. Absent: the API is open, as
   * the embedded `jobgraph run` on loopback is.
   */
  auth?: {
    /** sha256 of `JOBGRAPH_ADMIN_TOKEN`, a token that always authenticates as `admin`. */
    adminTokenHash?: string;
  };
}
