/**
 * A fake `nvidia-smi` (and `rocm-smi`) on a PATH of their own: shell scripts that print what
 * the real tools print for `count` GPUs, so that detection, assignment and monitoring are
 * tested on machines without GPUs. The real tools were not available to check against here:
 * the output follows NVIDIA's and AMD's documented formats.
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

/** Write fake tools for `nvidia` NVIDIA GPUs and `amd` AMD ones (0: that tool is absent). */
export function fakeGpuTools(opts: { nvidia?: number; amd?: number; broken?: boolean }): FakeGpuTools {
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
        `  --query-gpu=*) cat <<'CSV'\n${nvidiaSmiCsv(opts.nvidia)}CSV\n;;`,
        // No compute processes: per-process GPU figures stay absent.
        "  --query-compute-apps=*) echo 'pid, used_gpu_memory [MiB]';;",
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
