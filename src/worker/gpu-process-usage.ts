/**
 * What NVIDIA GPUs are doing now, per process and per device, as `nvidia-smi` reports it:
 * `--query-compute-apps=pid,used_memory` (GPU memory per process) and
 * `--query-gpu=index,uuid,utilization.gpu` (busy percentage per device — NVIDIA reports no
 * utilisation per process here, so a job is credited with that of the devices it was given,
 * which are its alone: gpu assignment never shares one).
 *
 * Sampled with the job's /proc scan (resource-monitor.ts). A field the driver does not report
 * (`[N/A]`, `[Not Supported]`, a tool that fails) is left unknown rather than read as 0. In a
 * container without the host's pid namespace nvidia-smi names host pids, which match none of
 * the job's: its GPU memory then stays unknown (decision 0014).
 */
import type { RunTool } from './gpu-discovery.js';

const MIB = 1024 ** 2;

/** One reading of the GPUs. */
export interface GpuSnapshot {
  /** GPU memory per process id, in bytes; undefined when nvidia-smi could not say. */
  processes?: Map<number, number>;
  /** Utilisation in percent per device, under its index and its UUID; undefined when unknown. */
  utilization?: Map<string, number>;
}

/** A snapshot no older than `since` (a `performance.now()` time). */
export type GpuUsageSource = (since?: number) => Promise<GpuSnapshot>;

/** What one job's processes use of its GPUs at one moment. */
export interface JobGpuUsage {
  memory_bytes?: number;
  utilization_percent?: number;
}

/** Split `--format=csv,noheader,nounits` output into rows of trimmed fields. */
function csvRows(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(',').map((f) => f.trim()));
}

/** A number field; undefined for `[N/A]`, `[Not Supported]` and the like. */
function numberField(text: string | undefined): number | undefined {
  if (!text || !/^\d+(?:\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Parse `nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits` (MiB). */
export function parseComputeApps(text: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const [pidText, memText] of csvRows(text)) {
    const pid = numberField(pidText);
    const mib = numberField(memText);
    // One process may hold memory on several devices: one row each.
    if (pid !== undefined && mib !== undefined) byPid.set(pid, (byPid.get(pid) ?? 0) + Math.round(mib * MIB));
  }
  return byPid;
}

/** Parse `nvidia-smi --query-gpu=index,uuid,utilization.gpu --format=csv,noheader,nounits`. */
export function parseGpuUtilization(text: string): Map<string, number> {
  const byDevice = new Map<string, number>();
  for (const [index, uuid, utilText] of csvRows(text)) {
    const util = numberField(utilText);
    if (index === undefined || util === undefined) continue;
    byDevice.set(index, util);
    if (uuid) byDevice.set(uuid, util);
  }
  return byDevice;
}

/** Ask nvidia-smi (through `run`) for both figures at once; each that fails stays unknown. */
export async function readGpuUsage(run: RunTool): Promise<GpuSnapshot> {
  const [processes, utilization] = await Promise.all([
    run('nvidia-smi', ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'])
      .then(parseComputeApps)
      .catch(() => undefined),
    run('nvidia-smi', ['--query-gpu=index,uuid,utilization.gpu', '--format=csv,noheader,nounits'])
      .then(parseGpuUtilization)
      .catch(() => undefined),
  ]);
  return { ...(processes && { processes }), ...(utilization && { utilization }) };
}

/**
 * A snapshot shared by every job within `maxAgeMs` of its reading, as the /proc table is
 * (process-tree.ts `sharedProcessTable`): nvidia-smi costs tens of milliseconds a call, so one
 * call serves all the GPU jobs of a worker. A caller that passes `since` never gets a reading
 * taken before it.
 */
export function sharedGpuUsage(run: RunTool, maxAgeMs = 500): GpuUsageSource {
  let last: { at: number; snapshot: Promise<GpuSnapshot> } | undefined;
  return (since = -Infinity) => {
    const now = performance.now();
    if (!last || now - last.at > maxAgeMs || last.at < since) last = { at: now, snapshot: readGpuUsage(run) };
    return last.snapshot;
  };
}

/**
 * What the processes `pids` use: their GPU memory added up, and the mean utilisation of the
 * devices `gpuIds` (index or UUID, as the job's `CUDA_VISIBLE_DEVICES` named them; a UUID may
 * be abbreviated, as CUDA allows).
 */
export function jobGpuUsage(snapshot: GpuSnapshot, pids: readonly number[], gpuIds: readonly string[]): JobGpuUsage {
  const usage: JobGpuUsage = {};
  if (snapshot.processes) {
    let memory = 0;
    for (const pid of pids) memory += snapshot.processes.get(pid) ?? 0;
    usage.memory_bytes = memory;
  }
  if (snapshot.utilization && gpuIds.length > 0) {
    const seen = gpuIds
      .map((id) => snapshot.utilization!.get(id) ?? uuidPrefixMatch(snapshot.utilization!, id))
      .filter((u): u is number => u !== undefined);
    if (seen.length > 0) usage.utilization_percent = seen.reduce((a, b) => a + b, 0) / seen.length;
  }
  return usage;
}

function uuidPrefixMatch(byDevice: Map<string, number>, id: string): number | undefined {
  if (!id.startsWith('GPU-')) return undefined;
  for (const [key, util] of byDevice) if (key.startsWith(id)) return util;
  return undefined;
}
