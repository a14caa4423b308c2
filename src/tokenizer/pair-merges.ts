/**
 * The merge loop shared by the vocabulary trainers (Hugging Face's BpeTrainer, which its WordPieceTrainer wraps):
 * words are sequences of symbol ids weighted by their counts; repeatedly the most frequent adjacent pair (counted
 * over all words) becomes a new symbol, merged in every word, until `targetSymbols` symbols exist or no pair is seen
 * `minFrequency` times. Ties go to the pair of earlier-made symbols (smaller (left, right) ids), as the reference's
 * queue orders them, so the result depends only on the word counts.
 *
 * Pair counts are kept exact and the queue lazily (an entry whose count is stale is pushed again with the current
 * count), as in the reference.
 */

export interface PairMergeOptions {
  /** Stop once this many symbols exist. */
  targetSymbols: number;
  /** Pairs seen fewer times are not merged. */
  minFrequency: number;
  /** The symbol a merge of `left` and `right` makes (a merge may make a symbol that already exists). */
  join(left: string, right: string): string;
  /** Called every 1000 merges and at the end. */
  onProgress?: (merges: number, symbols: number) => void;
}

/** Symbol ids stay below this, so a pair is one exact number key. */
const PAIR_BASE = 2 ** 21;

/**
 * Learns merges over `words` (symbol ids, rewritten in place) weighted by `weights`; new symbols are appended to
 * `symbols`. Returns the merges in order, as pairs of symbol ids.
 */
export function learnMerges(words: Int32Array[], weights: readonly number[], symbols: string[], options: PairMergeOptions): Array<[number, number]> {
  const { targetSymbols, minFrequency } = options;
  const symbolId = new Map<string, number>(symbols.map((s, i) => [s, i]));
  const lengths = words.map((w) => w.length);
  const pairCount = new Map<number, number>();
  const where = new Map<number, number[]>();
  const heap = new PairHeap();
  const addPairs = (w: number, sign: number, onlyWith: number): void => {
    const seq = words[w];
    const len = lengths[w] ?? 0;
    const weight = (weights[w] ?? 0) * sign;
    if (seq === undefined) return;
    for (let i = 0; i + 1 < len; i++) {
      const left = seq[i] ?? 0;
      const right = seq[i + 1] ?? 0;
      const key = left * PAIR_BASE + right;
      const count = (pairCount.get(key) ?? 0) + weight;
      pairCount.set(key, count);
      if (sign > 0 && (onlyWith < 0 || left === onlyWith || right === onlyWith)) {
        let list = where.get(key);
        if (list === undefined) where.set(key, (list = []));
        list.push(w);
        if (onlyWith >= 0) heap.push(count, key);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1, -1);
  for (const [key, count] of pairCount) heap.push(count, key);

  const merges: Array<[number, number]> = [];
  const stamp = new Int32Array(words.length).fill(-1);
  while (symbolId.size < targetSymbols && heap.size > 0) {
    const [count, key] = heap.pop();
    const actual = pairCount.get(key) ?? 0;
    if (count !== actual) {
      if (actual >= minFrequency && actual > 0) heap.push(actual, key);
      continue;
    }
    if (count < minFrequency || count < 1) break;
    const left = Math.floor(key / PAIR_BASE);
    const right = key - left * PAIR_BASE;
    const piece = options.join(symbols[left] ?? '', symbols[right] ?? '');
    let pieceId = symbolId.get(piece);
    if (pieceId === undefined) {
      pieceId = symbols.length;
      if (pieceId >= PAIR_BASE) break;
      symbols.push(piece);
      symbolId.set(piece, pieceId);
    }
    merges.push([left, right]);
    const round = merges.length;
    for (const w of where.get(key) ?? []) {
      if (stamp[w] === round) continue;
      stamp[w] = round;
      const seq = words[w];
      const len = lengths[w] ?? 0;
      if (seq === undefined) continue;
      let present = false;
      for (let i = 0; i + 1 < len; i++) if (seq[i] === left && seq[i + 1] === right) present = true;
      if (!present) continue;
      addPairs(w, -1, -1);
      let out = 0;
      for (let i = 0; i < len; i++) {
        if (i + 1 < len && seq[i] === left && seq[i + 1] === right) {
          seq[out++] = pieceId;
          i++;
        } else seq[out++] = seq[i] ?? 0;
      }
      lengths[w] = out;
      addPairs(w, 1, pieceId);
    }
    where.delete(key);
    pairCount.delete(key);
    if (round % 1000 === 0) options.onProgress?.(round, symbolId.size);
  }
  options.onProgress?.(merges.length, symbolId.size);
  return merges;
}

/** Max-heap of (count, pair key); equal counts pop the smaller key (pairs of earlier symbols) first. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.counts[0] ?? 0, this.keys[0] ?? 0];
    const lastCount = this.counts.pop() ?? 0;
    const lastKey = this.keys.pop() ?? 0;
    const n = this.counts.length;
    if (n > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < n && this.before(l, best)) best = l;
        if (r < n && this.before(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i] ?? 0;
    const cj = this.counts[j] ?? 0;
    return ci > cj || (ci === cj && (this.keys[i] ?? 0) < (this.keys[j] ?? 0));
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i] ?? 0;
    this.counts[i] = this.counts[j] ?? 0;
    this.counts[j] = c;
    const k = this.keys[i] ?? 0;
    this.keys[i] = this.keys[j] ?? 0;
    this.keys[j] = k;
  }
}
