/**
 * What every runner in `npm run bench -- --peers` provides: the same two workloads, timed the
 * same way, so one table can set them side by side.
 */

/** One tool that runs shell commands, measured on the bench's two workloads. */
export interface Peer {
  /** The name in the table. */
  name: string;
  /** How it runs the jobs, for the table's notes (e.g. `seq N | xargs -P2 -n1 sh -c true`). */
  how: string;
  /**
   * The installed version (or another short word saying what was found), or undefined when the
   * tool is not installed: the table then says "not installed" and nothing is run.
   */
  detect(): Promise<string | undefined>;
  /** Set up what must stay running between measurements (a broker, a cluster). Optional. */
  start?(cores: number): Promise<void>;
  /** Wall milliseconds for `count` independent `sh -c true` jobs, `cores` at a time. */
  independentMs(count: number, cores: number): Promise<number>;
  /**
   * Wall milliseconds for a chain of `links` `sh -c true` jobs, each after the one before, on
   * the same `cores` as the independent jobs (only one can run at a time).
   */
  chainMs(links: number, cores: number): Promise<number>;
  /** Stop what `start` started. Optional; called even when a measurement failed. */
  stop?(): Promise<void>;
}

/** Milliseconds since `began` (from `process.hrtime.bigint()`). */
export function msSince(began: bigint): number {
  return Number(process.hrtime.bigint() - began) / 1e6;
}
