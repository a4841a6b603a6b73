/** Slurm host lists (`squeue`'s `nodes`, SLURM_JOB_NODELIST): `n[01-03,07],login1` → host names. */

/** Split at commas outside brackets. */
function topLevelParts(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '[') depth++;
    else if (list[i] === ']') depth--;
    else if (list[i] === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.filter((p) => p !== '');
}

/** `01-03,07` → `01 02 03 07`, keeping the width of zero-padded bounds. */
function expandRanges(ranges: string): string[] {
  return ranges.split(',').flatMap((range) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!m) return [range];
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    const width = m[1]!.length;
    const out: string[] = [];
    for (let n = from; n <= to; n++) out.push(String(n).padStart(width, '0'));
    return out;
  });
}

function expandOne(pattern: string): string[] {
  const open = pattern.indexOf('[');
  const close = pattern.indexOf(']', open);
  if (open < 0 || close < 0) return [pattern];
  const head = pattern.slice(0, open);
  const tails = expandOne(pattern.slice(close + 1));
  return expandRanges(pattern.slice(open + 1, close)).flatMap((middle) => tails.map((tail) => head + middle + tail));
}

/** Every host of a Slurm host list, in order; `''` and `(null)` are none. */
export function expandHostlist(list: string | undefined): string[] {
  if (!list || list === '(null)' || list === 'None assigned') return [];
  return topLevelParts(list.trim()).flatMap(expandOne);
}
