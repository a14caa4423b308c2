/**
 * Tokenizing pipeline inputs as transformers.js and Hugging Face's pipelines do (`truncation: true`): an input
 * longer than the model takes is cut to fit, and what was cut is counted so that one warning can say so.
 */
import type { EncoderModel } from '../model/encoder-model.js';
import type { Encoding } from '../tokenizer/encoding.js';
import type { EncodeOptions, Tokenizer } from '../tokenizer/tokenizer.js';
import type { TruncationStrategy } from '../tokenizer/truncation.js';
import { emitWarning } from '../warnings.js';
import { tokenizerRoles } from './tokenizer-roles.js';

/**
 * The most tokens one input may have: what the position embeddings allow (EncoderModel.maxInputTokens: RoBERTa's
 * 514 positions take 512 tokens), or the tokenizer's model_max_length when smaller.
 */
export function maxInputTokens(encoder: EncoderModel, tokenizer: Tokenizer): number {
  return Math.min(encoder.maxInputTokens, tokenizerRoles(tokenizer).modelMaxLength ?? Infinity);
}

// Explicit, so a tokenizer.json's own truncation or padding settings do not apply behind the pipeline's back.
const WHOLE: EncodeOptions = Object.freeze({ truncation: false, padding: false });

/** Measured encodings kept for encode(): the CLI measures a window of inputs, then runs them. Beyond this, start over. */
const MEASURED_LIMIT = 4096;

/** One key per (text, pair): the length prefix keeps ("a\0b") and ("a", "b") apart. */
function inputKey(text: string, pair: string | undefined): string {
  return pair === undefined ? `1:${text}` : `2:${text.length}:${text}${pair}`;
}

/** Encodes inputs cut to `maxLength` tokens (special tokens included), counting the inputs cut and tokens dropped. */
export class TruncatedEncoder {
  private truncatedInputs = 0;
  private droppedTokens = 0;
  private readonly cut: EncodeOptions;

  /**
   * `strategy`: Hugging Face's ('longest_first' as `truncation: true`; zero-shot cuts only the premise). `limit` names
   * the bound in the warning: the model's, or an option's (token classification's max_seq_len).
   */
  constructor(
    readonly tokenizer: Tokenizer,
    readonly maxLength: number,
    strategy: TruncationStrategy = 'longest_first',
    private readonly limit = `the model's ${maxLength} tokens`,
  ) {
    this.cut = Object.freeze({ maxLength, truncation: strategy, padding: false });
  }

  /** Encodings made by length() that encode() has not taken yet (so an input is tokenized once). */
  private readonly measured = new Map<string, Encoding>();

  /** Tokens of the input once cut (what lengthOf reports); its encoding is kept for encode(). */
  length(text: string, pair?: string): number {
    return Math.min(this.measure(text, pair).length, this.maxLength);
  }

  /** Tokens of the whole input, uncut: what its windows hold, less the tokens they repeat. */
  wholeLength(text: string): number {
    return this.measure(text, undefined).length;
  }

  private measure(text: string, pair: string | undefined): Encoding {
    const whole = this.tokenizer.encode(text, pair, WHOLE);
    if (this.measured.size >= MEASURED_LIMIT) this.measured.clear();
    this.measured.set(inputKey(text, pair), whole);
    return whole;
  }

  /** The whole encoding, from length()'s measurement when there is one. */
  private take(text: string, pair: string | undefined): Encoding {
    const key = inputKey(text, pair);
    const whole = this.measured.get(key) ?? this.tokenizer.encode(text, pair, WHOLE);
    this.measured.delete(key);
    return whole;
  }

  /**
   * The text whole when it fits, else windows of maxLength tokens (special tokens included), each beginning `stride`
   * tokens before the previous one ended: the tokenizer's overflowing windows, as Hugging Face's token-classification
   * pipeline asks for them with `stride` (return_overflowing_tokens). Nothing is cut, so nothing is counted.
   */
  windows(text: string, stride: number): Encoding[] {
    const whole = this.take(text, undefined);
    if (whole.length <= this.maxLength) return [whole];
    const first = this.tokenizer.encode(text, undefined, { maxLength: this.maxLength, truncation: 'longest_first', stride, returnOverflowing: true, padding: false });
    return [first.withOverflowing([]), ...first.overflowing];
  }

  encode(text: string, pair?: string): Encoding {
    const whole = this.take(text, pair);
    if (whole.length <= this.maxLength) return whole;
    const cut = this.tokenizer.encode(text, pair, this.cut);
    this.truncatedInputs++;
    this.droppedTokens += whole.length - cut.length;
    return cut;
  }

  /** One warning for everything cut since the last call (none if nothing was). */
  warn(task: string): void {
    if (this.truncatedInputs === 0) return;
    emitWarning(`${task}: ${this.truncatedInputs === 1 ? '1 input was' : `${this.truncatedInputs} inputs were`} longer than ${this.limit} `
      + `and truncated to them (${this.droppedTokens} tokens dropped)`, 'TSBERT_TRUNCATED');
    this.truncatedInputs = 0;
    this.droppedTokens = 0;
  }
}
