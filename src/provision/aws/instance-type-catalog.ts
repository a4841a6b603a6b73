/**
 * The instance types of a region, asked once and kept for an hour. `validate`, `nodeShape`,
 * `describe` and every `submit` need them, the answer is large (hundreds of types, a dozen
 * pages) and changes only when AWS launches a new type.
 *
 * Without a user list, EC2 is asked only for current-generation, virtualized types of the AMI's
 * architecture (filters it supports), the rest is decided by candidateTypes.
 */
import type { EC2Client, Filter } from '@aws-sdk/client-ec2';
import { describeInstanceTypes } from './ec2-lookups.js';
import type { InstanceTypeFacts } from './instance-candidates.js';

export interface CatalogQuery {
  /** The user's list: exactly these (unknown names are absent from the answer). */
  names?: string[];
  architecture?: string;
}

export class InstanceTypeCatalog {
  private readonly entries = new Map<string, { at: number; types: Promise<InstanceTypeFacts[]> }>();

  /** @param ttlMs how long an answer is kept. @default 3_600_000 */
  constructor(private readonly ttlMs = 3_600_000) {}

  types(client: EC2Client, region: string, query: CatalogQuery): Promise<InstanceTypeFacts[]> {
    const names = query.names ? [...query.names].sort() : undefined;
    const key = JSON.stringify([region, names, names ? undefined : query.architecture]);
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.types;
    const filters: Filter[] = names
      ? []
      : [
          { Name: 'current-generation', Values: ['true'] },
          { Name: 'bare-metal', Values: ['false'] },
          ...(query.architecture
            ? [{ Name: 'processor-info.supported-architecture', Values: [query.architecture] }]
            : []),
        ];
    const types = describeInstanceTypes(client, names, filters);
    // A failed answer is not kept: the next call asks again.
    types.catch(() => this.entries.delete(key));
    this.entries.set(key, { at: Date.now(), types });
    return types;
  }
}
