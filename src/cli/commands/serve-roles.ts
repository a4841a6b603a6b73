/**
 * `jobgraph server` (api + scheduler), `jobgraph api`, `jobgraph scheduler`: long-running
 * services over a shared graph store and Redis. They differ only in the roles they run.
 */
import { Command } from 'commander';
import { authRequired, loadConfig } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import { addGraphFlags, graphOverrides, type GraphFlags } from '../graph-flags.js';
import { EXIT_FAILED, EXIT_OK, GracefulShutdown } from '../graceful-shutdown.js';
import type { ServiceRoles, Services } from '../services.js';

interface ServeFlags extends GraphFlags {
  host?: string;
  port?: string;
  /** `--no-provision` sets false. */
  provision?: boolean;
  /** `--auth` / `--no-auth`; absent: JOBGRAPH_AUTH (auto: on for a non-loopback address). */
  auth?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  /** `jobgraph scale`: the API that workers in its allocations call. */
  api?: string;
}

function serveCommand(name: string, description: string, roles: ServiceRoles): Command {
  const command = new Command(name).description(description);
  addGraphFlags(command);
  if (roles.api) {
    command.option('--host <host>', 'listen address (env JOBGRAPH_HOST, default 127.0.0.1)');
    command.option('--port <port>', 'listen port (env JOBGRAPH_PORT, default 8080)');
    command.option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; env JOBGRAPH_TLS_CERT)');
    command.option('--tls-key <file>', 'the TLS private key (PEM; env JOBGRAPH_TLS_KEY)');
  }
  if (roles.api || roles.provision) {
    command.option(
      '--auth',
      'require tokens (env JOBGRAPH_AUTH=on; default: on when listening on a non-loopback address)',
    );
    command.option('--no-auth', 'serve without authentication (env JOBGRAPH_AUTH=off): only on a trusted network');
  }
  if (roles.provision && !roles.api) {
    command.option(
      '--api <url>',
      'the API that workers in the allocations call, reachable from the nodes (env JOBGRAPH_PUBLIC_API, else JOBGRAPH_API, default http://127.0.0.1:8080)',
    );
  }
  if (roles.scheduler) {
    command.option(
      '--no-provision',
      'do not get compute for workflows here (actions, auto-scaling): run `jobgraph scale` where sbatch works instead',
    );
  }
  return command.action(async (flags: ServeFlags) => {
    const config = loadConfig({
      ...graphOverrides(flags),
      JOBGRAPH_HOST: flags.host,
      JOBGRAPH_PORT: flags.port,
      JOBGRAPH_TLS_CERT: flags.tlsCert,
      JOBGRAPH_TLS_KEY: flags.tlsKey,
      JOBGRAPH_PUBLIC_API: flags.api,
      ...(flags.auth !== undefined && { JOBGRAPH_AUTH: flags.auth ? 'on' : 'off' }),
    });
    if (!config.REDIS_URL) {
      throw new ConfigError([
        { path: 'REDIS_URL', message: 'required: set REDIS_URL or pass --redis-url redis://host:port' },
      ]);
    }
    const logger = createLogger(config.JOBGRAPH_LOG_LEVEL);
    // From here on a signal stops the process in bounded time, even during the start.
    const shutdown = new GracefulShutdown({ name: `jobgraph ${name}`, deadlineMs: config.JOBGRAPH_SHUTDOWN_MS });
    let services: Services | undefined;
    let problems: string[] = [];
    try {
      // Loaded on use: the client commands need none of the server code.
      const { startServices } = await import('../services.js');
      services = await startServices(
        config,
        config.REDIS_URL,
        { ...roles, provision: roles.provision === true || (roles.scheduler && flags.provision !== false) },
        logger,
        { shutdown, auth: authRequired(config) },
      );
      logger.info(
        { api: services.apiUrl, graph: config.JOBGRAPH_GRAPH, roles, auth: authRequired(config) },
        `jobgraph ${name} ready`,
      );
      if (services.apiUrl)
        process.stderr.write(`jobgraph ${name}: API at ${services.apiUrl}/api/v1 (docs ${services.apiUrl}/docs)\n`);
      else if (roles.provision)
        // Workers handed a wrong address retry until their allocation's walltime: say it now.
        process.stderr.write(
          `jobgraph ${name}: workers in allocations will call the API at ${config.JOBGRAPH_PUBLIC_API ?? config.JOBGRAPH_API} (--api to change)\n`,
        );
      const reason = await shutdown.requested;
      logger.info({ signal: reason }, 'stopping');
    } finally {
      shutdown.begin('stopped');
      if (services) problems = await services.stop();
      process.exitCode = shutdown.finish(problems.length > 0 ? EXIT_FAILED : EXIT_OK, problems.join('; ') || undefined);
    }
  });
}

export const serverCommand = () =>
  serveCommand('server', 'run the API and the scheduler in one process', { api: true, scheduler: true });
export const apiCommand = () => serveCommand('api', 'run the HTTP API only', { api: true, scheduler: false });
export const scaleCommand = () =>
  serveCommand(
    'scale',
    'get compute for workflows: submit and follow allocations (Slurm, AWS, local) for actions, auto-scaling and requests; run it where the provider works (a Slurm login node)',
    { api: false, scheduler: false, provision: true },
  );
export const schedulerCommand = () =>
  serveCommand('scheduler', 'run the scheduler only (promotion, reconcile, completion)', {
    api: false,
    scheduler: true,
  });
