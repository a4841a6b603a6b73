/**
 * EC2 and SDK failures in jobgraph's error types (see provider.ts): no credentials, no region
 * or an unreachable endpoint → UnavailableError saying how to fix it; a refusal by EC2 →
 * ProviderError naming the scheduler and keeping AWS's code and message. Throttling
 * (`RequestLimitExceeded`, `Throttling`) never reaches here before the SDK's retry strategy
 * has retried it with backoff (see ec2-client.ts); when it does, EC2 stayed busy.
 */
import { AppError, ERROR_CODES, ProviderError, UnavailableError } from '../../core/errors.js';

/** EC2 had no capacity or quota for the request: another market or pool may still work. */
export const CAPACITY_ERROR_CODES = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'UnfulfillableCapacity',
  'SpotMaxPriceTooLow',
  'MaxSpotInstanceCountExceeded',
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'MaxFleetCountExceeded',
]);

const THROTTLING_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'EC2ThrottledException',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** An error the service answered with (as opposed to one before or instead of an answer). */
export interface ServiceFailure {
  name: string;
  message: string;
  $metadata: { httpStatusCode?: number; attempts?: number };
  $fault?: 'client' | 'server';
}

export function isServiceFailure(err: unknown): err is ServiceFailure {
  return (
    err instanceof Error &&
    typeof (err as Partial<ServiceFailure>).$fault === 'string' &&
    typeof (err as Partial<ServiceFailure>).$metadata === 'object'
  );
}

/** The EC2 error code of a service failure (`InvalidSubnetID.NotFound`), else undefined. */
export function errorCode(err: unknown): string | undefined {
  return isServiceFailure(err) ? err.name : undefined;
}

export const CREDENTIALS_HELP =
  'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ' +
  'ones), or AWS_PROFILE with ~/.aws/credentials or an SSO login, or run where an instance profile or task role ' +
  'provides them';

export interface ErrorContext {
  /** The scheduler's name, when the call was for one. */
  scheduler?: string;
  /** What was being done, e.g. `CreateFleet`. */
  operation: string;
  region?: string;
}

/** Map any failure of an EC2 call to a core error; core errors pass through unchanged. */
export function toCoreError(err: unknown, ctx: ErrorContext): AppError {
  if (err instanceof AppError) return err;
  const where = `${ctx.operation}${ctx.region ? ` in ${ctx.region}` : ''}`;
  const e = err as Error & { code?: string; $metadata?: { attempts?: number } };
  if (e?.name === 'CredentialsProviderError') {
    return new UnavailableError(`aws: ${CREDENTIALS_HELP} (${e.message})`, { provider: 'aws' });
  }
  if (e?.message === 'Region is missing') {
    return new UnavailableError(
      'aws: no region: set AWS_REGION (or a region in the AWS profile, or `region` on the scheduler)',
      { provider: 'aws' },
    );
  }
  if (isServiceFailure(err)) {
    const code = err.name;
    const details = { provider: 'aws', ...(ctx.scheduler && { scheduler: ctx.scheduler }), aws_code: code };
    if (THROTTLING_CODES.has(code)) {
      return new UnavailableError(
        `aws: EC2 throttled ${where} (${code}) through ${err.$metadata.attempts ?? 1} attempt(s): ${err.message}`,
        details,
      );
    }
    const who = ctx.scheduler ? `aws scheduler ${ctx.scheduler}` : 'aws';
    return new ProviderError(`${who}: EC2 refused ${where}: ${code}: ${err.message}`, details);
  }
  if ((e?.code && NETWORK_CODES.has(e.code)) || e?.name === 'TimeoutError') {
    return new UnavailableError(
      `aws: the EC2 endpoint cannot be reached (${where}): ${e.message}. Check AWS_ENDPOINT_URL_EC2 / the network`,
      { provider: 'aws' },
    );
  }
  if (e?.$metadata) {
    // The SDK got an answer it could not read (an HTML error page from a proxy, a 5xx).
    return new UnavailableError(`aws: ${where} failed: ${e.message}`, { provider: 'aws' });
  }
  return new AppError(ERROR_CODES.INTERNAL, `aws: ${where} failed: ${e?.message ?? String(err)}`, { provider: 'aws' });
}

/** Call `fn`; map whatever it throws with toCoreError. */
export async function ec2Call<T>(ctx: ErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toCoreError(err, ctx);
  }
}
