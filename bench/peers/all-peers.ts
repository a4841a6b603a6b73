/** The peers `npm run bench -- --peers` sets side by side, in the table's order (xargs first: the ratios' baseline). */
import { celery } from './celery.js';
import { dask } from './dask.js';
import { gnuParallel } from './gnu-parallel.js';
import { jobgraphEmbedded, jobgraphOverHttp } from './jobgraph.js';
import type { Peer } from './peer.js';
import { snakemake } from './snakemake.js';
import { xargs } from './xargs.js';

export const ALL_PEERS: Peer[] = [xargs, gnuParallel, snakemake, dask, celery, jobgraphEmbedded, jobgraphOverHttp];
