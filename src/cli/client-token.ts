/**
 * The token a CLI client sends: `JOBGRAPH_TOKEN` (or `--token`), else the token file
 * (tokenFilePath(): `~/.config/jobgraph/token`), which is refused when others may read it —
 * as ssh refuses a private key with loose permissions.
 */
import { readFileSync, statSync } from 'node:fs';
import { loadConfig, tokenFilePath } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/** The client's token, or undefined when none is configured (a server without auth needs none). */
export function clientToken(flagToken?: string): string | undefined {
  const configured = flagToken ?? loadConfig().JOBGRAPH_TOKEN;
  if (configured !== undefined) return configured;
  const path = tokenFilePath();
  if (path === undefined) return undefined;
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError([
      { path, message: `readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 ${path}` },
    ]);
  }
  return readFileSync(path, 'utf8').trim() || undefined;
}
