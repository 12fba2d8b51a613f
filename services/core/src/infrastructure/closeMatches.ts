/** Levenshtein distance (insert, delete, substitute), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (left[i - 1] === right[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return previous[right.length] as number;
}

/**
 * The candidates a misspelled name probably meant, closest first: within one edit per
 * six letters of the name (at least one, at most three), or containing it or contained
 * in it (three letters or more).
 */
export function closeMatches(name: string, candidates: readonly string[], limit = 3): string[] {
  const allowed = Math.min(3, Math.max(1, Math.floor(name.length / 6)));
  const lower = name.toLowerCase();
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .filter(({ candidate, distance }) => distance <= allowed || (lower.length >= 3 && (candidate.toLowerCase().includes(lower) || lower.includes(candidate.toLowerCase()))))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}
