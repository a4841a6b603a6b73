/**
 * Whether the processes of some process groups have all ended. A group's leader can exit
 * before the rest of its group: a SIGKILL sent to the group is delivered to each member in
 * turn, and under load a member may run on for a moment after its leader is reaped. Ended but
 * not yet reaped members (zombies, reaped by whoever adopted them) count as ended: they hold
 * no resources but a process table slot, and how soon they are reaped depends on PID 1.
 */
import { readProcessTable, type ProcessStat } from './process-tree.js';

/** Process states (`/proc/<pid>/stat` field 3) of a process that has ended: zombie, dead. */
export const ENDED_STATES: ReadonlySet<string> = new Set(['Z', 'X', 'x']);
const POLL_MS = 20;

/** The live processes of these process groups in `table`. */
export function liveInGroups(pgids: readonly number[], table: readonly ProcessStat[]): ProcessStat[] {
  return table.filter((p) => pgids.includes(p.pgrp) && !ENDED_STATES.has(p.state));
}

/**
 * Resolves true once no process of these groups is live, false when `deadline` (epoch ms)
 * passes first. Where there is no `/proc` to read, the table is empty and it resolves true.
 */
export async function processGroupsEnded(pgids: readonly number[], deadline: number): Promise<boolean> {
  for (;;) {
    if (liveInGroups(pgids, await readProcessTable()).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
