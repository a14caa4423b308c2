import type { Tensor } from '../../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../../encoder-model.js';
import type { HeadOutput } from '../../heads/head-output.js';
import { encodeForMaskedLm, maskedLmForward } from '../../heads/mlm-loss.js';
import type { InitOptions } from '../../init-options.js';
import type { AlbertConfig } from '../albert-config.js';
import { AlbertMLMHead } from './albert-mlm-head.js';
import { AlbertWithHead } from './albert-with-head.js';

/** AlbertForMaskedLM: the MLM head alone, on an encoder without a pooler (as Hugging Face builds it). */
export class AlbertForMaskedLM extends AlbertWithHead {
  readonly architecture = 'AlbertForMaskedLM';
  readonly predictions: AlbertMLMHead;

  constructor(config: AlbertConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.predictions = new AlbertMLMHead(config, this.params.at('predictions'), this.albert.wordEmbeddings());
  }

  /** labels: int32 [batch, seq], -100 where no loss is taken; onlyMaskedPositions as BertForMaskedLM's. */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions & { onlyMaskedPositions?: boolean } = {}): HeadOutput & { logits: Tensor } {
    const { base, mlmHidden, targets } = encodeForMaskedLm(this.albert, inputs, options, options.onlyMaskedPositions ?? false, new Int32Array(0));
    const mlm = maskedLmForward(this.predictions, mlmHidden, targets);
    const output: HeadOutput & { logits: Tensor } = { ...base, logits: mlm.logits };
    if (mlm.loss !== undefined) output.loss = mlm.loss;
    return output;
  }
}
