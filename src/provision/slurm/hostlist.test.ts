import { describe, expect, it } from 'vitest';
import { expandHostlist } from './hostlist.js';

describe('expandHostlist', () => {
  it.each([
    ['vm', ['vm']],
    ['n[1-2]', ['n1', 'n2']],
    ['n[01-03,07],login1', ['n01', 'n02', 'n03', 'n07', 'login1']],
    ['r[1-2]-c[08-09]', ['r1-c08', 'r1-c09', 'r2-c08', 'r2-c09']],
    ['gpu[9-11]x', ['gpu9x', 'gpu10x', 'gpu11x']],
    ['', []],
    ['(null)', []],
  ])('%j → %j', (list, hosts) => expect(expandHostlist(list)).toEqual(hosts));
});
