/**
 * Runs the compiled CLI (dist/cli/main.cjs) with a V8 code cache per command (decision 0020).
 *
 * Compiling the bundle's JavaScript is a large part of a command's start: a one-job
 * `jobgraph run` compiles ~2 MB of it. V8 can save what it compiled (bytecode) and take it back
 * on the next start, skipping the parse and compile of every function the cache holds — Node 22
 * does this with `module.enableCompileCache()`; Node 20 has only the `vm.Script` API underneath,
 * used here. Each command gets its own cache (`run`, `worker`, `workflow`, …: the first argument),
 * because a cache holds the functions compiled by the run that wrote it; a later run that takes
 * other paths compiles those as it would without a cache.
 *
 * - A cache missing or refused by V8 (another Node or V8 flags, a truncated file) is written when
 *   the process exits, with what it compiled by then, unless another process wrote one since this
 *   one started; to a temporary file first, then renamed, so processes starting together never
 *   read half a cache.
 * - A cache is only ever used with the bundle it was made from (V8 checks the source's length,
 *   not its content): in dist/, which a build removes whole; where this user cannot write dist/
 *   (a package installed by another user), in the user's cache directory under the bundle's
 *   checksum. Without either, nothing is cached; with `--enable-source-maps` neither.
 */
import { accessSync, constants, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';
import { CODE_CACHE_DIR, MAIN_FILE } from './compiled-is-current.js';

/**
 * The cache of a command line: its first argument when that can be a command's name, else `main`;
 * a dry run (`run --dry-run`) has its own, or a first dry run would leave `run`'s cache without
 * the code that runs a workflow.
 */
export function cacheNameOf(args) {
  const first = args[0];
  const command = first !== undefined && /^[a-z][a-z-]{0,23}$/.test(first) ? first : 'main';
  return args.includes('--dry-run') ? `${command}-dry-run` : command;
}

/**
 * Where the code caches of the bundle `bundle` (its bytes) go: `dist/cli/code-cache/` when this
 * user may write `dist/cli/`; else `$XDG_CACHE_HOME/jobgraph/code-cache/<CRC-32 of the bundle>/`
 * (`~/.cache` when unset); undefined when neither is known.
 * @param root the package root
 * @param options.distWritable whether this user may write `dist/cli/`
 * @param options.env the environment
 */
export function cacheDirOf(root, { distWritable, env, bundle }) {
  if (distWritable) return join(root, CODE_CACHE_DIR);
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  if (!base) return undefined;
  return join(base, 'jobgraph', 'code-cache', `${crc32(bundle).toString(16)}-${bundle.length}`);
}

/**
 * Run the compiled CLI in this process, as Node would load it, with the code cache of `args`.
 * @param root the package root (holding dist/)
 * @param args the command line after the script (process.argv.slice(2))
 */
export function runCompiled(root, args) {
  const file = join(root, MAIN_FILE);
  // Node maps stack traces through dist/'s source maps (`--enable-source-maps`) for the files it
  // loads itself, not for a `vm` script: a run that asks for them loads the bundle uncached.
  if (process.sourceMapsEnabled) {
    createRequire(import.meta.url)(file);
    return;
  }
  const bundle = readFileSync(file);
  const source = bundle.toString('utf8');
  // accessSync returns nothing, and throws where this user may not write.
  const distWritable = ifPresent(() => (accessSync(dirname(file), constants.W_OK), true)) === true;
  const dir = cacheDirOf(root, { distWritable, env: process.env, bundle });
  const cacheFile = dir && join(dir, `${cacheNameOf(args)}.bin`);
  // V8 takes a cache only under the V8 flags it was made with. The bundle sets one as it loads
  // (src/workflow-spec/name-regex.ts: the linear-time regex engine), so a cache written at exit
  // carries it: set before the compile, or no cache would ever be taken.
  setFlagsFromString('--enable-experimental-regexp-engine');
  const cacheStat = () => ifPresent(() => statSync(cacheFile));
  const found = cacheFile && cacheStat();
  const cachedData = found && ifPresent(() => readFileSync(cacheFile));
  // The wrapper Node gives a CommonJS module, on the first line: stack traces keep their line numbers.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: file,
    cachedData,
  });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected))
    process.once('exit', () => {
      // Another process (a worker of the same allocation) may have written it meanwhile.
      if (sameFile(found, cacheStat())) writeCache(cacheFile, script);
    });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
}

/** `read()`, or undefined where it throws (no such file). */
function ifPresent(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Whether two stats (or their absence) describe the same file, unchanged. */
function sameFile(a, b) {
  if (a === undefined || b === undefined) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Best effort: a cache that cannot be written costs the next start its compile time, nothing else. */
function writeCache(file, script) {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true });
  }
}
