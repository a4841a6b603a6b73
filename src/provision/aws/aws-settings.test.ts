import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { awsScheduler } from '../../../test/support/aws-fixtures.js';
import { parseAwsSettings } from './aws-settings.js';

function issuesOf(fields: Record<string, unknown>) {
  try {
    parseAwsSettings(awsScheduler(fields));
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  return [];
}

describe('aws scheduler settings', () => {
  it('defaults the market to spot-then-on-demand and keeps the user fields', () => {
    const s = parseAwsSettings(awsScheduler({ instance_types: ['c5.large'], max_price: 0.2 }));
    expect(s).toMatchObject({ market: 'spot-then-on-demand', nodes: 1, instance_types: ['c5.large'], max_price: 0.2 });
  });

  it('names each bad field as aws_schedulers.NAME.field', () => {
    expect(issuesOf({ market: 'cheap', max_price: -1, subnets: ['net-1'], region: 'mars' })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'aws_schedulers.cloud.market' }),
        expect.objectContaining({ path: 'aws_schedulers.cloud.max_price' }),
        expect.objectContaining({ path: 'aws_schedulers.cloud.subnets[0]' }),
        expect.objectContaining({ path: 'aws_schedulers.cloud.region' }),
      ]),
    );
  });

  it('wants exactly one of ami and ami_ssm_parameter', () => {
    expect(issuesOf({ ami: undefined })).toEqual([
      { path: 'aws_schedulers.cloud.ami', message: 'set ami or ami_ssm_parameter' },
    ]);
    expect(issuesOf({ ami_ssm_parameter: '/aws/service/x' })[0]?.path).toBe('aws_schedulers.cloud.ami_ssm_parameter');
    expect(issuesOf({ ami: undefined, ami_ssm_parameter: '/aws/service/x' })).toEqual([]);
  });

  it('refuses a max_instances below one allocation and an on-demand price above the cap', () => {
    expect(issuesOf({ nodes: 3, max_instances: 2 })[0]).toMatchObject({ path: 'aws_schedulers.cloud.max_instances' });
    expect(issuesOf({ max_instances: 0 })[0]).toMatchObject({ path: 'aws_schedulers.cloud.max_instances' });
    expect(issuesOf({ market: 'on-demand', max_price: 0.1, on_demand_price: 0.2 })[0]).toMatchObject({
      path: 'aws_schedulers.cloud.max_price',
    });
    // Spot first: the on-demand price only rules out the fallback, which the plan decides.
    expect(issuesOf({ max_price: 0.1, on_demand_price: 0.2 })).toEqual([]);
  });
});
