/**
 * Hugging Face's Sequence of pre-tokenizers (tokenizers/src/pre_tokenizers/sequence.rs): each one splits the words
 * the previous one produced. Intermediate words are kept whole (no unit limit); only the last stage builds words for
 * the model.
 */
import type { JsonObject } from '../json-fields.js';
import { NormalizedText } from '../normalized-text.js';
import { WordBuilder } from '../word-builder.js';
import type { WordSink } from '../word-sink.js';
import type { PreTokenizer } from './pre-tokenizer.js';

export class SequencePreTokenizer implements PreTokenizer {
  private readonly builders: WordBuilder[];
  private readonly words: NormalizedText[];
  private readonly handoffs: WordSink[];
  private finalWord: WordBuilder | undefined;
  private finalSink: WordSink | undefined;

  constructor(readonly preTokenizers: readonly PreTokenizer[]) {
    const inner = Math.max(0, preTokenizers.length - 1);
    this.builders = Array.from({ length: inner }, () => new WordBuilder(Infinity));
    this.words = Array.from({ length: inner }, () => new NormalizedText());
    this.handoffs = Array.from({ length: inner }, (_, i) => ({
      word: (units: Uint16Array, starts: Int32Array, ends: Int32Array, length: number): void => {
        const text = this.words[i] as NormalizedText;
        text.setWord(units, starts, ends, length);
        this.run(i + 1, text);
      },
      special: (): void => {},
    }));
  }

  preTokenize(input: NormalizedText, word: WordBuilder, sink: WordSink): void {
    if (this.preTokenizers.length === 0) {
      word.appendText(input);
      word.flush(sink);
      return;
    }
    this.finalWord = word;
    this.finalSink = sink;
    this.run(0, input);
  }

  toJSON(): JsonObject {
    return { type: 'Sequence', pretokenizers: this.preTokenizers.map((p) => p.toJSON()) };
  }

  private run(stage: number, input: NormalizedText): void {
    const preTokenizer = this.preTokenizers[stage] as PreTokenizer;
    if (stage === this.preTokenizers.length - 1) preTokenizer.preTokenize(input, this.finalWord as WordBuilder, this.finalSink as WordSink);
    else preTokenizer.preTokenize(input, this.builders[stage] as WordBuilder, this.handoffs[stage] as WordSink);
  }
}
