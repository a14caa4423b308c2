/**
 * The stream of words between the text stages and the model. A WordScanner (normalizer + pre-tokenizer, fused or
 * staged) cuts a range of the raw text into words; a WordSink receives them. A word is a run of normalized UTF-16
 * units, each paired with the [start, end) of the original character it came from, so a token's span in the
 * original text is [starts[first unit], ends[last unit]) — Hugging Face's NormalizedString alignments, kept per unit
 * in typed arrays instead of per character in objects.
 */
export interface WordSink {
  /** One word: `length` units; unit k came from the original [starts[k], ends[k]); `codePoints` counts the whole word. */
  word(units: Uint16Array, starts: Int32Array, ends: Int32Array, length: number, codePoints: number): void;
  /** An added token found verbatim at [start, end) of the raw text (Hugging Face's AddedVocabulary split). */
  special(id: number, start: number, end: number): void;
}

export interface WordScanner {
  /** Normalizes and splits text[from, to) (a range between added tokens), calling `sink.word` for each word in order. */
  scanRange(text: string, from: number, to: number, sink: WordSink): void;
}

/** Runs `scan` and returns its words (and added tokens) as strings with their spans. */
export function collectWords(text: string, scan: (sink: WordSink) => void): Array<[string, [number, number]]> {
  const out: Array<[string, [number, number]]> = [];
  scan({
    word(units, starts, ends, length) {
      out.push([String.fromCharCode(...units.subarray(0, length)), [starts[0] ?? 0, ends[length - 1] ?? 0]]);
    },
    special(_id, start, end) {
      out.push([text.slice(start, end), [start, end]]);
    },
  });
  return out;
}
