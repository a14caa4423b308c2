/**
 * The text stages as one WordScanner: normalizer then pre-tokenizer (Hugging Face's order), either fused — BERT's
 * pair of stages runs as BasicTokenizer, one pass with no normalized string — or staged through a NormalizedText
 * buffer, which works for any combination. The choice is made once, when the pipeline is built.
 */
import { BasicTokenizer } from './basic-tokenizer.js';
import { NormalizedText } from './normalized-text.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import type { Normalizer } from './normalizers/normalizer.js';
import { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
import type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';
import { WordBuilder } from './word-builder.js';
import type { WordScanner, WordSink } from './word-sink.js';

/** Any normalizer (or none) then any pre-tokenizer (or none: the whole normalized range is one word, as in the reference). */
export class StagedWordScanner implements WordScanner {
  private readonly original = new NormalizedText();
  private readonly normalized = new NormalizedText();
  private readonly word: WordBuilder;

  constructor(
    readonly normalizer: Normalizer | null,
    readonly preTokenizer: PreTokenizer | null,
    maxWordUnits: number,
  ) {
    this.word = new WordBuilder(maxWordUnits);
  }

  scanRange(text: string, from: number, to: number, sink: WordSink): void {
    let input = this.original;
    input.setOriginal(text, from, to);
    if (this.normalizer !== null) {
      this.normalizer.normalize(input, this.normalized);
      input = this.normalized;
    }
    if (this.preTokenizer !== null) {
      this.preTokenizer.preTokenize(input, this.word, sink);
      return;
    }
    this.word.appendText(input);
    this.word.flush(sink);
  }
}

/**
 * The scanner for these stages: the fused BasicTokenizer for BertNormalizer + BertPreTokenizer, else the staged one.
 * `maxWordUnits` comes from the model; `neverSplit` only matters to BasicTokenizer's own scan (the pipeline cuts
 * added tokens itself).
 */
export function wordScannerFor(
  normalizer: Normalizer | null,
  preTokenizer: PreTokenizer | null,
  maxWordUnits: number,
  neverSplit?: ReadonlyMap<string, number>,
): WordScanner {
  if (normalizer instanceof BertNormalizer && preTokenizer instanceof BertPreTokenizer) {
    return new BasicTokenizer({ maxWordUnits, ...(neverSplit !== undefined ? { neverSplit } : {}) }, normalizer);
  }
  return new StagedWordScanner(normalizer, preTokenizer, maxWordUnits);
}
