/**
 * Which GPUs a worker can hand out: NVIDIA ones from `nvidia-smi`, AMD ones from `rocm-smi`,
 * narrowed to an inherited `CUDA_VISIBLE_DEVICES` (a Slurm allocation sets it to the GPUs it
 * granted). Each device keeps the id the parent environment uses for it, so the subset a job
 * gets in its own `CUDA_VISIBLE_DEVICES` names the same physical devices.
 *
 * Detection never fails a worker start: a missing or broken tool is a warning and no GPUs.
 */
import { execFile } from 'node:child_process';
import type { GpuInfo } from '../core/model.js';

/**
 * One GPU a worker offers. `id` is what a job's `CUDA_VISIBLE_DEVICES`/`ROCR_VISIBLE_DEVICES`
 * names it by: an index, or a UUID when the parent environment used one; `name` is the model.
 */
export type GpuDevice = GpuInfo;

/** What detection found, with why a tool gave nothing (one line each). */
export interface GpuDiscovery {
  devices: GpuDevice[];
  warnings: string[];
}

/** Runs a tool and resolves with its stdout; rejects when it is missing, fails or takes too long. */
export type RunTool = (file: string, args: string[]) => Promise<string>;

const TOOL_TIMEOUT_MS = 10_000;
const MIB = 1024 ** 2;

/** Runs `file` with `env` (its PATH decides which tool is found). */
export function toolRunner(env: NodeJS.ProcessEnv): RunTool {
  return (file, args) =>
    new Promise((resolve, reject) =>
      execFile(file, args, { env, timeout: TOOL_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
}

/** Memory as nvidia-smi writes it (`81559 MiB`), in bytes. */
function mibField(text: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*MiB\s*$/i.exec(text ?? '');
  return m ? Math.round(Number(m[1]) * MIB) : undefined;
}

/** Parse `nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv` (header line first). */
export function parseNvidiaSmiCsv(text: string): GpuDevice[] {
  const lines = text.split('\n').map((l) => l.trim());
  return lines
    .filter((l, i) => l !== '' && !(i === 0 && /^index\b/i.test(l)))
    .map((l) => l.split(',').map((f) => f.trim()))
    .filter((f) => /^\d+$/.test(f[0] ?? ''))
    .map(([index, uuid, name, memory]) => ({
      id: index!,
      vendor: 'nvidia' as const,
      ...(uuid ? { uuid } : {}),
      ...(name ? { name } : {}),
      ...(mibField(memory) !== undefined ? { memory_bytes: mibField(memory) } : {}),
    }));
}

/** Parse `rocm-smi --showproductname --showmeminfo vram --json`: one `cardN` entry per GPU. */
export function parseRocmSmiJson(text: string): GpuDevice[] {
  const doc = JSON.parse(text) as Record<string, Record<string, string>>;
  return Object.entries(doc)
    .map(([card, fields]) => ({ m: /^card(\d+)$/.exec(card), fields }))
    .filter((c): c is { m: RegExpExecArray; fields: Record<string, string> } => c.m !== null)
    .map(({ m, fields }) => {
      const name = fields['Card series'] ?? fields['Card model'] ?? fields['Card SKU'];
      const memory = Number(fields['VRAM Total Memory (B)']);
      return {
        id: m[1]!,
        vendor: 'amd' as const,
        ...(name ? { name } : {}),
        ...(Number.isFinite(memory) && memory > 0 ? { memory_bytes: memory } : {}),
      };
    });
}

/**
 * Keep the devices `visible` (a `CUDA_VISIBLE_DEVICES` value: indices or UUIDs, comma
 * separated) names, in its order, each under the id the variable used. Undefined: all of
 * them. An entry naming no detected device is still offered (the tool may see only part of a
 * Slurm allocation's devices, or none); an invalid entry ends the list, as CUDA does.
 */
export function applyVisibleDevices(devices: GpuDevice[], visible: string | undefined): GpuDevice[] {
  if (visible === undefined) return devices;
  const kept: GpuDevice[] = [];
  for (const raw of visible.split(',')) {
    const id = raw.trim();
    if (id === '' || id.startsWith('-')) break;
    const found = devices.find(
      (d) => d.id === id || d.uuid === id || (d.uuid && id.startsWith('GPU-') && d.uuid.startsWith(id)),
    );
    kept.push(found ? { ...found, id } : { id, vendor: 'nvidia' });
  }
  return kept;
}

/**
 * Detect the GPUs this worker may use. `env` is the worker's inherited environment: its PATH
 * finds the tools, its `CUDA_VISIBLE_DEVICES` (or, for AMD alone, `ROCR_VISIBLE_DEVICES`)
 * narrows the set.
 */
export async function discoverGpus(env: NodeJS.ProcessEnv, run: RunTool = toolRunner(env)): Promise<GpuDiscovery> {
  const warnings: string[] = [];
  const nvidia = await run('nvidia-smi', ['--query-gpu=index,uuid,name,memory.total', '--format=csv'])
    .then(parseNvidiaSmiCsv)
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') warnings.push(`nvidia-smi failed: ${firstLine(err)}`);
      return [];
    });
  const amd = await run('rocm-smi', ['--showproductname', '--showmeminfo', 'vram', '--json'])
    .then(parseRocmSmiJson)
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') warnings.push(`rocm-smi failed: ${firstLine(err)}`);
      return [];
    });
  const devices =
    nvidia.length > 0 || amd.length === 0
      ? applyVisibleDevices(nvidia, env.CUDA_VISIBLE_DEVICES)
      : applyVisibleDevices(amd, env.ROCR_VISIBLE_DEVICES ?? env.HIP_VISIBLE_DEVICES).map((d) => ({
          ...d,
          vendor: 'amd' as const,
        }));
  return { devices, warnings };
}

function firstLine(err: Error): string {
  return (err.message.split('\n')[0] ?? '').slice(0, 200);
}

/**
 * The environment variables that confine a job to `ids`, and `JOBGRAPH_GPU_IDS` for scripts.
 * NVIDIA: `CUDA_VISIBLE_DEVICES` names them. AMD: `ROCR_VISIBLE_DEVICES` names them, and HIP
 * (which also reads `CUDA_VISIBLE_DEVICES`) numbers what ROCr left visible from 0, so those two
 * count 0..n-1 rather than repeat the ids. A job with no GPUs gets empty lists: it sees none
 * rather than every device of the node.
 */
export function gpuEnvironment(ids: readonly string[], vendor: GpuDevice['vendor'] = 'nvidia'): Record<string, string> {
  const list = ids.join(',');
  if (vendor === 'nvidia') return { CUDA_VISIBLE_DEVICES: list, JOBGRAPH_GPU_IDS: list };
  const renumbered = ids.map((_, i) => String(i)).join(',');
  return {
    ROCR_VISIBLE_DEVICES: list,
    HIP_VISIBLE_DEVICES: renumbered,
    CUDA_VISIBLE_DEVICES: renumbered,
    JOBGRAPH_GPU_IDS: list,
  };
}
