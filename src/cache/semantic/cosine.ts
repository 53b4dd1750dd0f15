/** Cosine similarity; 0 for a zero vector or vectors of different lengths (another model's). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** The `topK` entries most similar to `query`, best first (brute force: fine for thousands of vectors). */
export function nearest<T extends { values: ArrayLike<number> }>(entries: Iterable<T>, query: ArrayLike<number>, topK: number): Array<{ entry: T; score: number }> {
  const best: Array<{ entry: T; score: number }> = [];
  for (const entry of entries) {
    const score = cosine(entry.values, query);
    if (best.length === topK && score <= best[best.length - 1]!.score) continue;
    let i = best.length;
    while (i > 0 && best[i - 1]!.score < score) i--;
    best.splice(i, 0, { entry, score });
    if (best.length > topK) best.pop();
  }
  return best;
}
