/**
 * A small client of the EC2 instance metadata service, IMDSv2 only: a session token from
 * `PUT /latest/api/token` (with its TTL in `X-aws-ec2-metadata-token-ttl-seconds`), then GETs
 * carrying it in `X-aws-ec2-metadata-token`. Instances jobgraph launches require v2 (see
 * fleet-request.ts). The worker uses it to learn what it runs on and to watch for Spot notices.
 *
 * The base URL comes from the caller (the worker's config reads AWS_EC2_METADATA_SERVICE_ENDPOINT;
 * default http://169.254.169.254), so this module reads no environment.
 */
import { z } from 'zod';
import { UnavailableError } from '../../core/errors.js';

export const DEFAULT_IMDS_ENDPOINT = 'http://169.254.169.254';

export interface ImdsClientOptions {
  /** e.g. `http://169.254.169.254` (no trailing path). */
  baseUrl: string;
  /** Lifetime asked for each token, 1–21600 s. @default 21600 */
  tokenTtlS?: number;
  /** Per request: the link-local address black-holes off EC2, so a short limit. @default 2000 */
  timeoutMs?: number;
}

export interface InstanceIdentity {
  instanceId: string;
  instanceType: string;
  zone: string;
  /** `spot` or `on-demand` (EC2 also knows `scheduled`, `capacity-block`). */
  lifecycle: string;
}

/** A Spot interruption notice: EC2 will `action` (terminate, stop, hibernate) the instance at `time`. */
export interface InstanceAction {
  action: string;
  time: Date;
}

const InstanceActionSchema = z.object({ action: z.string(), time: z.iso.datetime({ offset: true }) });
const RebalanceSchema = z.object({ noticeTime: z.iso.datetime({ offset: true }) });

export class ImdsClient {
  private readonly baseUrl: string;
  private readonly ttlS: number;
  private readonly timeoutMs: number;
  private token?: { value: string; refreshAt: number };
  private fetching?: Promise<string>;

  constructor(options: ImdsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.ttlS = options.tokenTtlS ?? 21_600;
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  /**
   * The text at `/latest/<path>`, or undefined when IMDS answers 404 (how it says "none",
   * e.g. no Spot notice).
   * @throws UnavailableError when IMDS cannot be reached or answers otherwise
   */
  async get(path: string): Promise<string | undefined> {
    let response = await this.request('GET', path, { 'X-aws-ec2-metadata-token': await this.currentToken() });
    if (response.status === 401) {
      // The token expired or IMDS restarted: one fresh token, one more try.
      await response.body?.cancel();
      this.token = undefined;
      response = await this.request('GET', path, { 'X-aws-ec2-metadata-token': await this.currentToken() });
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      if (response.status === 404) return undefined;
      throw this.failure(`GET ${path} answered ${response.status}`);
    }
    return response.text();
  }

  /** What this instance is: id, type, zone and market. */
  async identity(): Promise<InstanceIdentity> {
    const [instanceId, instanceType, zone, lifecycle] = await Promise.all(
      ['instance-id', 'instance-type', 'placement/availability-zone', 'instance-life-cycle'].map(async (p) => {
        const value = await this.get(`meta-data/${p}`);
        if (value === undefined) throw this.failure(`meta-data/${p} is missing`);
        return value.trim();
      }),
    );
    return { instanceId: instanceId!, instanceType: instanceType!, zone: zone!, lifecycle: lifecycle! };
  }

  /** The Spot interruption notice, if EC2 has given one (`meta-data/spot/instance-action`). */
  async instanceAction(): Promise<InstanceAction | undefined> {
    const text = await this.get('meta-data/spot/instance-action');
    if (text === undefined) return undefined;
    const parsed = InstanceActionSchema.safeParse(parseJson(text));
    if (!parsed.success) throw this.failure(`spot/instance-action is not a notice: ${text.slice(0, 200)}`);
    return { action: parsed.data.action, time: new Date(parsed.data.time) };
  }

  /** The rebalance recommendation (a raised interruption risk), if EC2 has made one. */
  async rebalanceRecommendation(): Promise<{ time: Date } | undefined> {
    const text = await this.get('meta-data/events/recommendations/rebalance');
    if (text === undefined) return undefined;
    const parsed = RebalanceSchema.safeParse(parseJson(text));
    if (!parsed.success) throw this.failure(`events/recommendations/rebalance is not a notice: ${text.slice(0, 200)}`);
    return { time: new Date(parsed.data.noticeTime) };
  }

  private currentToken(): Promise<string> {
    if (this.token && Date.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    // Concurrent callers (identity() reads four paths at once) share one token request.
    this.fetching ??= this.fetchToken().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    const response = await this.request('PUT', 'api/token', {
      'X-aws-ec2-metadata-token-ttl-seconds': String(this.ttlS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw this.failure(`PUT api/token answered ${response.status}`);
    }
    const value = await response.text();
    // Renew ahead of expiry (a quarter of the TTL, at most a minute) so no request carries a dying token.
    const marginMs = Math.min(60_000, (this.ttlS * 1000) / 4);
    this.token = { value, refreshAt: Date.now() + this.ttlS * 1000 - marginMs };
    return value;
  }

  private async request(method: 'GET' | 'PUT', path: string, headers: Record<string, string>): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}/latest/${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw this.failure(`${method} ${path}: ${cause}`);
    }
  }

  private failure(what: string): UnavailableError {
    return new UnavailableError(`instance metadata (${this.baseUrl}): ${what}`, { endpoint: this.baseUrl });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
