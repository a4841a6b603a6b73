/**
 * "Did you mean": the known name closest to a misspelled one, by edit distance. Only close
 * guesses are offered (at most a third of the word changed), so an unrelated field gets no
 * suggestion rather than a misleading one.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // The distance is at least the difference in length: skip a candidate that could neither
    // beat the best so far nor be close enough to offer.
    const gap = Math.abs(candidate.length - input.length);
    if (gap >= bestDistance || gap > allowedEdits(candidate)) continue;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= allowedEdits(best) ? best : undefined;
}

/** The most edits a guess may be away from the input: a third of the guess, at least one. */
const allowedEdits = (name: string) => Math.max(1, Math.floor(name.length / 3));

/** Levenshtein distance with adjacent transpositions counted as one edit (`regoin` → `region`). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i ? (j ? 0 : i) : j)),
  );
  for (let i = 1; i < rows; i++)
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/**
 * Unknown fields of one object reported one by one; past this, one line counts the rest. Each
 * suggestion compares the key with every known field: a body of 100,000 unknown keys took 33 s
 * of the API's CPU before this cap, and nobody reads 100,000 lines.
 */
const MAX_UNKNOWN_FIELDS = 100;

/**
 * What to say of an object's unknown `keys`: `unknown field (did you mean "x"?)` for each of the
 * first 100, and how many more there are.
 */
export function unknownFields(
  keys: readonly string[],
  known: readonly string[],
): { fields: Array<{ key: string; message: string }>; more: number } {
  const fields = keys.slice(0, MAX_UNKNOWN_FIELDS).map((key) => {
    const guess = closestName(key, known);
    return { key, message: `unknown field${guess ? ` (did you mean "${guess}"?)` : ''}` };
  });
  return { fields, more: keys.length - fields.length };
}

/** The line that counts the unknown fields not reported one by one. */
export const moreUnknownFields = (more: number) => `… and ${more} more unknown fields`;
