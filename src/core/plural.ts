/** `1 job`, `2 jobs`: a count with its noun, plural by adding `s` (or the given plural). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
