/** Dask distributed: a LocalCluster of <cores> one-thread worker processes; each task runs `sh -c true`. */
import { pythonWith, runTimingScript } from './python.js';
import type { Peer } from './peer.js';

let python: string | undefined;

/** Dask distributed (python/dask_jobs.py); the cluster's start is not counted. */
export const dask: Peer = {
  name: 'Dask distributed',
  how: 'LocalCluster(n_workers=<cores>, threads_per_worker=1), client.map / a chain of submits; cluster start not counted',
  async detect() {
    const found = pythonWith('distributed');
    python = found?.python;
    return found?.version;
  },
  independentMs(count, cores) {
    return runTimingScript(python!, 'dask_jobs.py', ['independent', String(count), String(cores)]);
  },
  chainMs(links, cores) {
    return runTimingScript(python!, 'dask_jobs.py', ['chain', String(links), String(cores)]);
  },
};
