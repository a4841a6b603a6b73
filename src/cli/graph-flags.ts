/**
 * Flags shared by the commands that open the graph store or Redis (server, api, scheduler,
 * export, import). They map one-to-one onto Config keys, so flags override the environment.
 */
import { Option, type Command } from 'commander';
import type { Config } from '../core/config.js';

export interface GraphFlags {
  graph?: string;
  db?: string;
  arangoUrl?: string;
  arangoDb?: string;
  redisUrl?: string;
  queuePrefix?: string;
}

/**
 * Adds the store and Redis flags. `withDb: false` leaves out `--db` for a command whose client
 * flags already have it (api-client-flags.ts: the same SQLite file, opened in this process).
 */
export function addGraphFlags(command: Command, { withDb = true }: { withDb?: boolean } = {}): Command {
  command.addOption(new Option('--graph <adapter>', 'graph store: sqlite or arango (env JOBGRAPH_GRAPH)'));
  if (withDb) command.option('--db <path>', 'SQLite file (env JOBGRAPH_DB, default ./.jobgraph/graph.sqlite)');
  return command
    .option('--arango-url <url>', 'ArangoDB URL (env ARANGO_URL)')
    .option('--arango-db <name>', 'ArangoDB database (env ARANGO_DB)')
    .option('--redis-url <url>', 'Redis for the queues (env REDIS_URL)')
    .option('--queue-prefix <prefix>', 'BullMQ key prefix (env JOBGRAPH_QUEUE_PREFIX)');
}

export function graphOverrides(flags: GraphFlags): Partial<Record<keyof Config, string>> {
  return {
    JOBGRAPH_GRAPH: flags.graph,
    JOBGRAPH_DB: flags.db,
    ARANGO_URL: flags.arangoUrl,
    ARANGO_DB: flags.arangoDb,
    REDIS_URL: flags.redisUrl,
    JOBGRAPH_QUEUE_PREFIX: flags.queuePrefix,
  };
}
