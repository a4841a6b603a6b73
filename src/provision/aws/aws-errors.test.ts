import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ProviderError, UnavailableError, ValidationError } from '../../core/errors.js';
import { CAPACITY_ERROR_CODES, ec2Call, errorCode, toCoreError } from './aws-errors.js';

/** An error as the SDK throws it for an EC2 error answer. */
function ec2Error(name: string, message: string, attempts = 1) {
  return new EC2ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400, attempts } });
}

const ctx = { scheduler: 'cloud', operation: 'CreateFleet', region: 'us-east-1' };

describe('aws error mapping', () => {
  it('keeps the scheduler, AWS code and message of a refusal', () => {
    const err = toCoreError(
      ec2Error('InsufficientInstanceCapacity', 'We currently do not have sufficient capacity'),
      ctx,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe(
      'aws scheduler cloud: EC2 refused CreateFleet in us-east-1: InsufficientInstanceCapacity: ' +
        'We currently do not have sufficient capacity',
    );
    expect(err.details).toMatchObject({
      provider: 'aws',
      scheduler: 'cloud',
      aws_code: 'InsufficientInstanceCapacity',
    });
    for (const code of ['SpotMaxPriceTooLow', 'MaxSpotInstanceCountExceeded', 'InstanceLimitExceeded']) {
      expect(CAPACITY_ERROR_CODES.has(code)).toBe(true);
      expect(toCoreError(ec2Error(code, 'no'), ctx)).toBeInstanceOf(ProviderError);
    }
  });

  it('says how to provide credentials when there are none', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const err = toCoreError(missing, ctx);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toMatch(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.*AWS_PROFILE.*instance profile/);
  });

  it('calls throttling that outlasted the retries, an unreachable endpoint and no region unavailable', () => {
    const throttled = toCoreError(ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 5), ctx);
    expect(throttled).toBeInstanceOf(UnavailableError);
    expect(throttled.message).toContain('through 5 attempt(s)');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toCoreError(refused, ctx)).toBeInstanceOf(UnavailableError);
    expect(toCoreError(new Error('Region is missing'), ctx).message).toContain('AWS_REGION');
  });

  it('passes core errors through and reads codes only from service answers', async () => {
    const own = new ValidationError([{ path: 'x', message: 'y' }]);
    expect(toCoreError(own, ctx)).toBe(own);
    expect(errorCode(ec2Error('InvalidSubnetID.NotFound', 'x'))).toBe('InvalidSubnetID.NotFound');
    expect(errorCode(new Error('plain'))).toBeUndefined();
    await expect(ec2Call(ctx, () => Promise.reject(ec2Error('UnauthorizedOperation', 'denied')))).rejects.toThrow(
      /UnauthorizedOperation: denied/,
    );
    expect(toCoreError(new TypeError('bug'), ctx).code).toBe('internal');
  });
});
