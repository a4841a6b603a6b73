/** The provider contract against the Slurm adapter, on the run's private Slurm cluster. */
import { SlurmProvider } from '../../src/provision/slurm/slurm-provider.js';
import { slurmJobName } from '../../src/provision/slurm/job-name.js';
import { requireSlurm } from '../setup/require-slurm.js';
import { liveSlurmJobs } from '../setup/slurm-cluster.js';
import { describeProviderContract } from './provider.contract.js';
import { schedulerDoc, slurmTestFields } from './provider-fixtures.js';

const slurm = requireSlurm();

if (slurm)
  describeProviderContract(
    'slurm',
    async () => ({
      provider: new SlurmProvider({ env: slurm.env }),
      scheduler: (workflow, fields = {}) =>
        schedulerDoc(workflow, 'slurm', 'short', { ...slurmTestFields(slurm.partition), ...fields }),
      invalid: { fields: { account: undefined }, path: 'slurm_schedulers.short.account' },
      // Slurm refuses an unknown partition at once: "Invalid partition name specified".
      refuse: (request) => ({ ...request, scheduler: { ...request.scheduler, partition: 'no-such-partition' } }),
      alive: (request) => liveSlurmJobs(slurm.env, slurmJobName(request.allocation)),
      unknownId: '999999',
      timeoutMs: 30_000,
    }),
    // Slurm counts time limits in minutes and checks them every 30 s or so: the end comes ~60–100 s in.
    { walltime: { seconds: 60, timeoutMs: 180_000 } },
  );
