/**
 * `npx tsx bench/profile-tiny-jobs.ts [--jobs 2000] [--chain] [--out FILE]`: where the per-job time of
 * N tiny `true` jobs goes (`--chain`: of an N-link chain), embedded (as `jobgraph run`). A CPU profile (node:inspector) is
 * taken around the run only (not the services' start), its self time grouped by what the
 * frame belongs to (spawn, SQLite, Redis/BullMQ, HTTP, JSON/zod, …) and printed with the
 * top frames; `--out` also writes the .cpuprofile for Chrome's DevTools, and `--summarize FILE`
 * groups a written one again. The main thread only: the jobs' processes are not in it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector/promises';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { startPrivateRedis } from '../src/queue/private-redis.js';
import { chainSpec, independentSpec, jobgraphMs } from './peers/jobgraph.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2000' },
    /** A chain of --jobs links (each job depends on the one before) instead of independent jobs. */
    chain: { type: 'boolean', default: false },
    out: { type: 'string' },
    summarize: { type: 'string' },
  },
});
const JOBS = Number(values.jobs);
const spec = values.chain ? chainSpec(JOBS) : independentSpec(JOBS);
const what = values.chain ? 'links of a chain' : 'jobs';

/** Groups, first match wins: [name, test on "function url"]. */
const GROUPS: Array<[string, RegExp]> = [
  ['garbage collection', /^\(garbage collector\)/],
  ['idle (waiting on I/O, timers)', /^\(idle\)/],
  // Native fs calls from promise continuations have no JS caller in the profile: mostly the /proc walk.
  [
    'file system calls (fs; mostly /proc reads)',
    /^(read|open|close|readdir|fstat|openFileHandle) $|node:(fs|internal\/fs)/,
  ],
  ['socket writes (Redis, loopback HTTP)', /^(writeUtf8String|writeBuffer|writev) $/],
  ['resource monitoring (/proc walks)', /\/worker\/(process-tree|resource-monitor|attempt-monitoring|gpu-)/],
  ['spawn (child processes)', /child_process|spawn|\/worker\/(process-launcher|job-runner|run-attempt)/],
  ['SQLite (better-sqlite3, graph/sqlite)', /better-sqlite3|\/graph\/sqlite\//],
  ['Redis / BullMQ (ioredis, bullmq, queue/)', /ioredis|bullmq|\/queue\/|redis-parser|cluster-key-slot/],
  ['HTTP / API (hono, undici, api/)', /hono|undici|\/api\/|node:_http|node:http|node:internal\/http/],
  ['JSON / zod validation', /zod|^(parse|stringify|JSONParse|JSONStringify) /],
  ['scheduler, worker, graph rules', /\/(scheduler|worker|graph|core)\//],
  ['streams, sockets, timers (node internals)', /node:(net|stream|internal\/(streams|timers|net|stream_base))/],
];

/**
 * The group of a frame. A native frame (no url: `read`, `run`, `writeUtf8String`) counts for
 * the nearest caller with a url, so a SQLite statement's `run` lands in SQLite and a /proc
 * `read` in whatever walked /proc.
 */
function groupOf(node: Profiler.ProfileNode, parents: Map<number, Profiler.ProfileNode>): string {
  const own = `${node.callFrame.functionName} ${node.callFrame.url}`;
  const direct = GROUPS.find(([, re]) => re.test(own))?.[0];
  if (direct) return direct;
  for (let up = parents.get(node.id); up; up = parents.get(up.id)) {
    if (!up.callFrame.url) continue;
    const label = `${up.callFrame.functionName} ${up.callFrame.url}`;
    return GROUPS.find(([, re]) => re.test(label))?.[0] ?? 'other';
  }
  return 'other';
}

function summarize(profile: Profiler.Profile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, Profiler.ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n);
  const self = new Map<Profiler.ProfileNode, number>();
  let total = 0;
  profile.samples!.forEach((id, i) => {
    const dt = profile.timeDeltas![i] ?? 0;
    total += dt;
    const node = byId.get(id)!;
    self.set(node, (self.get(node) ?? 0) + dt);
  });
  const groups = new Map<string, number>();
  const frames = new Map<string, number>();
  for (const [node, us] of self) {
    const group = groupOf(node, parents);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const f = node.callFrame;
    const where = f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  const perJob = (us: number) => `${(us / 1000 / JOBS).toFixed(3)} ms/job`;
  const lines = [
    `profiled ${(total / 1e6).toFixed(2)} s of the main thread over ${JOBS} ${what}`,
    '',
    'by group (self time):',
  ];
  for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(us)}  ${perJob(us)}  ${g}`);
  lines.push('', 'top 25 frames (self time):');
  for (const [k, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, 25)) lines.push(`  ${pct(us)}  ${k}`);
  return lines.join('\n');
}

if (values.summarize) {
  // `--summarize FILE --jobs N`: group a profile written by an earlier `--out` again.
  console.log(summarize(JSON.parse(readFileSync(values.summarize, 'utf8')) as Profiler.Profile));
  process.exit(0);
}

const redis = await startPrivateRedis();
const session = new Session();
session.connect();
try {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  // A warm-up run first: module loading and JIT are start-up costs, not per-job ones.
  await jobgraphMs(independentSpec(50), redis.url, false, availableParallelism());
  await session.post('Profiler.start');
  const ms = await jobgraphMs(spec, redis.url, false, availableParallelism());
  const { profile } = await session.post('Profiler.stop');
  if (values.out) writeFileSync(values.out, JSON.stringify(profile));
  console.log(`${JOBS} ${what} embedded: ${ms.toFixed(0)} ms wall, ${(ms / JOBS).toFixed(2)} ms/job\n`);
  console.log(summarize(profile));
} finally {
  session.disconnect();
  await redis.stop();
}
