import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../graph/fingerprint.js';
import { hashInputFiles } from './input-fingerprint.js';

describe('hashInputFiles', () => {
  it('hashes contents relative to cwd and marks missing files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jg-fp-'));
    writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\n');
    writeFileSync(join(dir, 'b.txt'), 'abs');
    const hashes = await hashInputFiles(
      [
        { _key: 'fa', path: 'a.csv' },
        { _key: 'fb', path: join(dir, 'b.txt') },
        { _key: 'fc', path: 'gone.txt' },
        { _key: 'fd', path: '.' },
      ],
      dir,
    );
    expect(hashes).toEqual({ fa: sha256Hex('x,y\n1,2\n'), fb: sha256Hex('abs'), fc: 'missing', fd: 'missing' });
  });
});
