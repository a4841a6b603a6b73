/**
 * `jobgraph token create|list|revoke`: tokens through the API with an admin token, or —
 * for the first admin token, on the server's machine — straight in the graph store with
 * `--db PATH` (or `--graph arango …`). The secret is printed once (`--json`: `{"token": …}`)
 * and never again: only its hash is stored.
 */
import { Command, Option } from 'commander';
import { ROLES, type Role, type TokenRecord } from '../../core/access.js';
import { ValidationError } from '../../core/errors.js';
import { parseDuration } from '../../core/units.js';
import { issueToken, publicTokenRecord } from '../../graph/issue-token.js';
import { clientFor, emit, withClientFlags, type ClientFlags } from '../api-client-flags.js';
import { addGraphFlags, type GraphFlags } from '../graph-flags.js';
import { formatTable } from '../print-table.js';
import { withGraphStore } from './export.js';

interface TokenFlags extends ClientFlags, GraphFlags {
  user?: string;
  role?: Role;
  expires?: string;
  workflow?: string[];
  label?: string;
}

type TokenInfo = Omit<TokenRecord, 'hash'>;

/** Whether the flags name a store to open instead of an API to call. */
function direct(flags: GraphFlags): boolean {
  return flags.db !== undefined || flags.graph !== undefined || flags.arangoUrl !== undefined;
}

function withFlags(command: Command): Command {
  return addGraphFlags(withClientFlags(command), { withDb: false });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function expiresInS(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = parseDuration(text);
  if (s === undefined || s <= 0)
    throw new ValidationError([{ path: '--expires', message: 'a duration such as 30d, 12h or PT1H' }]);
  return s;
}

function tokenRows(tokens: TokenInfo[]): string {
  return formatTable(
    ['KEY', 'USER', 'ROLE', 'EXPIRES', 'REVOKED', 'LABEL'],
    tokens.map((t) => [t._key, t.user, t.role, t.expires_at ?? '-', t.revoked_at ?? '-', t.label ?? '']),
  );
}

export function tokenCommand(): Command {
  const token = new Command('token').description('create, list and revoke API tokens (admin)');

  withFlags(
    token
      .command('create')
      .description('make a token for a user; prints the secret once')
      .requiredOption('--user <name>', 'who the token is for')
      .addOption(new Option('--role <role>', 'admin, user, reader or worker').choices(ROLES).default('user'))
      .option('--expires <duration>', 'lifetime, e.g. 30d, 12h (default: no expiry)')
      .option('--workflow <key>', 'worker tokens: a workflow it may work for (repeatable)', collect)
      .option('--label <text>', 'a note shown by token list'),
  ).action(async (flags: TokenFlags) => {
    const request = {
      user: flags.user!,
      role: flags.role ?? 'user',
      ...(expiresInS(flags.expires) !== undefined && { expiresInS: expiresInS(flags.expires)! }),
      ...(flags.workflow && { workflows: flags.workflow }),
      ...(flags.label !== undefined && { label: flags.label }),
    };
    const created = direct(flags)
      ? await withGraphStore(flags, async (store) => {
          const issued = await issueToken(store, request);
          return { token: issued.token, info: publicTokenRecord(issued.record) };
        })
      : await clientFor(flags)<{ token: string; info: TokenInfo }>('POST', '/tokens', {
          user: request.user,
          role: request.role,
          ...(flags.expires !== undefined && { expires: flags.expires }),
          ...(request.workflows && { workflows: request.workflows }),
          ...(request.label !== undefined && { label: request.label }),
        });
    emit(
      flags,
      { token: created.token, key: created.info._key, user: created.info.user, role: created.info.role },
      () =>
        `${created.token}\n` +
        `token ${created.info._key} for ${created.info.user} (${created.info.role})` +
        `${created.info.expires_at ? `, expires ${created.info.expires_at}` : ''}: shown once, store it now\n`,
    );
  });

  withFlags(
    token.command('list').description('list tokens (never their secrets)').option('--user <name>', "only this user's"),
  ).action(async (flags: TokenFlags) => {
    const tokens = direct(flags)
      ? await withGraphStore(flags, async (store) => (await store.listTokens(flags.user)).map(publicTokenRecord))
      : (
          await clientFor(flags)<{ items: TokenInfo[] }>(
            'GET',
            `/tokens${flags.user ? `?user=${encodeURIComponent(flags.user)}` : ''}`,
          )
        ).items;
    emit(flags, tokens, () => tokenRows(tokens));
  });

  withFlags(token.command('revoke <key>').description('revoke a token: it is refused from now on')).action(
    async (key: string, flags: TokenFlags) => {
      const revoked = direct(flags)
        ? await withGraphStore(flags, async (store) =>
            publicTokenRecord(await store.revokeToken(key, new Date().toISOString())),
          )
        : await clientFor(flags)<TokenInfo>('DELETE', `/tokens/${encodeURIComponent(key)}`);
      emit(flags, revoked, () => `token ${revoked._key} of ${revoked.user} revoked at ${revoked.revoked_at}\n`);
    },
  );
  return token;
}
