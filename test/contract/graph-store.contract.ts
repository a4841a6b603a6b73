/**
 * The GraphStore contract: every adapter runs this suite (see sqlite.test.ts). It pins the
 * semantics the TSDoc of src/graph/graph-store.ts states, through the port only.
 */
import { describe } from 'vitest';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { accessContract } from './contract-access.js';
import { cancelContract } from './contract-cancel.js';
import { completionContract } from './contract-completion.js';
import { directModeContract } from './contract-direct-mode.js';
import { directModeGuardsContract } from './contract-direct-mode-guards.js';
import { eventsContract } from './contract-events.js';
import { useContractFixture } from './contract-fixture.js';
import { initializeAndClaimContract } from './contract-initialize-and-claim.js';
import { lostWorkersContract } from './contract-lost-workers.js';
import { provisioningContract } from './contract-provisioning.js';
import { refsContract } from './contract-refs.js';
import { workflowsContract } from './contract-workflows.js';
import { retriesContract } from './contract-retries.js';
import { restartContract } from './contract-restart.js';

/**
 * Run the contract against the stores `open` returns (a fresh, empty store each call).
 * `cleanup` runs after each test for every store opened in it (before `close`).
 */
export function describeGraphStoreContract(
  name: string,
  open: () => Promise<GraphStore>,
  cleanup?: (store: GraphStore) => Promise<void>,
): void {
  describe(`GraphStore contract: ${name}`, () => {
    const fx = useContractFixture(open, cleanup);
    workflowsContract(fx);
    directModeContract(fx);
    directModeGuardsContract(fx);
    initializeAndClaimContract(fx);
    completionContract(fx);
    cancelContract(fx);
    lostWorkersContract(fx);
    retriesContract(fx);
    restartContract(fx);
    provisioningContract(fx);
    eventsContract(fx);
    refsContract(fx);
    accessContract(fx);
  });
}
