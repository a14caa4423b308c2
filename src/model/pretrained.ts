import type { LoadingInfo, SavableTokenizer } from '../io/model-folder.js';
import { loadPretrained, savePretrained, type LoadOptions } from './bert-checkpoint.js';
import { Module } from '../nn/module.js';
import type { BertConfig } from './config.js';
import type { BertModel, InitOptions } from './bert-model.js';

/**
 * What every BERT model class shares: its config, the encoder under `bert` (heads) or itself (BertModel), the
 * Hugging Face architecture name written into config.json, and Hugging Face folders in and out.
 */
export abstract class BertPreTrainedModel extends Module {
  abstract readonly config: BertConfig;
  /** Hugging Face class name, e.g. "BertForMaskedLM". */
  abstract readonly architecture: string;
  /** The encoder: `this.bert` for heads, the model itself for BertModel. */
  abstract encoderModel(): BertModel;
  /** Prefix of the encoder's parameters in this model's names: "bert." for heads, "" for BertModel. */
  abstract readonly basePrefix: string;
  /**
   * Whether a checkpoint may lack this parameter, which is then newly initialised: a task head or the pooler may
   * be new (fine-tuning starts that way), the embeddings and encoder layers may not.
   */
  mayBeNewlyInitialized(name: string): boolean {
    return !(name.startsWith(this.basePrefix) && /^(embeddings|encoder)\./.test(name.slice(this.basePrefix.length)));
  }

  /** What the last fromPretrained found missing or unexpected (Hugging Face's output_loading_info). */
  loadingInfo?: LoadingInfo;

  /**
   * Loads config.json + model.safetensors (or, without it, pytorch_model.bin, read without executing its pickle)
   * from a Hugging Face folder; the model comes back in eval mode.
   */
  static fromPretrained<M extends BertPreTrainedModel>(
    this: new (config: BertConfig, options?: InitOptions) => M,
    dir: string,
    options: LoadOptions = {},
  ): M {
    const { model, loadingInfo } = loadPretrained((config, params) => new this(config, options.seed === undefined ? { params } : { params, seed: options.seed }), dir, options);
    model.loadingInfo = loadingInfo;
    return model;
  }

  /** Writes config.json, model.safetensors (Hugging Face names) and the tokenizer's files when given. */
  savePretrained(dir: string, tokenizer?: SavableTokenizer): void {
    savePretrained(this, dir, tokenizer);
  }
}
