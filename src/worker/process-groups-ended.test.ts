import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { liveInGroups, processGroupsEnded } from './process-groups-ended.js';
import type { ProcessStat } from './process-tree.js';

const row = (pid: number, pgrp: number, state: string): ProcessStat => ({
  pid,
  ppid: 1,
  pgrp,
  state,
  cpu_s: 0,
  rss_bytes: 0,
});

describe('process groups ended', () => {
  it('counts live members of the groups only, not zombies nor other groups', () => {
    const table = [row(5, 5, 'S'), row(6, 5, 'Z'), row(7, 7, 'R'), row(8, 5, 'R')];
    expect(liveInGroups([5], table).map((p) => p.pid)).toEqual([5, 8]);
    expect(liveInGroups([9], table)).toEqual([]);
  });

  it('sees a group outlive its leader, and end when the group is killed', async () => {
    const leader = spawn('/bin/sh', ['-c', 'sleep 30 & echo started; wait'], { detached: true, stdio: 'pipe' });
    await once(leader.stdout!, 'data');
    const exited = once(leader, 'exit');
    process.kill(leader.pid!, 'SIGKILL');
    await exited;
    expect(await processGroupsEnded([leader.pid!], Date.now() + 200)).toBe(false);
    process.kill(-leader.pid!, 'SIGKILL');
    expect(await processGroupsEnded([leader.pid!], Date.now() + 5000)).toBe(true);
  });
});
