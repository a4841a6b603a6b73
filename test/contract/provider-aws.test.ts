/**
 * The provider contract against the aws adapter, on a real moto server (moto's EC2 API, not
 * AWS), reached through the SDK's standard configuration only.
 *
 * moto creates, tags, describes and terminates instances but runs nothing on them: no user
 * data, so no worker and no scheduled shutdown. The cases that need one are skipped here:
 * `cannot.workerExit` (a worker's exit ending the allocation `finished`/`failed`) and the
 * walltime end (no `walltime` option: the cap is a `shutdown -h +M` in the user data). What
 * they would show on EC2 is unit-tested against EC2's documented state reasons
 * (src/provision/aws/instance-state.test.ts); the e2e test (test/e2e/aws-spot.test.ts) runs
 * the user data's worker command itself and terminates the instance when it exits.
 */
import { AwsProvider } from '../../src/provision/aws/aws-provider.js';
import { startMotoServer } from '../setup/moto-server.js';
import { Ec2Inspector, useMotoEnvironment } from '../support/ec2-inspect.js';
import { describeProviderContract } from './provider.contract.js';
import { schedulerDoc } from './provider-fixtures.js';

describeProviderContract(
  'aws (moto)',
  async () => {
    const moto = await startMotoServer();
    const restoreEnv = useMotoEnvironment(moto);
    const ec2 = new Ec2Inspector(moto);
    const ami = await ec2.amazonLinuxAmi();
    return {
      provider: new AwsProvider(),
      scheduler: (workflow, fields = {}) =>
        schedulerDoc(workflow, 'aws', 'cloud', { ami, instance_types: ['t3.micro'], market: 'spot', ...fields }),
      invalid: { fields: { ami: 'not-an-ami' }, path: 'aws_schedulers.cloud.ami' },
      // moto does not resolve `resolve:ssm:` image references (EC2 does): it refuses the fleet.
      refuse: (request) => ({
        ...request,
        scheduler: {
          ...request.scheduler,
          ami: undefined,
          ami_ssm_parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        },
      }),
      alive: async (request) =>
        (await ec2.liveJobgraphInstances([{ Name: 'tag:jobgraph:allocation', Values: [request.allocation] }])).map(
          (i) => i.InstanceId!,
        ),
      unknownId: 'us-east-1:i-0123456789abcdef0',
      timeoutMs: 15_000,
      teardown: async () => {
        ec2.close();
        restoreEnv();
        await moto.stop();
      },
    };
  },
  { cannot: { workerExit: 'moto runs no user data, so no worker runs and none exits' } },
);
