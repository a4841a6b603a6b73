/**
 * The deployment's compose file must at least validate. There is no container engine
 * here, only a compose client: `docker compose` (v2 plugin) when present, else
 * `docker-compose` (v1, Debian's package). Without either the check is skipped visibly.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const COMPOSE_FILE = join(import.meta.dirname, '../../deploy/compose.yaml');

function composeClient(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0) return ['docker-compose'];
  return undefined;
}

const client = composeClient();
if (!client)
  console.warn('deploy/compose.yaml validation skipped: neither `docker compose` nor `docker-compose` is installed');

describe.skipIf(!client)('deploy/compose.yaml', () => {
  const config = (env: Record<string, string | undefined>) =>
    spawnSync(client![0]!, [...client!.slice(1), '-f', COMPOSE_FILE, 'config'], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  it('validates, with api, scheduler, worker, arangodb and redis services', () => {
    const r = config({ ARANGO_ROOT_PASSWORD: 'secret' });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    for (const service of ['api:', 'scheduler:', 'worker:', 'arangodb:', 'redis:']) expect(r.stdout).toContain(service);
    expect(r.stdout).toContain('noeviction');
    expect(r.stdout).toMatch(/appendonly/);
  });

  it('refuses to start without an ArangoDB root password', () => {
    const r = config({ ARANGO_ROOT_PASSWORD: undefined });
    expect(r.status).not.toBe(0);
  });
});
