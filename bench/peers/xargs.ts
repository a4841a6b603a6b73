/** The baseline: xargs starting `sh -c true` once per job (the table's ratios are to this). */
import { firstLine, timedRun } from './run-command.js';
import type { Peer } from './peer.js';

/** xargs reading N lines from seq, P at a time, one `sh -c true` each. */
export const xargs: Peer = {
  name: 'xargs',
  how: 'seq N | xargs -P<cores> -n1 sh -c true (chain: -P1)',
  async detect() {
    return firstLine('xargs', ['--version']);
  },
  independentMs(count, cores) {
    return timedRun('sh', ['-c', `seq ${count} | xargs -P${cores} -n1 sh -c true`]);
  },
  chainMs(links) {
    return timedRun('sh', ['-c', `seq ${links} | xargs -P1 -n1 sh -c true`]);
  },
};
