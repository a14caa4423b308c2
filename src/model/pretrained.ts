import { WeightsFile, type LoadingInfo, type SavableTokenizer } from '../io/model-folder.js';
import type { ParamSource } from '../nn/param-source.js';
import { loadCheckpoint, loadPretrained, savePretrained, type LoadOptions } from './bert-checkpoint.js';
import { Module } from '../nn/module.js';
import { bertConfigFromJson, type BertConfig } from './config.js';
import type { BertModel, InitOptions } from './bert-model.js';

/** How a loader builds `Model` on a checkpoint's parameters (with the seed of its new weights, when given). */
function builder<M>(Model: new (config: BertConfig, options?: InitOptions) => M, options: LoadOptions): (config: BertConfig, params: ParamSource) => M {
  return (config, params) => new Model(config, options.seed === undefined ? { params } : { params, seed: options.seed });
}

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
   * from a Hugging Face folder; the model comes back in eval mode. Files are read through the installed FileAccess
   * (io/file-access.ts: node:fs behind the Node entry); the loading itself is fromBytes's.
   */
  static fromPretrained<M extends BertPreTrainedModel>(
    this: new (config: BertConfig, options?: InitOptions) => M,
    dir: string,
    options: LoadOptions = {},
  ): M {
    const { model, loadingInfo } = loadPretrained(builder(this, options), dir, options);
    model.loadingInfo = loadingInfo;
    return model;
  }

  /**
   * Builds the model from a config.json object and a model.safetensors image in memory (what a browser fetches),
   * by the same strict loading as fromPretrained; the model comes back in eval mode. `source` (default
   * "model.safetensors") names the checkpoint in errors and warnings.
   */
  static fromBytes<M extends BertPreTrainedModel>(
    this: new (config: BertConfig, options?: InitOptions) => M,
    configJson: unknown,
    safetensors: Uint8Array | ArrayBuffer,
    options: LoadOptions & { source?: string } = {},
  ): M {
    const source = options.source ?? 'model.safetensors';
    const config = bertConfigFromJson(configJson, 'config.json');
    const weights = WeightsFile.fromBytes(safetensors, source);
    const { model, loadingInfo } = loadCheckpoint(builder(this, options), config, weights, source, options);
    model.loadingInfo = loadingInfo;
    return model;
  }

  /** Writes config.json, model.safetensors (Hugging Face names) and the tokenizer's files when given. */
  savePretrained(dir: string, tokenizer?: SavableTokenizer): void {
    savePretrained(this, dir, tokenizer);
  }
}
