/**
 * Hugging Face's RobertaProcessing (tokenizers/src/processors/roberta.rs): `<s> $A </s>` and, for pairs,
 * `<s> $A </s> </s> $B </s>`, every type id 0 (RoBERTa has one token type). With `trim_offsets`, each token's span
 * loses the spaces its text starts or ends with ('Ġ', or whitespace) — the reference's byte_level.rs process_offsets,
 * run on each sequence (and window) before the special tokens are added, also when they are not:
 * "Ġworld" at [5, 11) becomes [6, 11), a lone "Ġ" an empty span at its end. The exception is the reference's too: with
 * `add_prefix_space`, a sequence's first token (or one starting at 0) keeps a single leading space, which the
 * pre-tokenizer put there. A token's text is its vocabulary string, but an added token's is the input it spans (the
 * reference's Token value is the matched slice), so `<mask>` that took the space before it (lstrip) is trimmed back
 * to the mask.
 */
import { SPACE_UNIT } from '../byte-level-alphabet.js';
import { charFlags, F_SPACE } from '../char-classes.js';
import type { Encoding } from '../encoding.js';
import type { JsonObject } from '../json-fields.js';
import type { SequenceTokens } from '../sequence-tokens.js';
import type { PostProcessor } from './post-processor.js';
import { TemplateProcessing } from './template-processing.js';

export interface RobertaProcessingOptions {
  /** Default true (the reference's). */
  trimOffsets?: boolean;
  /** Whether the pre-tokenizer adds a prefix space (see above). Default true (the reference's; RoBERTa's files: false). */
  addPrefixSpace?: boolean;
}

export class RobertaProcessing extends TemplateProcessing {
  readonly trimOffsets: boolean;
  readonly addPrefixSpace: boolean;
  private readonly flags = charFlags();

  constructor(
    readonly sep: readonly [string, number],
    readonly cls: readonly [string, number],
    options: RobertaProcessingOptions = {},
    private readonly tokenOf?: (id: number) => string | undefined,
    private readonly isAdded: (id: number) => boolean = () => false,
  ) {
    super({
      single: [{ special: cls[0], typeId: 0 }, { sequence: 'A', typeId: 0 }, { special: sep[0], typeId: 0 }],
      pair: [
        { special: cls[0], typeId: 0 },
        { sequence: 'A', typeId: 0 },
        { special: sep[0], typeId: 0 },
        { special: sep[0], typeId: 0 },
        { sequence: 'B', typeId: 0 },
        { special: sep[0], typeId: 0 },
      ],
      specialTokens: [cls, sep].map(([token, id]) => ({ id: token, ids: [id], tokens: [token] })),
    });
    this.trimOffsets = options.trimOffsets ?? true;
    this.addPrefixSpace = options.addPrefixSpace ?? true;
  }

  forTokens(tokenOf: (id: number) => string | undefined, isAdded?: (id: number) => boolean): PostProcessor {
    return new RobertaProcessing(this.sep, this.cls, { trimOffsets: this.trimOffsets, addPrefixSpace: this.addPrefixSpace }, tokenOf, isAdded);
  }

  override process(a: SequenceTokens, b: SequenceTokens | undefined, addSpecialTokens: boolean): Encoding {
    const encoding = super.process(a, b, addSpecialTokens);
    if (this.trimOffsets && this.tokenOf !== undefined) this.trim(encoding, this.tokenOf, [a.text, b?.text]);
    return encoding;
  }

  override toJSON(): JsonObject {
    return { type: 'RobertaProcessing', sep: [...this.sep], cls: [...this.cls], trim_offsets: this.trimOffsets, add_prefix_space: this.addPrefixSpace };
  }

  /** Trims the spans of the sequences' tokens in place (the encoding's arrays are its own). */
  private trim(encoding: Encoding, tokenOf: (id: number) => string | undefined, texts: readonly (string | undefined)[]): void {
    const { ids, offsets, sequenceIds } = encoding;
    let sequence = -1;
    let indexInSequence = 0;
    for (let i = 0; i < ids.length; i++) {
      const seq = sequenceIds[i] ?? -1;
      if (seq < 0) continue;
      indexInSequence = seq === sequence ? indexInSequence + 1 : 0;
      sequence = seq;
      const id = ids[i] ?? 0;
      const text = texts[seq];
      const token = text !== undefined && this.isAdded(id) ? text.slice(offsets[2 * i], offsets[2 * i + 1]) : (tokenOf(id) ?? '');
      let leading = 0;
      while (leading < token.length && this.isSpace(token.charCodeAt(leading))) leading++;
      if (leading === 0 && !(token.length > 0 && this.isSpace(token.charCodeAt(token.length - 1)))) continue;
      let trailing = 0;
      while (trailing < token.length && this.isSpace(token.charCodeAt(token.length - 1 - trailing))) trailing++;
      let start = offsets[2 * i] ?? 0;
      let end = offsets[2 * i + 1] ?? 0;
      if (leading > 0) {
        const isFirst = indexInSequence === 0 || start === 0;
        if (isFirst && this.addPrefixSpace && leading === 1) leading = 0;
        start = Math.min(start + leading, end);
      }
      if (trailing > 0 && end >= trailing) end = Math.max(end - trailing, start);
      offsets[2 * i] = start;
      offsets[2 * i + 1] = end;
    }
  }

  private isSpace(unit: number): boolean {
    return unit === SPACE_UNIT || ((this.flags[unit] ?? 0) & F_SPACE) !== 0;
  }
}
