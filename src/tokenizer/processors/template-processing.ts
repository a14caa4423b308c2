/**
 * Hugging Face's TemplateProcessing (tokenizers/src/processors/template.rs): the encoding is laid out by a template
 * of pieces — the input sequences `$A` and `$B` and special tokens — each with a token type id. BERT is
 * `[CLS] $A [SEP]` / `[CLS] $A [SEP] $B:1 [SEP]:1`, RoBERTa `<s> $A </s>` / `<s> $A </s> </s> $B </s>`.
 *
 * As in the reference: special tokens get offsets [0, 0], no word id, no sequence id and a 1 in the special tokens
 * mask; a sequence's tokens take the type id of its piece even when special tokens are not added; a special token
 * may stand for several ids.
 */
import { valuePreview } from '../../error-text.js';
import { TokenizerError } from '../../errors.js';
import { allocateEncodingArrays, Encoding, type EncodingArrays } from '../encoding.js';
import type { Json, JsonObject } from '../json-fields.js';
import type { SequenceTokens } from '../sequence-tokens.js';
import type { PostProcessor } from './post-processor.js';

export type TemplatePiece =
  | { readonly sequence: 'A' | 'B'; readonly typeId: number }
  | { readonly special: string; readonly typeId: number };

/** What a special token of the template stands for (tokenizer.json's special_tokens entries). */
export interface TemplateSpecialToken {
  readonly id: string;
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
}

export interface TemplateProcessingOptions {
  single: readonly TemplatePiece[];
  /** Empty: this post-processor does not take pairs. */
  pair: readonly TemplatePiece[];
  specialTokens: readonly TemplateSpecialToken[];
}

/** A template compiled: per piece, the sequence (0 = A, 1 = B, SPECIAL), its type id and its special ids. */
interface Layout {
  sequence: Int8Array;
  typeIds: Int32Array;
  specialIds: (readonly number[])[];
  /** Special tokens the template adds. */
  added: number;
}

const SPECIAL = -1;

export class TemplateProcessing implements PostProcessor {
  readonly single: readonly TemplatePiece[];
  readonly pair: readonly TemplatePiece[];
  readonly specialTokens: ReadonlyMap<string, TemplateSpecialToken>;
  private readonly singleLayout: Layout;
  private readonly pairLayout: Layout;

  constructor(options: TemplateProcessingOptions) {
    this.single = options.single;
    this.pair = options.pair;
    this.specialTokens = new Map(options.specialTokens.map((t) => [t.id, t]));
    // The reference's builder checks (TemplateProcessingBuilder::validate): each sequence used, every special token known.
    const uses = (template: readonly TemplatePiece[], sequence: 'A' | 'B'): boolean =>
      template.some((piece) => 'sequence' in piece && piece.sequence === sequence);
    if (!uses(this.single, 'A') || uses(this.single, 'B')) throw new TokenizerError('TemplateProcessing: the single template must use $A (and not $B)');
    if (this.pair.length > 0 && !(uses(this.pair, 'A') && uses(this.pair, 'B'))) {
      throw new TokenizerError('TemplateProcessing: the pair template must use both $A and $B');
    }
    for (const piece of [...this.single, ...this.pair]) {
      if ('special' in piece && !this.specialTokens.has(piece.special)) {
        throw new TokenizerError(`TemplateProcessing: special token ${valuePreview(piece.special)} of the template has no ids`);
      }
    }
    this.singleLayout = this.layout(this.single);
    this.pairLayout = this.layout(this.pair);
  }

  /**
   * A template from the reference's string form: `"[CLS] $A [SEP]"`, `"[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1"` (pieces
   * `$A`/`$B` or a special token, each with an optional `:typeId`; `$` alone is `$A`, `$N` is `$A:N`), with the
   * special tokens as [token, id] pairs.
   */
  static fromStrings(single: string, pair: string, specialTokens: ReadonlyArray<readonly [string, number]>): TemplateProcessing {
    return new TemplateProcessing({
      single: parseTemplate(single),
      pair: parseTemplate(pair),
      specialTokens: specialTokens.map(([token, id]) => ({ id: token, ids: [id], tokens: [token] })),
    });
  }

  addedTokens(isPair: boolean): number {
    return (isPair ? this.pairLayout : this.singleLayout).added;
  }

  process(a: SequenceTokens, b: SequenceTokens | undefined, addSpecialTokens: boolean): Encoding {
    const layout = b === undefined ? this.singleLayout : this.pairLayout;
    const pieces = layout.sequence.length;
    if (pieces === 0) throw new TokenizerError('TemplateProcessing: this post-processor has no pair template, so it cannot encode pairs');
    // A template may repeat a sequence (the reference copies it each time).
    let n = addSpecialTokens ? layout.added : 0;
    for (let p = 0; p < pieces; p++) {
      const sequence = layout.sequence[p];
      if (sequence === 0) n += a.ids.length;
      else if (sequence === 1) n += b?.ids.length ?? 0;
    }
    const out = allocateEncodingArrays(n);
    out.attentionMask.fill(1);
    out.wordIds.fill(-1);
    out.sequenceIds.fill(-1);
    let at = 0;
    for (let p = 0; p < pieces; p++) {
      const sequence = layout.sequence[p] ?? SPECIAL;
      const typeId = layout.typeIds[p] ?? 0;
      if (sequence !== SPECIAL) {
        const seq = sequence === 0 ? a : b;
        if (seq !== undefined) at = putSequence(out, at, seq, sequence, typeId);
      } else if (addSpecialTokens) {
        const ids = layout.specialIds[p] ?? [];
        for (let k = 0; k < ids.length; k++) {
          out.ids[at] = ids[k] ?? 0;
          out.typeIds[at] = typeId;
          out.specialTokensMask[at] = 1;
          at++;
        }
      }
    }
    return Encoding.fromArrays(out);
  }

  specialTokenIds(): Array<[string, number]> {
    const pairs: Array<[string, number]> = [];
    for (const token of this.specialTokens.values()) token.ids.forEach((id, i) => pairs.push([token.tokens[i] ?? token.id, id]));
    return pairs;
  }

  toJSON(): JsonObject {
    const pieces = (template: readonly TemplatePiece[]): Json[] =>
      template.map((piece): Json =>
        'sequence' in piece
          ? { Sequence: { id: piece.sequence, type_id: piece.typeId } }
          : { SpecialToken: { id: piece.special, type_id: piece.typeId } },
      );
    const specialTokens: JsonObject = {};
    for (const [name, token] of this.specialTokens) specialTokens[name] = { id: token.id, ids: [...token.ids], tokens: [...token.tokens] };
    return { type: 'TemplateProcessing', single: pieces(this.single), pair: pieces(this.pair), special_tokens: specialTokens };
  }

  /** The template as flat arrays, so encoding walks no objects and looks up no names. */
  private layout(template: readonly TemplatePiece[]): Layout {
    const sequence = new Int8Array(template.length);
    const typeIds = new Int32Array(template.length);
    const specialIds: (readonly number[])[] = [];
    let added = 0;
    template.forEach((piece, p) => {
      typeIds[p] = piece.typeId;
      const ids = 'special' in piece ? (this.specialTokens.get(piece.special)?.ids ?? []) : [];
      sequence[p] = 'sequence' in piece ? (piece.sequence === 'A' ? 0 : 1) : SPECIAL;
      specialIds.push(ids);
      added += ids.length;
    });
    return { sequence, typeIds, specialIds, added };
  }
}

/** Copies one sequence's tokens in at `at`, with its sequence index and the piece's type id. */
function putSequence(out: EncodingArrays, at: number, seq: SequenceTokens, sequenceId: number, typeId: number): number {
  const len = seq.ids.length;
  out.ids.set(seq.ids, at);
  out.wordIds.set(seq.words, at);
  const offsets = out.offsets;
  const starts = seq.starts;
  const ends = seq.ends;
  for (let i = 0; i < len; i++) {
    offsets[2 * (at + i)] = starts[i] ?? 0;
    offsets[2 * (at + i) + 1] = ends[i] ?? 0;
  }
  if (typeId !== 0) out.typeIds.fill(typeId, at, at + len);
  out.sequenceIds.fill(sequenceId, at, at + len);
  return at + len;
}

/** The reference's Piece::try_from on each whitespace-separated part. */
function parseTemplate(template: string): TemplatePiece[] {
  return template
    .split(/\s+/)
    .filter((part) => part.length > 0)
    .map((part) => {
      const colon = part.lastIndexOf(':');
      const name = colon > 0 ? part.slice(0, colon) : part;
      const typeText = colon > 0 ? part.slice(colon + 1) : '';
      if (typeText !== '' && !/^\d+$/.test(typeText)) throw new TokenizerError(`TemplateProcessing: bad type id in ${valuePreview(part)}`);
      const typeId = typeText === '' ? 0 : Number(typeText);
      if (!name.startsWith('$')) return { special: name, typeId };
      const rest = name.slice(1);
      if (rest === '' || rest === 'A' || rest === 'a') return { sequence: 'A', typeId };
      if (rest === 'B' || rest === 'b') return { sequence: 'B', typeId };
      if (/^\d+$/.test(rest) && typeText === '') return { sequence: 'A', typeId: Number(rest) };
      throw new TokenizerError(`TemplateProcessing: ${valuePreview(part)} is not a piece ($A, $B or a special token)`);
    });
}
