import { WeightsFile, type LoadingInfo, type SavableTokenizer } from '../io/model-folder.js';
import { Module } from '../nn/module.js';
import type { ParamSource } from '../nn/param-source.js';
import { loadCheckpoint, loadPretrained, savePretrained, type LoadOptions } from './checkpoint-loading.js';
import type { EncoderModel } from './encoder-model.js';
import type { InitOptions } from './init-options.js';
import type { ModelFamily } from './model-family.js';
import type { PretrainedConfig } from './pretrained-config.js';

/** A model class of a family: built from its config, with the family it loads and saves by. */
export type PretrainedClass<C extends PretrainedConfig, M> = (new (config: C, options?: InitOptions) => M) & { readonly family: ModelFamily<C> };

/** How a loader builds `Model` on a checkpoint's parameters (with the seed of its new weights, when given). */
function builder<C extends PretrainedConfig, M>(Model: PretrainedClass<C, M>, options: LoadOptions): (config: C, params: ParamSource) => M {
  return (config, params) => new Model(config, options.seed === undefined ? { params } : { params, seed: options.seed });
}

/**
 * What every model class of every family shares (Hugging Face's PreTrainedModel): its config, its family, the
 * encoder (under `basePrefix` for a task model, the model itself for a base model), the architecture name written
 * into config.json, and Hugging Face folders in and out. A family's abstract base (BertPreTrainedModel,
 * RobertaPreTrainedModel, ...) sets `family` on the class and its instances.
 */
export abstract class PreTrainedModel<C extends PretrainedConfig = PretrainedConfig> extends Module {
  abstract readonly config: C;
  abstract readonly family: ModelFamily<C>;
  /** Hugging Face class name, e.g. "BertForMaskedLM". */
  abstract readonly architecture: string;
  /** The encoder: the family's base model under `basePrefix` for heads, the model itself for a base model. */
  abstract encoderModel(): EncoderModel;
  /** Prefix of the encoder's parameters in this model's names: "bert." for BERT's heads, "" for BertModel. */
  abstract readonly basePrefix: string;

  /**
   * Whether a checkpoint may lack this parameter, which is then newly initialised: a task head or the pooler may
   * be new (fine-tuning starts that way), the embeddings and encoder layers may not (ModelFamily.isRequired).
   */
  mayBeNewlyInitialized(name: string): boolean {
    return !(name.startsWith(this.basePrefix) && this.family.isRequired(name.slice(this.basePrefix.length)));
  }

  /** What the last fromPretrained found missing or unexpected (Hugging Face's output_loading_info). */
  loadingInfo?: LoadingInfo;

  /**
   * A fresh model of this class from a config known only as some family's (the registry's view): one of another
   * family is a ConfigError naming `config.modelType`; the family's own check (ModelFamily.configOf) vouches for the rest.
   */
  static create<C extends PretrainedConfig, M extends PreTrainedModel<C>>(
    this: PretrainedClass<C, M>,
    config: PretrainedConfig,
    options: InitOptions = {},
  ): M {
    return new this(this.family.configOf(config, this.name), options);
  }

  /**
   * Loads config.json + model.safetensors (or, without it, pytorch_model.bin, read without executing its pickle)
   * from a Hugging Face folder; the model comes back in eval mode. Files are read through the installed FileAccess
   * (io/file-access.ts: node:fs behind the Node entry); the loading itself is fromBytes's.
   */
  static fromPretrained<C extends PretrainedConfig, M extends PreTrainedModel<C>>(
    this: PretrainedClass<C, M>,
    dir: string,
    options: LoadOptions = {},
  ): M {
    const { model, loadingInfo } = loadPretrained(builder(this, options), this.family, dir, options);
    model.loadingInfo = loadingInfo;
    return model;
  }

  /**
   * Builds the model from a config.json object and a model.safetensors image in memory (what a browser fetches),
   * by the same strict loading as fromPretrained; the model comes back in eval mode. `source` (default
   * "model.safetensors") names the checkpoint in errors and warnings.
   */
  static fromBytes<C extends PretrainedConfig, M extends PreTrainedModel<C>>(
    this: PretrainedClass<C, M>,
    configJson: unknown,
    safetensors: Uint8Array | ArrayBuffer,
    options: LoadOptions & { source?: string } = {},
  ): M {
    const source = options.source ?? 'model.safetensors';
    const config = this.family.configFromJson(configJson, 'config.json');
    const weights = WeightsFile.fromBytes(safetensors, source);
    const { model, loadingInfo } = loadCheckpoint(builder(this, options), this.family, config, weights, source, options);
    model.loadingInfo = loadingInfo;
    return model;
  }

  /** Writes config.json, model.safetensors (Hugging Face names) and the tokenizer's files when given. */
  savePretrained(dir: string, tokenizer?: SavableTokenizer): void {
    savePretrained(this, dir, tokenizer);
  }
}
