/** The provider contract against the local adapter: worker processes on this machine. */
import { LocalProvider } from '../../src/provision/local/local-provider.js';
import { processesIn } from '../e2e/support/cli.js';
import { describeProviderContract } from './provider.contract.js';
import { schedulerDoc } from './provider-fixtures.js';

describeProviderContract(
  'local',
  async () => ({
    provider: new LocalProvider({ killGraceMs: 2000 }),
    scheduler: (workflow, fields = {}) =>
      schedulerDoc(workflow, 'local', 'here', { num_cpus: 1, memory_bytes: 1024 ** 3, ...fields }),
    invalid: { fields: { num_cpus: 0 }, path: 'local_schedulers.here.num_cpus' },
    refuse: (request) => ({ ...request, worker: { ...request.worker, command: ['/nonexistent/jobgraph'] } }),
    // Every worker of a contract request runs in a directory of its own.
    alive: async (request) => processesIn(request.worker.cwd).map(String),
    unknownId: 'local-never-given',
    timeoutMs: 10_000,
  }),
  { walltime: { seconds: 1, timeoutMs: 10_000 } },
);
