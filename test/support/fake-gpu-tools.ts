/**
 * A fake `nvidia-smi` (and `rocm-smi`) on a PATH of their own: shell scripts that print what
 * the real tools print for `count` GPUs, so that detection, assignment and monitoring are
 * tested on machines without GPUs. The real tools were not available to check against here:
 * the output follows NVIDIA's and AMD's documented formats.
 *
 * GPU processes: the fake nvidia-smi reports as a compute process every process started with
 * `FAKE_GPU_MIB=<n>` in its environment (`FAKE_GPU_MIB=300 sleep 5` in a job's command), using
 * n MiB — read from /proc/<pid>/environ, which holds a process's environment as it was
 * exec'd, so the shell that started it is not counted too.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A directory holding the fake tools; put it first on PATH. */
export interface FakeGpuTools {
  dir: string;
  /** `dir` prepended to `path`. */
  pathWith(path: string | undefined): string;
  remove(): void;
}

const MODEL = 'NVIDIA H100 80GB HBM3';

/** The CSV `nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv` prints. */
export function nvidiaSmiCsv(count: number): string {
  const rows = Array.from(
    { length: count },
    (_, i) => `${i}, GPU-0000000${i}-aaaa-bbbb-cccc-dddddddddddd, ${MODEL}, 81559 MiB`,
  );
  return ['index, uuid, name, memory.total [MiB]', ...rows].join('\n') + '\n';
}

/** The variable that makes a process a GPU process for the fake nvidia-smi (its value: MiB used). */
export const FAKE_GPU_MIB = 'FAKE_GPU_MIB';

/** The fake's `--query-compute-apps=pid,used_memory`: every process exec'd with FAKE_GPU_MIB set. */
const COMPUTE_APPS = [
  `  --query-compute-apps=*)`,
  `    case "$2" in *noheader*) ;; *) echo 'pid, used_gpu_memory [MiB]';; esac`,
  // -z: environ entries end in NUL; -o: the entry only, after `/proc/<pid>/environ:`.
  `    grep -a -o -z '^${FAKE_GPU_MIB}=[0-9]*' /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' |`,
  `      sed -n 's#^/proc/\\([0-9]*\\)/environ:${FAKE_GPU_MIB}=\\([0-9]*\\)$#\\1, \\2#p';;`,
].join('\n');

/** `--query-gpu=index,uuid,utilization.gpu --format=csv,noheader,nounits` for `count` GPUs. */
function utilizationCsv(count: number, utilization: number[] | undefined): string {
  return Array.from(
    { length: count },
    (_, i) => `${i}, GPU-0000000${i}-aaaa-bbbb-cccc-dddddddddddd, ${utilization?.[i] ?? '[N/A]'}\n`,
  ).join('');
}

/**
 * Write fake tools for `nvidia` NVIDIA GPUs and `amd` AMD ones (0: that tool is absent).
 * `utilization`: what `--query-gpu=index,uuid,utilization.gpu` reports per device (absent:
 * `[N/A]`, as devices that do not support it print).
 */
export function fakeGpuTools(opts: {
  nvidia?: number;
  amd?: number;
  broken?: boolean;
  utilization?: number[];
}): FakeGpuTools {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-fake-gpu-'));
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  if (opts.broken)
    script(
      'nvidia-smi',
      'echo "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver" >&2; exit 9',
    );
  else if (opts.nvidia)
    script(
      'nvidia-smi',
      [
        'case "$1" in',
        `  --query-gpu=index,uuid,utilization.gpu) cat <<'CSV'\n${utilizationCsv(opts.nvidia, opts.utilization)}CSV\n;;`,
        `  --query-gpu=*) cat <<'CSV'\n${nvidiaSmiCsv(opts.nvidia)}CSV\n;;`,
        COMPUTE_APPS,
        '  *) exit 2;;',
        'esac',
      ].join('\n'),
    );
  if (opts.amd) {
    const cards = Object.fromEntries(
      Array.from({ length: opts.amd }, (_, i) => [
        `card${i}`,
        { 'Card series': 'AMD Instinct MI250X', 'VRAM Total Memory (B)': String(68702699520) },
      ]),
    );
    script('rocm-smi', `cat <<'JSON'\n${JSON.stringify(cards)}\nJSON`);
  }
  return {
    dir,
    pathWith: (path) => (path ? `${dir}:${path}` : dir),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
