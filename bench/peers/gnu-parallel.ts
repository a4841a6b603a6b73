/** GNU parallel: the same jobs as the xargs baseline, one `sh -c true` per input line. */
import { firstLine, timedRun } from './run-command.js';
import type { Peer } from './peer.js';

/** `parallel -N0` ignores the input line's value: each line is one job. */
export const gnuParallel: Peer = {
  name: 'GNU parallel',
  how: 'seq N | parallel -j<cores> -N0 sh -c true (chain: -j1)',
  async detect() {
    const line = firstLine('parallel', ['--version']);
    // moreutils ships another `parallel` with no --version: not GNU parallel.
    return line?.startsWith('GNU parallel') ? line : undefined;
  },
  independentMs(count, cores) {
    return timedRun('sh', ['-c', `seq ${count} | parallel --will-cite -j${cores} -N0 sh -c true`]);
  },
  chainMs(links) {
    return timedRun('sh', ['-c', `seq ${links} | parallel --will-cite -j1 -N0 sh -c true`]);
  },
};
