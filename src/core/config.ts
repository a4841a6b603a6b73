/**
 * Configuration: one zod schema over environment variables, parsed once at process start.
 * CLI flags override the environment, which overrides the defaults below. This is the
 * only module that reads `process.env`.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { defaultFenceMs, fenceTimeoutProblem } from './fencing.js';
import { zodIssues } from './zod-issues.js';

/**
 * Largest request body the API reads (`JOBGRAPH_MAX_BODY_BYTES`): 64 MiB holds a spec of
 * several hundred thousand written-out jobs and a 10,000-item worker batch (~4 MB) many times
 * over, while a body that would take the API's memory is refused before it is read.
 */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 ** 2;

/**
 * Most jobs (and, separately, files) one workflow spec may expand to (`JOBGRAPH_MAX_JOBS`).
 * Measured: creating a 1,000,000-job sweep through the API peaks at ~2.4 GB of memory, and
 * Node's default heap is ~4 GB, so 2,000,000 would risk the process; a spec beyond the limit
 * is refused before it is expanded.
 */
export const DEFAULT_MAX_JOBS = 1_000_000;

/** Default floor of bounded promotion's watermark (`JOBGRAPH_QUEUE_FLOOR`, decision 0016). */
export const DEFAULT_QUEUE_FLOOR = 100;

/**
 * Longest string (or object key) of a request body or query parameter that no schema names
 * a smaller cap for (`JOBGRAPH_MAX_STRING_BYTES`), in UTF-8 bytes. 1 MiB is 16 times the
 * longest command (64 KiB) and far beyond any label or setting; a longer string is refused
 * 422 with its path before a route sees it. User data values (`data`) are exempt: they are
 * free-form JSON bounded by the body limit alone (docs/security.md).
 */
export const DEFAULT_MAX_STRING_BYTES = 1024 ** 2;

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();
const redisUrl = z.string().regex(/^(redis|rediss|unix):\/\//, 'must be a redis://, rediss:// or unix:// URL');

export const ConfigSchema = z
  .object({
    /** Graph store adapter. @default 'sqlite' */
    JOBGRAPH_GRAPH: z.enum(['sqlite', 'arango']).default('sqlite'),
    /** SQLite file. @default './.jobgraph/graph.sqlite' */
    JOBGRAPH_DB: z.string().min(1).default('./.jobgraph/graph.sqlite'),
    ARANGO_URL: z.url().optional(),
    ARANGO_DB: z.string().min(1).default('jobgraph'),
    ARANGO_USER: z.string().default('root'),
    ARANGO_PASSWORD: z.string().default(''),
    /** Redis for the queues, e.g. `redis://127.0.0.1:6379`. Unset: `jobgraph run` starts a private one. */
    REDIS_URL: redisUrl.optional(),
    /**
     * The Redis URL the API hands to workers, when they reach Redis under another name than
     * the API does (e.g. `redis://redis:6379` inside a compose network, a public address
     * outside it). @default REDIS_URL
     */
    JOBGRAPH_WORKER_REDIS_URL: redisUrl.optional(),
    /** BullMQ key prefix. @default 'jobgraph' */
    JOBGRAPH_QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('jobgraph'),
    /** API listen host and port. @default 127.0.0.1:8080 */
    JOBGRAPH_HOST: z.string().min(1).default('127.0.0.1'),
    JOBGRAPH_PORT: port.default(8080),
    /** API base URL for workers and CLI clients. @default 'http://127.0.0.1:8080' */
    JOBGRAPH_API: z.url().default('http://127.0.0.1:8080'),
    /** Bearer token workers and clients send to the API. */
    JOBGRAPH_TOKEN: z.string().min(1).optional(),
    /**
     * Require bearer tokens on the API (decision 0013): `on`, `off`, or `auto` — on whenever
     * the API listens on a non-loopback address. `jobgraph run` (loopback) stays open. @default 'auto'
     */
    JOBGRAPH_AUTH: z.enum(['auto', 'on', 'off']).default('auto'),
    /**
     * A token that always authenticates as user `admin` (role admin), for bootstrapping a
     * deployment without store access; at least 32 characters. Stored nowhere: only its hash is kept in memory.
     */
    JOBGRAPH_ADMIN_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
    /** TLS certificate and key (PEM files) for the API; both or neither. */
    JOBGRAPH_TLS_CERT: z.string().min(1).optional(),
    JOBGRAPH_TLS_KEY: z.string().min(1).optional(),
    /** Scheduler's periodic reconcile. @default 2000 */
    JOBGRAPH_RECONCILE_MS: positiveMs.default(2000),
    /**
     * The reconcile re-adds the queue entry of a job `queued` in the graph for longer than this
     * whose entry is missing or abandoned (Redis lost data, a taker died). @default 10000
     */
    JOBGRAPH_RECONCILE_AGE_MS: positiveMs.default(10_000),
    /**
     * Bounded promotion (decision 0016): each (workflow, resource class) queue is kept topped up
     * to `max(floor, 2 × the live workers' slots for its class)` entries; the other ready jobs
     * stay `ready` in the graph. `unbounded` promotes every ready job at once (the behaviour
     * before, kept for comparison). @default 100
     */
    JOBGRAPH_QUEUE_FLOOR: z
      .union([z.literal('unbounded'), z.coerce.number().int().positive()], {
        error: 'must be a positive integer or "unbounded"',
      })
      .default(DEFAULT_QUEUE_FLOOR),
    /**
     * A queued job that fits no live worker for this long gets a `job_unfit` event and a
     * `waiting` line in the workflow's status (issue 11). @default 30000
     */
    JOBGRAPH_UNFIT_WAIT_MS: positiveMs.default(30_000),
    /** Workers refresh their heartbeat this often (they learn it from the API at registration). @default 10000 */
    JOBGRAPH_HEARTBEAT_MS: positiveMs.default(10_000),
    /**
     * A heartbeat lives this long; a worker whose heartbeat has expired and stays missing for
     * one more heartbeat interval is declared lost by the scheduler. @default 30000
     */
    JOBGRAPH_WORKER_TIMEOUT_MS: positiveMs.default(30_000),
    /**
     * A worker whose heartbeat has not been renewed for this long terminates its jobs (as
     * interrupted) and takes no new ones until it renews again: they must be gone before the
     * scheduler can declare it lost and run them elsewhere (src/core/fencing.ts). Must lie
     * between `JOBGRAPH_HEARTBEAT_MS` and `JOBGRAPH_WORKER_TIMEOUT_MS`; workers learn it at
     * registration. @default halfway between the two (20000 with their defaults)
     */
    JOBGRAPH_FENCE_MS: positiveMs.optional(),
    /** Re-runs of a job after lost workers before it fails (a job's `max_lost_reruns` overrides). @default 3 */
    JOBGRAPH_MAX_LOST_RERUNS: z.coerce.number().int().nonnegative().default(3),
    /** Workers: time between SIGTERM and SIGKILL when terminating a job (runtime limit, stop). @default 10000 */
    JOBGRAPH_TERMINATE_GRACE_MS: positiveMs.default(10_000),
    /**
     * How long a process may take to stop after SIGTERM/SIGINT (or after its work ended): close
     * connections, flush reports. Where jobs are terminated (`worker start`, `run`) their
     * `JOBGRAPH_TERMINATE_GRACE_MS` is added. Past it the process exits anyway, non-zero. @default 10000
     */
    JOBGRAPH_SHUTDOWN_MS: positiveMs.default(10_000),
    /** The provisioner's period: allocation states are polled, auto-scaling decided, actions checked. @default 5000 */
    JOBGRAPH_PROVISION_MS: positiveMs.default(5000),
    /**
     * The API URL that workers in allocations (Slurm nodes, EC2 instances) call; it must be
     * reachable from them. @default the API's own address
     */
    JOBGRAPH_PUBLIC_API: z.url().optional(),
    /**
     * How nodes run the jobgraph CLI, as shell words (e.g. `/opt/jobgraph/bin/jobgraph.js`).
     * @default this installation: node and its bin/jobgraph.js by absolute path
     */
    JOBGRAPH_WORKER_COMMAND: z.string().min(1).optional(),
    /**
     * The EC2 instance metadata service a `worker start --imds` reads (the AWS SDK's variable
     * of the same name). @default 'http://169.254.169.254'
     */
    AWS_EC2_METADATA_SERVICE_ENDPOINT: z.url().default('http://169.254.169.254'),
    /** Workers with `--imds`: how often they look for Spot notices (EC2 recommends every 5 s). @default 5000 */
    JOBGRAPH_IMDS_POLL_MS: positiveMs.default(5000),
    /**
     * After a Spot interruption (or a preempted allocation) the provisioner asks for that
     * scheduler's next allocations outside that pool (instance type + zone) for this long.
     * @default 900000 (15 min)
     */
    JOBGRAPH_AWS_AVOID_POOL_MS: positiveMs.default(900_000),
    /** Largest request body the API reads; a larger one is answered 413 unread. @default 64 MiB */
    JOBGRAPH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_MAX_BODY_BYTES),
    /** Most jobs (and files) a workflow spec may expand to; checked before expanding. @default 1000000 */
    JOBGRAPH_MAX_JOBS: z.coerce.number().int().positive().default(DEFAULT_MAX_JOBS),
    /**
     * Longest string or key of a request body or query, in UTF-8 bytes, where no schema names
     * a smaller cap (names 256, commands/paths 64 KiB); user data values exempt. Refused 422.
     * At least 192 KiB, so that the longest command (64 Ki characters of up to 3 bytes) still fits.
     * @default 1 MiB
     */
    JOBGRAPH_MAX_STRING_BYTES: z.coerce
      .number()
      .int()
      .min(3 * 64 * 1024)
      .default(DEFAULT_MAX_STRING_BYTES),
    /**
     * Origins (comma list, e.g. `https://portal.example.org`) whose pages may call the API
     * from a browser (CORS). Unset: no `Access-Control-*` headers, so other origins are kept out.
     */
    JOBGRAPH_CORS_ORIGINS: z
      .string()
      .optional()
      .transform((v) =>
        (v ?? '')
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== ''),
      )
      .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'each origin must be scheme://host[:port], no path'))),
    /**
     * Which helper process starts the workers' jobs (decision 0018): `python` (posix_spawn, the
     * cheapest launch), `node`, or `auto` — Python ≥ 3.8 when one starts, else Node.
     */
    JOBGRAPH_SPAWN_HELPER: z.enum(['auto', 'python', 'node']).default('auto'),
    JOBGRAPH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((c) => c.JOBGRAPH_WORKER_TIMEOUT_MS > c.JOBGRAPH_HEARTBEAT_MS, {
    // A heartbeat that lives no longer than the interval between two of them would expire
    // between refreshes: every live worker would look lost.
    path: ['JOBGRAPH_WORKER_TIMEOUT_MS'],
    message: 'must be longer than JOBGRAPH_HEARTBEAT_MS',
  })
  .refine((c) => (c.JOBGRAPH_TLS_CERT === undefined) === (c.JOBGRAPH_TLS_KEY === undefined), {
    path: ['JOBGRAPH_TLS_KEY'],
    message: 'JOBGRAPH_TLS_CERT and JOBGRAPH_TLS_KEY go together: set both or neither',
  })
  .superRefine((c, ctx) => {
    if (c.JOBGRAPH_FENCE_MS === undefined) return;
    const problem = fenceTimeoutProblem(c.JOBGRAPH_FENCE_MS, c.JOBGRAPH_HEARTBEAT_MS, c.JOBGRAPH_WORKER_TIMEOUT_MS);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['JOBGRAPH_FENCE_MS'], message: problem });
  });

export type Config = z.infer<typeof ConfigSchema>;

/**
 * Parse `env` (default: this process's environment) merged with `overrides` (flags).
 * @throws ConfigError naming each bad variable.
 */
export function loadConfig(
  overrides: Partial<Record<keyof Config, string | number | undefined>> = {},
  env: Record<string, string | undefined> = process.env,
): Config {
  const picked: Record<string, unknown> = {};
  for (const name of Object.keys(ConfigSchema.shape)) {
    const flag = overrides[name as keyof Config];
    const value = flag !== undefined ? flag : env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  const result = ConfigSchema.safeParse(picked);
  if (!result.success) throw new ConfigError(zodIssues(result.error));
  return result.data;
}

/** The fencing timeout workers are given: `JOBGRAPH_FENCE_MS`, or the default derived from the heartbeat settings. */
export function fenceMsOf(config: Config): number {
  return config.JOBGRAPH_FENCE_MS ?? defaultFenceMs(config.JOBGRAPH_HEARTBEAT_MS, config.JOBGRAPH_WORKER_TIMEOUT_MS);
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether the API requires tokens: `JOBGRAPH_AUTH`, where `auto` means "unless it listens on loopback only". */
export function authRequired(config: Pick<Config, 'JOBGRAPH_AUTH' | 'JOBGRAPH_HOST'>): boolean {
  if (config.JOBGRAPH_AUTH === 'auto') return !isLoopbackHost(config.JOBGRAPH_HOST);
  return config.JOBGRAPH_AUTH === 'on';
}

/**
 * Where clients keep a token when `JOBGRAPH_TOKEN` is unset: `$XDG_CONFIG_HOME/jobgraph/token`,
 * else `~/.config/jobgraph/token`. The file must not be readable by others (0600).
 */
export function tokenFilePath(env: Record<string, string | undefined> = process.env): string | undefined {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? `${env.HOME}/.config` : undefined);
  return base === undefined ? undefined : `${base}/jobgraph/token`;
}

/** A copy of this process's environment, for child processes (job commands, redis-server). */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}
