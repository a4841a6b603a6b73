/**
 * A private Slurm cluster for tests: slurmctld and one slurmd per node on this machine, with
 * a config of their own in a fresh temp dir on free ports (no slurmdbd, so no accounting).
 * Several nodes are several `slurmd -N <name>` on 127.0.0.1, which is enough for sbatch,
 * srun across nodes, squeue and scancel to behave as on a real cluster.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../e2e/support/cli.js';
import { freePort } from '../e2e/support/test-server.js';

const run = promisify(execFile);

export interface SlurmClusterOptions {
  /** @default 2 */
  nodes?: number;
  /** CPUs each node declares (more than the machine has is fine: `config_overrides`). @default 8 */
  cpus?: number;
  /** @default 16000 */
  memoryMb?: number;
  /** @default 'debug' */
  partition?: string;
  /** @default 30000 */
  startTimeoutMs?: number;
  /** Lines added to slurm.conf after the generated ones. */
  extraConfig?: string[];
}

export interface SlurmCluster {
  dir: string;
  conf: string;
  /** What every Slurm command needs in its environment. */
  env: { SLURM_CONF: string };
  partition: string;
  /** The first node. */
  nodeName: string;
  nodeNames: string[];
  /** Cancel every job, stop the daemons, remove the dir (munged is left running). */
  stop(): Promise<void>;
}

/** A binary on PATH or in the sbin directories (where Debian puts the daemons). */
function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why no test cluster can start here, or undefined when one can. */
export function slurmMissing(): string | undefined {
  const missing = ['sbatch', 'squeue', 'scancel', 'sinfo', 'srun', 'slurmctld', 'slurmd', 'munged', 'munge'].filter(
    (b) => !findBinary(b),
  );
  if (missing.length > 0) return `${missing.join(', ')} not found`;
  if (userInfo().uid !== 0) return 'the test cluster runs its daemons as root (SlurmUser=root)';
  return undefined;
}

/** waitFor, with a probe that may throw while a daemon is still coming up. */
const until = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) =>
  waitFor(() => probe().catch(() => undefined), timeoutMs, what);

/**
 * munged answers, starting it (as user munge) when it does not. It is left running: it is the
 * machine's authentication daemon, shared by every cluster and test run on the machine, and
 * stopping it when this run ends broke the runs still going (their sinfo and sbatch failed).
 */
async function ensureMunge(): Promise<void> {
  if (
    await run('munge', ['-n']).then(
      () => true,
      () => false,
    )
  )
    return;
  if (!existsSync('/etc/munge/munge.key'))
    await run('runuser', ['-u', 'munge', '--', findBinary('mungekey')!, '--create']);
  await mkdir('/run/munge', { recursive: true });
  await run('chown', ['munge:munge', '/run/munge']);
  await run('runuser', ['-u', 'munge', '--', findBinary('munged')!]);
  await until('munged', 10_000, () => run('munge', ['-n']).then(() => true));
}

function slurmConf(dir: string, o: Required<SlurmClusterOptions>, ports: number[], nodeNames: string[]): string {
  const host = hostname().split('.')[0]!;
  const nodes = nodeNames.map(
    (name, i) =>
      `NodeName=${name} NodeHostname=${host} NodeAddr=127.0.0.1 Port=${ports[i + 1]} CPUs=${o.cpus} ` +
      `RealMemory=${o.memoryMb} TmpDisk=100000 State=UNKNOWN`,
  );
  return [
    'ClusterName=jgtest',
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${ports[0]}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool/%n`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd-%n.pid`,
    `SlurmctldLogFile=${dir}/log/slurmctld.log`,
    `SlurmdLogFile=${dir}/log/slurmd-%n.log`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core_Memory',
    // Nodes may declare more CPUs and memory than this machine has.
    'SlurmdParameters=config_overrides',
    // Without it a job that asks for no memory takes all of a node's, and jobs queue one by one.
    'DefMemPerCPU=1000',
    'MpiDefault=none',
    'ReturnToService=2',
    'KillWait=5',
    'MinJobAge=300',
    ...nodes,
    `PartitionName=${o.partition} Nodes=ALL Default=YES MaxTime=INFINITE State=UP`,
    ...o.extraConfig,
    '',
  ].join('\n');
}

/** Processes whose environment names this cluster's config: what its jobs left behind. */
function processesOf(conf: string): number[] {
  const marker = `SLURM_CONF=${conf}\0`;
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/environ`, 'latin1').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '(no log)');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Start a private cluster and wait until every node is idle. @throws with the daemons' log tails when it does not come up */
export async function startSlurmCluster(options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  const o: Required<SlurmClusterOptions> = {
    nodes: 2,
    cpus: 8,
    memoryMb: 16000,
    partition: 'debug',
    startTimeoutMs: 30_000,
    extraConfig: [],
    ...options,
  };
  await ensureMunge();
  const dir = await mkdtemp(join(tmpdir(), 'jg-slurm-'));
  const nodeNames = Array.from({ length: o.nodes }, (_, i) => `node${i + 1}`);
  const subdirs = ['state', 'log', ...nodeNames.map((n) => join('spool', n))];
  await Promise.all(subdirs.map((d) => mkdir(join(dir, d), { recursive: true })));
  const ports = await Promise.all(Array.from({ length: o.nodes + 1 }, () => freePort()));
  const conf = join(dir, 'slurm.conf');
  await writeFile(conf, slurmConf(dir, o, ports, nodeNames));
  const env = { SLURM_CONF: conf };
  const daemonEnv = { ...process.env, ...env };
  const daemons: ChildProcess[] = [
    spawn(findBinary('slurmctld')!, ['-D', '-i', '-f', conf], { env: daemonEnv, stdio: 'ignore' }),
    ...nodeNames.map((name) =>
      spawn(findBinary('slurmd')!, ['-D', '-f', conf, '-N', name], { env: daemonEnv, stdio: 'ignore' }),
    ),
  ];
  const slurm = (cmd: string, args: string[]) => run(cmd, args, { env: daemonEnv });

  const stop = async () => {
    const jobs = await slurm('squeue', ['-h', '-o', '%i']).then(
      (r) => r.stdout.split('\n').filter(Boolean),
      () => [],
    );
    if (jobs.length > 0) {
      await slurm('scancel', jobs).catch(() => undefined);
      await until('jobs to end', 20_000, async () =>
        (await slurm('squeue', ['-h', '-t', 'PD,R,CG,CF,S', '-o', '%i'])).stdout.trim() === '' ? true : undefined,
      ).catch(() => undefined);
    }
    await Promise.all(daemons.map(stopChild));
    for (const pid of processesOf(conf)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await until('every node to be idle', o.startTimeoutMs, async () => {
      const nodes = (await slurm('sinfo', ['-h', '-N', '-o', '%N %t'])).stdout.trim().split('\n');
      return nodes.length >= o.nodes && nodes.every((l) => l.endsWith(' idle')) ? true : undefined;
    });
  } catch (err) {
    const sinfo = await slurm('sinfo', ['-N']).then(
      (r) => r.stdout,
      (e: Error) => e.message,
    );
    const logs = await Promise.all(
      ['slurmctld', ...nodeNames.map((n) => `slurmd-${n}`)].map(
        async (l) => `--- ${l}.log\n${await tail(join(dir, 'log', `${l}.log`))}`,
      ),
    );
    await stop();
    throw new Error(
      `Slurm test cluster did not come up (${(err as Error).message}).\nsinfo: ${sinfo}\n${logs.join('\n')}`,
      { cause: err },
    );
  }
  return { dir, conf, env, partition: o.partition, nodeName: nodeNames[0]!, nodeNames, stop };
}

/** Live jobs (pending, running, completing) of this cluster with this job name: `<id> <state>` lines. */
export async function liveSlurmJobs(env: { SLURM_CONF: string }, name: string): Promise<string[]> {
  const { stdout } = await run('squeue', ['-h', '-n', name, '-t', 'PD,R,CG,CF,S', '-o', '%i %T'], {
    env: { ...process.env, ...env },
  });
  return stdout.split('\n').filter(Boolean);
}
