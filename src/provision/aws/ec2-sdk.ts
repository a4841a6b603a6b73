/**
 * The EC2 SDK, loaded on first use. Every process that can provision imports the AWS adapter
 * (the provider registry opens adapters by type), but only one that provisions on AWS calls
 * EC2; loading the SDK's modules cost more CPU than the rest of `jobgraph run`'s imports
 * together (profiled: issue 13), so a local run no longer pays for it.
 */
import type * as Ec2SdkModule from '@aws-sdk/client-ec2';

/** The `@aws-sdk/client-ec2` module's exports. */
export type Ec2Sdk = typeof Ec2SdkModule;

let loading: Promise<Ec2Sdk> | undefined;

/** The SDK module, imported once. */
export function ec2Sdk(): Promise<Ec2Sdk> {
  loading ??= import('@aws-sdk/client-ec2');
  return loading;
}
