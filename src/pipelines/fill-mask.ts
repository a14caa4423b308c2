import { ConfigError, ValueError } from '../errors.js';
import { AutoModelForMaskedLM } from '../model/auto.js';
import { BertForMaskedLM } from '../model/heads/masked-lm.js';
import { BertForPreTraining } from '../model/heads/pretraining.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';

export interface FillMaskPrediction {
  /** Softmax probability of the token at the [MASK] position. */
  score: number;
  token: number;
  tokenStr: string;
  /** The input with this token in place of the [MASK]. */
  sequence: string;
}

/**
 * Hugging Face's fill-mask pipeline: the masked LM's top-k tokens for each [MASK] in a text. Works with the MLM
 * head of BertForMaskedLM or BertForPreTraining.
 */
export class FillMaskPipeline {
  constructor(readonly model: BertForMaskedLM | BertForPreTraining, readonly tokenizer: BertTokenizer) {
    model.eval();
  }

  /**
   * Loads model and tokenizer from one Hugging Face folder: the masked-LM class of its model type (a pre-training
   * folder's NSP head and pooler are not needed), as transformers' pipeline loads AutoModelForMaskedLM.
   */
  static fromPretrained(dir: string): FillMaskPipeline {
    const model = AutoModelForMaskedLM.fromPretrained(dir);
    if (!(model instanceof BertForMaskedLM)) throw new ConfigError(`fill-mask: ${dir} did not load as a masked language model`);
    return new FillMaskPipeline(model, BertTokenizer.fromPretrained(dir));
  }

  /** One list of predictions per [MASK] in the text, best first. */
  run(text: string, topK = 5): FillMaskPrediction[][] {
    const encoding = this.tokenizer.encode(text);
    const maskId = this.tokenizer.maskTokenId;
    const positions: number[] = [];
    encoding.ids.forEach((id, i) => {
      if (id === maskId) positions.push(i);
    });
    if (positions.length === 0) throw new ValueError(`fill-mask: no ${this.tokenizer.idToToken(maskId)} token in "${text}"`);
    const seq = encoding.ids.length;
    const hidden = noGrad(() => this.model.encoderModel().forward({
      inputIds: new Tensor(Int32Array.from(encoding.ids), [1, seq]),
      tokenTypeIds: new Tensor(Int32Array.from(encoding.typeIds), [1, seq]),
    }).lastHiddenState);
    return positions.map((position) => {
      const row = new Tensor(Float32Array.from(hidden.data.subarray(position * hidden.shape[2]!, (position + 1) * hidden.shape[2]!)), [1, hidden.shape[2]!]);
      const logits = noGrad(() => this.model.cls.predictions.forward(row)).data;
      let max = -Infinity;
      for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
      let total = 0;
      for (let i = 0; i < logits.length; i++) total += Math.exp(logits[i]! - max);
      const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]!).slice(0, topK);
      return order.map((token) => {
        const ids = Int32Array.from(encoding.ids);
        ids[position] = token;
        return {
          score: Math.exp(logits[token]! - max) / total,
          token,
          tokenStr: this.tokenizer.idToToken(token),
          sequence: this.tokenizer.decode(ids, { skipSpecialTokens: true }),
        };
      });
    });
  }
}
