/**
 * Fill-mask as transformers.js's FillMaskPipeline ({score, token, token_str, sequence}, top_k 5), with Hugging
 * Face Python's several masks per text (a list per mask), which transformers.js lacks. The mask is the tokenizer's
 * (`[MASK]` for BERT and ALBERT, `<mask>` for RoBERTa); the model any family's masked LM (head-readers.ts).
 */
import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';
import { runEncoder } from '../inference/run-encoder.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import type { ModelTask } from '../model/registry.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { AutoTokenizer } from '../tokenizer/auto-tokenizer.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { maskedLmOf, type RowsHead } from './head-readers.js';
import { expectHead, loadPipelineModel } from './pipeline-model.js';
import { OptionReader } from './pipeline-options.js';
import { softmax, topIndices } from './scores.js';
import { TextPipeline } from './text-pipeline.js';
import { tokenizerRoles, type TokenizerRoles } from './tokenizer-roles.js';
import { maxInputTokens, TruncatedEncoder } from './truncated-encoding.js';

export interface FillMaskResult {
  /** Softmax probability of the token at the [MASK] position. */
  score: number;
  token: number;
  /** The token decoded alone. */
  token_str: string;
  /** The text with this token in place of the [MASK]. */
  sequence: string;
}

/** One text's results: a list for one [MASK]; a list per [MASK] for several. */
export type FillMaskOutput = FillMaskResult[] | FillMaskResult[][];

export interface FillMaskCallOptions {
  /** Tokens per [MASK], best first (5). */
  top_k?: number;
}

export interface FillMaskOptions {
  top_k: number;
}

/** The heads whose folders fill-mask takes (it loads the first): a pre-training folder has the same MLM head. */
export const FILL_MASK_HEADS: readonly ModelTask[] = ['masked-lm', 'pretraining'];

export interface FillMaskPipeline {
  (texts: string, options?: FillMaskCallOptions): Promise<FillMaskOutput>;
  (texts: readonly string[], options?: FillMaskCallOptions): Promise<FillMaskOutput[]>;
}

/** The masked LM's top-k tokens for each mask; works with the MLM head of a masked-LM or pre-training model of any family. */
export class FillMaskPipeline extends TextPipeline<FillMaskCallOptions, FillMaskOptions, FillMaskOutput> {
  readonly task = 'fill-mask' as const;
  private readonly encoder: TruncatedEncoder;
  private readonly head: RowsHead;
  private readonly roles: TokenizerRoles;

  constructor(readonly model: PreTrainedModel, readonly tokenizer: Tokenizer) {
    super();
    this.head = maskedLmOf(model);
    this.roles = tokenizerRoles(tokenizer);
    if (this.roles.maskTokenId === undefined) throw new ValueError('fill-mask: the tokenizer has no mask token');
    model.eval();
    this.encoder = new TruncatedEncoder(tokenizer, maxInputTokens(this.head.encoder, tokenizer));
  }

  /**
   * Loads model and tokenizer from one Hugging Face folder: the masked-LM class of its model type (a pre-training
   * folder's NSP head and pooler are not needed), as transformers' pipeline loads AutoModelForMaskedLM.
   */
  static fromPretrained(dir: string): FillMaskPipeline {
    const model = expectHead(loadPipelineModel(dir, 'fill-mask', FILL_MASK_HEADS), FILL_MASK_HEADS, 'fill-mask', dir);
    return new FillMaskPipeline(model, AutoTokenizer.fromPretrained(dir));
  }

  checkOptions(options: Record<string, unknown>): FillMaskOptions {
    return { top_k: new OptionReader(this.task, options, ['top_k']).integer('top_k', 5, 1) };
  }

  lengthOf(input: string): number {
    return this.encoder.length(input);
  }

  runBatch(inputs: readonly string[], options: FillMaskOptions): FillMaskOutput[] {
    if (inputs.length === 0) return [];
    const maskId = this.roles.maskTokenId!;
    const encodings = inputs.map((input) => this.encoder.encode(input));
    this.encoder.warn(this.task);
    // Every [MASK] of the batch, as rows of the packed hidden states.
    const masks: number[][] = encodings.map((encoding, i) => {
      const positions: number[] = [];
      encoding.ids.forEach((id, position) => {
        if (id === maskId) positions.push(position);
      });
      if (positions.length === 0) throw new ValueError(`fill-mask: no ${this.tokenizer.idToToken(maskId)} token in ${valuePreview(inputs[i])}`);
      return positions;
    });
    const { hidden, offsets, hiddenSize } = runEncoder(this.head.encoder, encodings); // [totalTokens, hidden]
    const rows = masks.flatMap((positions, i) => positions.map((position) => offsets[i]! + position));
    const maskHidden = new Float32Array(rows.length * hiddenSize); // [masks, hidden]
    rows.forEach((row, r) => maskHidden.set(hidden.subarray(row * hiddenSize, (row + 1) * hiddenSize), r * hiddenSize));
    const logits = noGrad(() => this.head.forward(new Tensor(maskHidden, [rows.length, hiddenSize]))).floats('fill-mask'); // [masks, vocab]
    const vocab = logits.length / Math.max(rows.length, 1);
    let row = 0;
    return encodings.map((encoding, i) => {
      const single = masks[i]!.length === 1;
      const perMask = masks[i]!.map((position) => {
        const scores = softmax(logits.subarray(row * vocab, (row + 1) * vocab));
        row++;
        return topIndices(scores, options.top_k).map((token) => {
          const ids = encoding.ids.slice();
          ids[position] = token;
          return {
            score: scores[token]!,
            token,
            token_str: this.tokenizer.decode([token]),
            // Hugging Face's: special tokens are skipped for one mask; with several they are kept, so the other
            // [MASK]s stay visible in each sequence.
            sequence: this.roles.decodeText(ids, { skipSpecialTokens: single }),
          };
        });
      });
      return single ? perMask[0]! : perMask;
    });
  }
}
